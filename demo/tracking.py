"""Demo performance data: tracked links, daily clicks, milestones and metrics for the seeded
programs that have launched. Deterministic (seeded by the enrollment or deliverable id) and
idempotent: whatever already has rows is left alone. Run inside ``dangerously_unscoped()``."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from programs.models import Deliverable, DeliverableState, Enrollment
from programs.states import EnrollmentState, ProgramState
from tracking.models import DailyClicks, MetricRecord, MilestoneReached, TrackedLink

DEMO_DESTINATION = "https://example.com/"
RUN_STATES = (ProgramState.LAUNCHED, ProgramState.COMPLETED, ProgramState.CLOSED)
CLICKING_STATES = (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED)
MEASURED_STATES = (DeliverableState.PUBLISHED, DeliverableState.APPROVED, DeliverableState.PENDING)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _run_days(enrollment: Enrollment, today: date) -> list[date]:
    """Launch (planned, else actual) to the end date or today, whichever comes first."""
    program = enrollment.program
    start = program.launch_on or (
        timezone.localdate(program.launched_at) if program.launched_at else None
    )
    if start is None:
        return []
    return _days(start, min(program.end_on or today, today))


def _link(enrollment: Enrollment) -> TrackedLink:
    link = TrackedLink.objects.filter(enrollment=enrollment).first()
    if link is None:
        link = TrackedLink.objects.create(
            organization_id=enrollment.organization_id,
            enrollment=enrollment,
            code=secrets.token_urlsafe(9),
            destination=DEMO_DESTINATION,
        )
    return link


def _seed_clicks(enrollment: Enrollment, link: TrackedLink, days: list[date]) -> None:
    if DailyClicks.objects.filter(link=link).exists():
        return
    rng = random.Random(enrollment.pk)  # noqa: S311 (repeatable demo numbers)
    # Each creator gets their own level around the pace that reaches the milestone by today,
    # so that some reach it and some fall behind.
    milestone = _milestone_of(enrollment) or 500
    level = milestone / max(len(days), 1) * rng.uniform(0.4, 1.6)
    rows = []
    for day in days:
        valid = max(0, round(level * rng.uniform(0.4, 1.6)))
        rows.append(
            DailyClicks(
                organization_id=enrollment.organization_id,
                link=link,
                day=day,
                valid=valid,
                filtered=rng.randint(0, valid // 6 + 2),
            )
        )
    DailyClicks.objects.bulk_create(rows)
    _seed_milestone(enrollment, rows)


def _milestone_of(enrollment: Enrollment) -> int | None:
    terms = enrollment.terms_version.snapshot if enrollment.terms_version else {}
    return terms.get("click_milestone") or None


def _seed_milestone(enrollment: Enrollment, rows: list[DailyClicks]) -> None:
    milestone = _milestone_of(enrollment)
    if not milestone:
        return
    total = 0
    for row in rows:
        total += row.valid
        if total >= milestone:
            MilestoneReached.objects.get_or_create(
                enrollment=enrollment,
                milestone=milestone,
                defaults={
                    "organization_id": enrollment.organization_id,
                    "valid_clicks": total,
                    "at": timezone.make_aware(datetime.combine(row.day, time(18, 0))),
                },
            )
            return


def _seed_metrics(deliverable: Deliverable, days: list[date]) -> None:
    if not days or MetricRecord.objects.filter(deliverable=deliverable).exists():
        return
    rng = random.Random(deliverable.pk)  # noqa: S311 (repeatable demo numbers)
    reach = rng.randint(2_000, 40_000)
    rows = []
    for day in days:
        impressions = round(reach * rng.uniform(1.1, 1.8))
        rows.append(
            MetricRecord(
                organization_id=deliverable.organization_id,
                deliverable=deliverable,
                day=day,
                source=MetricRecord.Source.CSV,
                reach=reach,
                impressions=impressions,
                likes=round(impressions * rng.uniform(0.02, 0.06)),
                comments=round(impressions * rng.uniform(0.001, 0.006)),
                shares=round(impressions * rng.uniform(0.001, 0.004)),
                saves=round(impressions * rng.uniform(0.002, 0.01)),
                views=round(impressions * rng.uniform(0.5, 0.9)),
            )
        )
        reach = round(reach * rng.uniform(0.3, 0.7))  # Posts fade after their first day.
    MetricRecord.objects.bulk_create(rows)


def seed_tracking_demo() -> None:
    """Links, clicks, milestones and metrics for every launched, completed or closed program's
    active and completed creators."""
    today = timezone.localdate()
    enrollments = (
        Enrollment.objects.filter(program__state__in=RUN_STATES, state__in=CLICKING_STATES)
        .select_related("program", "terms_version")
        .order_by("pk")
    )
    for enrollment in enrollments:
        days = _run_days(enrollment, today)
        _seed_clicks(enrollment, _link(enrollment), days)
        deliverables = Deliverable.objects.filter(enrollment=enrollment, state__in=MEASURED_STATES)
        for deliverable in deliverables.order_by("pk"):
            _seed_metrics(deliverable, days)
