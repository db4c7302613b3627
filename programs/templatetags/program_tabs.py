"""``{% program_tabs program "content" %}``: the tab bar every program page shows."""

from __future__ import annotations

from typing import Any

from django import template

from programs.models import Program
from programs.tabs import TAB_KEYS
from programs.tabs import program_tabs as tabs_for

register = template.Library()


@register.inclusion_tag("programs/_tabs.html", takes_context=True)
def program_tabs(context: template.Context, program: Program, current: str) -> dict[str, Any]:
    if current not in TAB_KEYS:
        raise template.TemplateSyntaxError(f"No program tab called {current!r}.")
    request = context.get("request")
    membership = getattr(request, "membership", None)
    return {"tabs": tabs_for(membership=membership, program=program), "current": current}
