"""A creator's past with an org, built row by row for the growth and timeline tests."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from programs.models import Enrollment
from programs.states import EnrollmentState, ProgramState
from tests.factories import (
    DailyClicksFactory,
    DeliverableFactory,
    EnrollmentFactory,
    MilestoneReachedFactory,
    ProgramFactory,
    ReviewFactory,
    SubmissionFactory,
    TermsVersionFactory,
    TrackedLinkFactory,
)


def past_programs(
    creator: Any,
    *,
    completed: int,
    late: int = 0,
    changes: int = 0,
    milestones: int = 0,
    clicks: list[int] | None = None,
    rate: str = "0.12",
) -> list[Enrollment]:
    """``completed`` finished programs of ``creator``'s org, one published deliverable each
    (the first ``late`` went live after their due date), one approved review each (plus
    ``changes`` reviews asking for changes), a milestone reached in the first ``milestones``,
    and ``clicks[i]`` valid clicks in the i-th (a daily rollup)."""
    org = creator.organization
    today = timezone.localdate()
    rows: list[Any] = []
    for i in range(completed):
        program = ProgramFactory(
            organization=org, state=ProgramState.COMPLETED, per_click_rate=Decimal(rate)
        )
        enrollment = EnrollmentFactory(
            organization=org, program=program, creator=creator, state=EnrollmentState.COMPLETED
        )
        TermsVersionFactory(organization=org, enrollment=enrollment)
        due = today - timedelta(days=30 + i)
        published = timezone.now() - timedelta(days=(20 if i < late else 40) + i)
        deliverable = DeliverableFactory(
            organization=org,
            enrollment=enrollment,
            due_on=due,
            state="published",
            published_at=published,
        )
        submission = SubmissionFactory(organization=org, deliverable=deliverable)
        ReviewFactory(organization=org, submission=submission)
        if i < changes:
            ReviewFactory(organization=org, submission=submission, outcome="changes_requested")
        if i < milestones:
            MilestoneReachedFactory(organization=org, enrollment=enrollment, milestone=1000)
        if clicks is not None and i < len(clicks):
            link = TrackedLinkFactory(organization=org, enrollment=enrollment)
            DailyClicksFactory(organization=org, link=link, valid=clicks[i])
        rows.append(enrollment)
    return rows
