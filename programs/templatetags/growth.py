"""``{% invite_suggestions program ranked as suggestions %}``: the terms suggested for the
returning creators of a candidate list, in one query for the whole list; then
``suggestions|suggestion_for:creator.pk`` in each row (None for a newcomer)."""

from __future__ import annotations

from typing import Any

from django import template

from programs.growth.selectors import Suggestion
from programs.growth.selectors import invite_suggestions as suggestions_of
from programs.models import Program

register = template.Library()


@register.simple_tag
def invite_suggestions(program: Program, ranked: Any) -> dict[int, Suggestion]:
    ids = [row[0].pk if isinstance(row, tuple | list) else row.pk for row in ranked or []]
    return suggestions_of(program=program, creator_ids=ids)


@register.filter
def suggestion_for(suggestions: dict[int, Suggestion] | None, pk: int) -> Suggestion | None:
    return (suggestions or {}).get(pk)
