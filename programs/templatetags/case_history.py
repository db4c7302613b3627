"""``{% case_history_lines case actions staff_view=… terms_link=… as lines %}``."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from influencer_ops.history import HistoryLine
from programs.cases.history import case_history_lines as lines_of
from programs.models import CaseAction, ComplianceCase

register = template.Library()


@register.simple_tag
def case_history_lines(
    case: ComplianceCase,
    actions: Iterable[CaseAction],
    staff_view: bool = False,
    terms_link: str = "",
) -> list[HistoryLine]:
    return lines_of(case, actions, staff_view=bool(staff_view), terms_link=terms_link or "")
