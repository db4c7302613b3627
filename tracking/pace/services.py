"""Pace: is a creator's click count on the way to their milestone? And the daily sweep that
flags the ones far behind to their BSM, with the remedies at hand, and closes the flag once
they are back on pace.

The target so far is the milestone times the share of the program [launch_on, end_on] that
has passed. A creator is flagged when PACE_MIN_ELAPSED of the program has passed and their
valid clicks are below PACE_THRESHOLD of that target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext

from influencer_ops.calendar import org_zone
from influencer_ops.errors import Conflict
from messaging.kinds import ACTIVE_TASK_STATES, OwnerRole, TaskKind
from messaging.models import Task
from messaging.services.queue import task_complete, task_create
from organizations.models import Organization
from programs.models import Enrollment, Program
from programs.states import EnrollmentState, ProgramState
from tracking.models import ClickEvent, DailyClicks

REMEDIES = (
    "message the creator to ask how it is going and what would help",
    "send extra material (product facts, images, talking points)",
    "agree a revised posting schedule",
    "restate the program's goals and what a good post looks like",
    "adjust the terms towards performance-based pay (a terms amendment they accept)",
    "offer coaching on content and timing",
    "as a last resort, end the collaboration respectfully (a compliance case records it)",
)


@dataclass(frozen=True)
class Pace:
    valid_clicks: int
    milestone: int | None
    elapsed_share: float  # 0..1 of [launch_on, end_on]
    target_so_far: float  # milestone × elapsed_share
    ratio: float | None  # valid_clicks / target_so_far; None without a milestone or target

    def describe(self) -> str:
        """'412 valid clicks, 31% of pace after 45% of the program'."""
        ratio = (
            gettext("no pace yet")
            if self.ratio is None
            else (gettext("%(ratio)s of pace") % {"ratio": format(self.ratio, ".0%")})
        )
        share = f"{self.elapsed_share:.0%}"
        return gettext(
            "%(valid_clicks)s valid clicks, %(ratio)s after %(share)s of the program"
        ) % {"valid_clicks": format(self.valid_clicks, ","), "ratio": ratio, "share": share}


def milestone_of(enrollment: Enrollment) -> int | None:
    """The click milestone the creator accepted (their terms), else the program's."""
    terms = enrollment.terms_version
    snapshot = terms.snapshot if terms is not None and isinstance(terms.snapshot, dict) else {}
    value = snapshot.get("click_milestone") or enrollment.program.click_milestone
    try:
        milestone = int(value) if value is not None else 0
    except (TypeError, ValueError):
        return None
    return milestone if milestone > 0 else None


def elapsed_share(program: Program, today: date) -> float:
    """How much of [launch_on, end_on] has passed on ``today``: 0 before launch, 1 after end."""
    if program.launch_on is None or program.end_on is None or today < program.launch_on:
        return 0.0
    length = (program.end_on - program.launch_on).days
    if length <= 0 or today >= program.end_on:
        return 1.0
    return (today - program.launch_on).days / length


def _per_link(rows: QuerySet[Any], aggregate: Any) -> Coalesce:
    """One aggregate of ``rows`` (all of one link) as a subquery; 0 when there are none."""
    grouped = rows.order_by().values("link_id").annotate(n=aggregate).values("n")[:1]
    return Coalesce(Subquery(grouped, output_field=IntegerField()), Value(0))


def with_valid_clicks(
    enrollments: QuerySet[Enrollment], *, organization: Organization
) -> QuerySet[Enrollment]:
    """Annotate ``pace_valid_clicks`` on every enrollment, in the same query.

    The count the milestone check uses (``tracking.clicks.services.link_valid_clicks``): every raw
    valid click, plus the daily rollups of the days before the link's first raw click (the days
    whose raw clicks were purged; purges remove whole days of the org's calendar). A day not rolled
    up yet is therefore neither missed nor counted twice."""
    first_raw_day = (
        ClickEvent.objects.filter(organization_id=organization.pk, link_id=OuterRef("link_id"))
        .order_by("at")
        .annotate(day_of=TruncDate("at", tzinfo=org_zone(organization)))
        .values("day_of")[:1]
    )
    raw_valid = ClickEvent.objects.filter(
        organization_id=organization.pk, link__enrollment_id=OuterRef("pk"), valid=True
    )
    purged_days = DailyClicks.objects.filter(
        organization_id=organization.pk,
        link__enrollment_id=OuterRef("pk"),
        day__lt=Coalesce(Subquery(first_raw_day), Value(date.max), output_field=DateField()),
    )
    return enrollments.annotate(
        pace_valid_clicks=_per_link(raw_valid, Count("pk")) + _per_link(purged_days, Sum("valid"))
    )


def _valid_clicks(enrollment: Enrollment) -> int:
    found = with_valid_clicks(
        Enrollment.objects.filter(pk=enrollment.pk), organization=enrollment.organization
    ).first()
    return int(getattr(found, "pace_valid_clicks", 0) or 0)


def enrollment_pace(
    enrollment: Enrollment, today: date, *, valid_clicks: int | None = None
) -> Pace:
    """The enrollment's pace on ``today``. ``valid_clicks`` (from ``with_valid_clicks``) saves
    the query when computing many at once."""
    clicks = _valid_clicks(enrollment) if valid_clicks is None else int(valid_clicks)
    milestone = milestone_of(enrollment)
    share = elapsed_share(enrollment.program, today)
    target = (milestone or 0) * share
    ratio = clicks / target if target > 0 else None
    return Pace(clicks, milestone, share, target, ratio)


# --- the sweep ---


@dataclass(frozen=True)
class PaceSweepResult:
    checked: int = 0
    flagged: int = 0  # underperforming tasks opened
    recovered: int = 0  # underperforming tasks completed because the pace recovered


def dedupe_key(enrollment: Enrollment) -> str:
    return f"underperforming:{enrollment.pk}"


def pace_candidates(*, organization: Organization, today: date) -> QuerySet[Enrollment]:
    """Active enrollments of the org's launched programs, with their valid clicks."""
    enrollments = Enrollment.objects.filter(
        organization=organization,
        state=EnrollmentState.ACTIVE,
        program__state=ProgramState.LAUNCHED,
        program__launch_on__lte=today,
        program__end_on__isnull=False,
    ).select_related(
        "organization", "program__assigned_bsm", "assigned_bsm", "creator", "terms_version"
    )
    return with_valid_clicks(enrollments, organization=organization).order_by("pk")


def _behind_text(enrollment: Enrollment, pace: Pace) -> tuple[str, str]:
    creator, program = enrollment.creator.display_name, enrollment.program
    title = gettext("Behind pace: %(creator)s in %(name)s: %(describe)s") % {
        "creator": creator,
        "name": program.name,
        "describe": pace.describe(),
    }
    remedies = "\n".join(f"- {remedy[0].upper()}{remedy[1:]}." for remedy in REMEDIES)
    note = gettext(
        "%(creator)s has %(valid_clicks)s valid clicks towards a milestone of "
        "%(milestone)s: %(value)s of the %(round)s expected by now, "
        "%(elapsed_share)s of the way through the program (%(launch_on)s to "
        "%(end_on)s). Creators below %(PACE_THRESHOLD)s of pace are flagged "
        "once %(PACE_MIN_ELAPSED)s of the program has passed.\n\nRemedies to "
        "consider:\n%(remedies)s"
    ) % {
        "creator": creator,
        "valid_clicks": format(pace.valid_clicks, ","),
        "milestone": format(pace.milestone, ","),
        "value": format(pace.ratio or 0, ".0%"),
        "round": format(round(pace.target_so_far), ","),
        "elapsed_share": format(pace.elapsed_share, ".0%"),
        "launch_on": format(program.launch_on, "%Y-%m-%d"),
        "end_on": format(program.end_on, "%Y-%m-%d"),
        "PACE_THRESHOLD": format(settings.PACE_THRESHOLD, ".0%"),
        "PACE_MIN_ELAPSED": format(settings.PACE_MIN_ELAPSED, ".0%"),
        "remedies": remedies,
    }
    return title, note


def _flag(enrollment: Enrollment, pace: Pace) -> bool:
    title, note = _behind_text(enrollment, pace)
    bsm = enrollment.assigned_bsm if enrollment.assigned_bsm_id else enrollment.program.assigned_bsm
    _task, created = task_create(
        organization=enrollment.organization,
        kind=TaskKind.UNDERPERFORMING,
        title=title,
        owner_role=OwnerRole.BSM,
        assignee=bsm,
        dedupe_key=dedupe_key(enrollment),
        program=enrollment.program,
        enrollment=enrollment,
        creator=enrollment.creator,
        source_event=f"enrollment:{enrollment.pk}:underperforming",
        note=note,
    )
    return created


def _recover(task: Task, pace: Pace) -> bool:
    try:
        task_complete(
            task=task,
            actor=None,
            resolution=(
                gettext(
                    "Back on pace: %(describe)s (flagged below %(PACE_THRESHOLD)s). Closed "
                    "automatically."
                )
                % {
                    "describe": pace.describe(),
                    "PACE_THRESHOLD": format(settings.PACE_THRESHOLD, ".0%"),
                }
            ),
        )
    except Conflict:  # a concurrent sweep (or the BSM) closed it meanwhile
        return False
    return True


@transaction.atomic
def pace_sweep(*, organization: Organization, today: date) -> PaceSweepResult:
    """Open one BSM task per creator far behind pace, and complete it once they recover.

    Idempotent and safe to run twice at once: a task's dedupe key is unique among open tasks,
    and completing an already completed task is skipped. Clicks of all enrollments are read in
    one query."""
    threshold, min_elapsed = settings.PACE_THRESHOLD, settings.PACE_MIN_ELAPSED
    enrollments = list(pace_candidates(organization=organization, today=today))
    open_tasks = {
        task.dedupe_key: task
        for task in Task.objects.filter(
            organization=organization,
            kind=TaskKind.UNDERPERFORMING,
            state__in=ACTIVE_TASK_STATES,
            dedupe_key__startswith="underperforming:",
        )
    }
    flagged = recovered = 0
    for enrollment in enrollments:
        pace = enrollment_pace(
            enrollment,
            today,
            valid_clicks=enrollment.pace_valid_clicks,  # type: ignore[attr-defined]
        )
        if pace.ratio is None:
            continue
        task = open_tasks.get(dedupe_key(enrollment))
        if pace.ratio < threshold and pace.elapsed_share >= min_elapsed:
            if task is None and _flag(enrollment, pace):
                flagged += 1
        elif pace.ratio >= threshold and task is not None and _recover(task, pace):
            recovered += 1
    return PaceSweepResult(checked=len(enrollments), flagged=flagged, recovered=recovered)
