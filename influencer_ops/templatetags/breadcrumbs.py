"""``{% breadcrumbs "Programs" programs_url program.name %}``: where a page sits.

Arguments alternate label and link; the last label, without a link, is the page itself.
Filled in a page's ``{% block breadcrumbs %}`` (``base.html`` puts it above the page).
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def breadcrumbs(*parts: Any) -> dict[str, Any]:
    if not parts or len(parts) % 2 == 0:
        raise template.TemplateSyntaxError(
            "breadcrumbs takes label/link pairs and ends with the page's own label."
        )
    trail = [(str(parts[i]), str(parts[i + 1])) for i in range(0, len(parts) - 1, 2)]
    return {"trail": trail, "current": str(parts[-1])}
