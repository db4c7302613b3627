"""``{% history_list lines %}``: every timeline drawn the same way (``includes/history.html``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template

from influencer_ops.history import HistoryLine

register = template.Library()


@register.inclusion_tag("includes/history.html")
def history_list(
    lines: Sequence[HistoryLine], empty: str = "Nothing recorded yet."
) -> dict[str, Any]:
    return {"lines": lines, "empty": empty}
