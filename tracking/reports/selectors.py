"""Report reads: one program, the organization's programs, a creator's own performance.

Every read is scoped by the organization (the program's, or the one given) or by the creator's
own user; aggregates run in SQL and each report issues the same number of queries however many
enrollments or programs it covers. CSV tables are built from the same rows the pages show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone

from influencer_ops.validation import REPORT_MONEY_DIGITS
from organizations.models import Brand, Membership, Organization
from payments.payouts.selectors import program_spend
from programs.models import Deliverable, DeliverableState, Enrollment, Program
from programs.selectors import brands_visible_to
from programs.states import EnrollmentState
from tracking.metrics.cleaning import METRIC_FIELDS
from tracking.models import DailyClicks, MetricRecord, MilestoneReached, ProgramDailyClicks
from tracking.reports.rows import (
    CENT,
    CreatorPerformance,
    DayClicks,
    Engagement,
    MilestoneRow,
    OverviewRow,
    Pace,
    Performer,
    ProgramReport,
    Spend,
    StateCount,
)

# Enrollments whose accepted terms commit the program's money.
COMMITTED_STATES = (
    EnrollmentState.ACCEPTED,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
    EnrollmentState.COMPLETED,
)
# Enrollments ranked as performers: they have (or had) a live tracked link.
PERFORMING_STATES = (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED)
MONEY: DecimalField[Any, Any] = DecimalField(
    max_digits=REPORT_MONEY_DIGITS[0], decimal_places=REPORT_MONEY_DIGITS[1]
)


def _fee() -> Cast:
    return Cast(KeyTextTransform("fee", "terms_version__snapshot"), MONEY)


def _milestone() -> Coalesce:
    """The click milestone the creator accepted (their terms), else the program's."""
    accepted = Cast(KeyTextTransform("click_milestone", "terms_version__snapshot"), IntegerField())
    return Coalesce(NullIf(accepted, 0), "program__click_milestone", output_field=IntegerField())


# --- which programs a member may report on ---


def reportable_programs(*, organization: Organization, membership: Membership) -> QuerySet[Program]:
    """Programs of the brands the member covers (fetch one with ``get_for_org``)."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    return Program.objects.filter(organization=organization, brand_id__in=brand_ids).select_related(
        "brand"
    )


# --- one program ---


def program_window(program: Program, today: date | None = None) -> tuple[date, date] | None:
    """The days the program runs, up to today: launch (planned or actual) to end."""
    today = today or timezone.localdate()
    start = program.launch_on
    if start is None and program.launched_at is not None:
        start = timezone.localdate(program.launched_at)
    if start is None:
        return None
    end = min(program.end_on or today, today)
    return (start, end) if end >= start else None


def _elapsed_share(program: Program, today: date) -> float | None:
    window = program_window(program, today)
    if window is None or program.end_on is None:
        return None
    length = max((program.end_on - window[0]).days, 1)
    return min(max((today - window[0]).days / length, 0.0), 1.0)


def _pace(valid: int, milestone: int | None, elapsed: float | None) -> str:
    if not milestone:
        return Pace.NO_MILESTONE
    if valid >= milestone:
        return Pace.REACHED
    # Flagged only once enough of the program has passed for the pace to mean something.
    if (
        elapsed is not None
        and elapsed >= settings.PACE_MIN_ELAPSED
        and valid / milestone < elapsed * settings.PACE_THRESHOLD
    ):
        return Pace.BEHIND
    return Pace.ON_TRACK


def _state_counts(
    rows: Iterable[Mapping[str, Any]], choices: Sequence[tuple[str, Any]]
) -> list[StateCount]:
    counts = {row["state"]: row["n"] for row in rows}
    return [StateCount(value, str(label), counts.get(value, 0)) for value, label in choices]


def fill_days(
    rows: Iterable[Mapping[str, Any]], window: tuple[date, date] | None
) -> list[DayClicks]:
    """Daily sums, with a zero for every day of the window that had no clicks."""
    by_day = {row["day"]: DayClicks(row["day"], row["valid"], row["filtered"]) for row in rows}
    if window is None:
        return [by_day[day] for day in sorted(by_day)]
    start, end = window
    days = (start + timedelta(days=n) for n in range((end - start).days + 1))
    return [by_day.get(day, DayClicks(day, 0, 0)) for day in days]


def program_clicks_by_day(*, program: Program, window: tuple[date, date]) -> QuerySet[Any]:
    """Valid and filtered clicks of the program's links per day of ``window`` (index-backed)."""
    return (
        DailyClicks.objects.filter(
            organization_id=program.organization_id,
            link__enrollment__program_id=program.pk,
            day__range=window,
        )
        .values("day")
        .annotate(valid=Sum("valid"), filtered=Sum("filtered"))
        .order_by("day")
    )


def _performers(program: Program, today: date) -> list[Performer]:
    rows = (
        Enrollment.objects.filter(
            organization_id=program.organization_id,
            program=program,
            state__in=PERFORMING_STATES,
        )
        .annotate(
            valid=Coalesce(Sum("tracked_link__daily__valid"), 0),
            filtered=Coalesce(Sum("tracked_link__daily__filtered"), 0),
            milestone=_milestone(),
        )
        .values("pk", "creator__display_name", "state", "valid", "filtered", "milestone")
    )
    elapsed = _elapsed_share(program, today)
    performers = [
        Performer(
            enrollment_id=row["pk"],
            creator=row["creator__display_name"],
            state=row["state"],
            valid_clicks=row["valid"],
            filtered_clicks=row["filtered"],
            milestone=row["milestone"],
            pace=_pace(row["valid"], row["milestone"], elapsed),
        )
        for row in rows
    ]
    # Best first: progress toward the milestone, then valid clicks, then name.
    ranked = sorted(
        performers,
        key=lambda p: (
            -(p.valid_clicks / p.milestone if p.milestone else 0),
            -p.valid_clicks,
            p.creator,
        ),
    )
    return [replace(p, rank=n) for n, p in enumerate(ranked, start=1)]


def _milestones(program: Program) -> list[MilestoneRow]:
    rows = (
        MilestoneReached.objects.filter(
            organization_id=program.organization_id, enrollment__program=program
        )
        .select_related("enrollment__creator")
        .order_by("at", "pk")
    )
    return [
        MilestoneRow(
            r.enrollment_id, r.enrollment.creator.display_name, r.milestone, r.valid_clicks, r.at
        )
        for r in rows
    ]


def _engagement(program: Program) -> Engagement:
    totals = MetricRecord.objects.filter(
        organization_id=program.organization_id, deliverable__program=program
    ).aggregate(**{field: Coalesce(Sum(field), 0) for field in METRIC_FIELDS})
    return Engagement(**totals)


def _committed(program: Program) -> Decimal:
    total = Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state__in=COMMITTED_STATES
    ).aggregate(total=Coalesce(Sum(_fee()), Decimal("0"), output_field=MONEY))["total"]
    return Decimal(total).quantize(CENT)


def program_report(*, program: Program) -> ProgramReport:
    """Everything the program report shows, in a constant number of queries."""
    today = timezone.localdate()
    org_id = program.organization_id
    funnel = Enrollment.objects.filter(organization_id=org_id, program=program)
    content = Deliverable.objects.filter(organization_id=org_id, program=program)
    window = program_window(program, today)
    daily = program_clicks_by_day(program=program, window=window) if window else []
    clicks = DailyClicks.objects.filter(
        organization_id=org_id, link__enrollment__program=program
    ).aggregate(valid=Coalesce(Sum("valid"), 0), filtered=Coalesce(Sum("filtered"), 0))
    spent = program_spend(program=program)
    return ProgramReport(
        program=program,
        funnel=_state_counts(
            funnel.values("state").annotate(n=Count("pk")).order_by(), EnrollmentState.choices
        ),
        content=_state_counts(
            content.values("state").annotate(n=Count("pk")).order_by(), DeliverableState.choices
        ),
        clicks=fill_days(daily, window),
        milestones=_milestones(program),
        engagement=_engagement(program),
        spend=Spend(
            currency=program.currency,
            budget=program.budget_amount,
            committed=_committed(program),
            earned=spent.earned,
            paid=spent.paid,
            valid_clicks=clicks["valid"],
        ),
        performers=_performers(program, today),
        valid_clicks=clicks["valid"],
        filtered_clicks=clicks["filtered"],
    )


# --- the organization ---


def _per_program(queryset: QuerySet[Any], link: str, total: Any, output: Any) -> Coalesce:
    """A correlated subquery: ``total`` over the rows of ``queryset`` that belong to the
    outer program (through ``link``), zero when there are none."""
    rows = (
        queryset.filter(**{link: OuterRef("pk")}, organization_id=OuterRef("organization_id"))
        .order_by()
        .values(link)
        .annotate(total=total)
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=output), 0, output_field=output)


def org_overview_programs(
    *, organization: Organization, brands: Iterable[Brand] | None = None
) -> QuerySet[Program]:
    """The programs of the overview (of ``brands``, or all), by name, each annotated with its
    creators, valid clicks (from the per-program daily summaries the rollup keeps, never the
    links' days), milestones reached and committed spend. Page it: the annotations are
    correlated subqueries that PostgreSQL computes for the rows of the page only (#18)."""
    committed = Enrollment.objects.filter(state__in=COMMITTED_STATES)
    programs = (
        Program.objects.filter(organization=organization)
        .select_related("brand")
        .annotate(
            creators=_per_program(committed, "program", Count("pk"), IntegerField()),
            valid=_per_program(
                ProgramDailyClicks.objects.all(), "program", Sum("valid"), IntegerField()
            ),
            reached=_per_program(
                MilestoneReached.objects.all(), "enrollment__program", Count("pk"), IntegerField()
            ),
            committed=_per_program(committed, "program", Sum(_fee()), MONEY),
        )
        .order_by("name", "pk")
    )
    if brands is not None:
        programs = programs.filter(brand__in=[brand.pk for brand in brands])
    return programs


def overview_rows(programs: Iterable[Program]) -> list[OverviewRow]:
    """The overview's rows of ``programs`` (from ``org_overview_programs``)."""
    return [
        OverviewRow(
            program_id=p.pk,
            name=p.name,
            brand=p.brand.name,
            state=p.state,
            state_label=p.get_state_display(),
            currency=p.currency,
            creators=p.creators,  # type: ignore[attr-defined]
            valid_clicks=p.valid,  # type: ignore[attr-defined]
            milestones=p.reached,  # type: ignore[attr-defined]
            committed=Decimal(p.committed).quantize(CENT),  # type: ignore[attr-defined]
            budget=p.budget_amount,
        )
        for p in programs
    ]


def org_overview(
    *, organization: Organization, brands: Iterable[Brand] | None = None
) -> list[OverviewRow]:
    """Per program (of ``brands``, or all): state, creators, valid clicks, milestones,
    committed spend against budget. One query (every program: the CSV; the page pages)."""
    return overview_rows(org_overview_programs(organization=organization, brands=brands))


# --- the creator's own ---


def creator_reportable_enrollments(*, user: Any) -> QuerySet[Enrollment]:
    """The signed-in creator's own enrollments that have a performance page (not waitlisted)."""
    return (
        Enrollment.objects.filter(creator__user=user)
        .exclude(state=EnrollmentState.WAITLISTED)
        .select_related("program__brand", "organization", "terms_version")
    )


def creator_performance(*, user: Any, enrollment_id: int) -> CreatorPerformance | None:
    """The signed-in creator's clicks over time and milestone progress for one of their own
    enrollments; None for anyone else's (or a missing one)."""
    enrollment = creator_reportable_enrollments(user=user).filter(pk=enrollment_id).first()
    if enrollment is None:
        return None
    org_id = enrollment.organization_id
    window = program_window(enrollment.program)
    daily = DailyClicks.objects.filter(organization_id=org_id, link__enrollment=enrollment)
    totals = daily.aggregate(valid=Coalesce(Sum("valid"), 0), filtered=Coalesce(Sum("filtered"), 0))
    by_day = daily.filter(day__range=window) if window else daily
    snapshot = enrollment.terms_version.snapshot if enrollment.terms_version else {}
    reached = (
        MilestoneReached.objects.filter(organization_id=org_id, enrollment=enrollment)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return CreatorPerformance(
        enrollment=enrollment,
        clicks=fill_days(by_day.values("day", "valid", "filtered").order_by("day"), window),
        valid_clicks=totals["valid"],
        filtered_clicks=totals["filtered"],
        milestone=snapshot.get("click_milestone") or enrollment.program.click_milestone or None,
        milestone_reached_at=reached,
    )
