"""``{% task_history_lines events as lines %}``: a task's events as history lines."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from influencer_ops.history import HistoryLine
from messaging.history import task_event_lines
from messaging.models import TaskEvent

register = template.Library()


@register.simple_tag
def task_history_lines(events: Iterable[TaskEvent]) -> list[HistoryLine]:
    return task_event_lines(events)
