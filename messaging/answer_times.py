"""Our own answer times: how long creators wait for the team's first answer to a request, and
for its resolution (``Task.first_answered_at`` / ``resolved_at``, set by the write path in
``services/threads.py`` and ``services/queue.py``).

The figure shown is the median over the creator requests *asked* in the last
``ANSWER_TIME_WINDOW_DAYS`` days that have been answered (resolved, for the resolution time);
requests still waiting are counted apart, so a slow week shows as a growing "waiting" number
rather than vanishing from the median."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Aggregate, Count, DurationField, F, Q, QuerySet
from django.utils import timezone

from messaging.kinds import ACTIVE_TASK_STATES, TaskKind
from messaging.models import Task

ANSWER_TIME_WINDOW_DAYS = 30


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` over an interval (a timedelta in Python)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass(frozen=True)
class AnswerTimes:
    organization_id: int
    first_answer: timedelta | None
    resolution: timedelta | None
    answered: int
    waiting: int
    days: int = ANSWER_TIME_WINDOW_DAYS


def _requests(since_days: int) -> QuerySet[Task]:
    since = timezone.now() - timedelta(days=since_days)
    return Task.objects.filter(kind=TaskKind.CREATOR_REQUEST, created_at__gte=since)


def _aggregates() -> dict[str, Any]:
    return {
        "first_answer": Median(
            F("first_answered_at") - F("created_at"), filter=Q(first_answered_at__isnull=False)
        ),
        "resolution": Median(
            F("resolved_at") - F("created_at"), filter=Q(resolved_at__isnull=False)
        ),
        "answered": Count("id", filter=Q(first_answered_at__isnull=False)),
        "waiting": Count(
            "id", filter=Q(first_answered_at__isnull=True, state__in=ACTIVE_TASK_STATES)
        ),
    }


def answer_times_by_org(
    *, organization_ids: list[int], days: int = ANSWER_TIME_WINDOW_DAYS
) -> dict[int, AnswerTimes]:
    """The team's median answer times per org (one query), for the creator's portal."""
    rows = (
        _requests(days)
        .filter(organization_id__in=organization_ids)
        .values("organization_id")
        .annotate(**_aggregates())
        .order_by("organization_id")
    )
    return {row["organization_id"]: AnswerTimes(**row, days=days) for row in rows}


def program_answer_times(*, program: Any, days: int = ANSWER_TIME_WINDOW_DAYS) -> AnswerTimes:
    """The team's median answer times to requests about ``program`` (one query)."""
    row = (
        _requests(days)
        .filter(organization_id=program.organization_id, program=program)
        .aggregate(**_aggregates())
    )
    return AnswerTimes(organization_id=program.organization_id, **row, days=days)
