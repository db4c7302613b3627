"""Writes: a creator logs, changes and deletes their own hours; going well over the hours the
program expected opens one task about scope.

Refusals (each a clean 4xx): hours of 0 or less, more than 24 in one day for the creator (the
sum of the day's entries, across their enrollments in the org), a day in the future, an
enrollment that is not the creator's own (404), an enrollment not (or no longer) working."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_today
from influencer_ops.errors import Conflict, FieldError, NotFound
from influencer_ops.validation import SHORT_TEXT_MAX_LENGTH
from influencers.models import CreatorProfile
from messaging.kinds import OwnerRole, TaskKind
from messaging.models import Task
from messaging.routing import assignee_for
from messaging.services.queue import task_create
from programs.models import Deliverable, Enrollment, TimeEntry
from programs.models.hours import HOURS_PER_DAY
from programs.states import EnrollmentState

# Hours are logged while the creator works on a place, and after it completed (for the days
# it was worked). Withdrawn, terminated or not yet confirmed places take no hours.
LOGGABLE_STATES = frozenset(
    {EnrollmentState.CONFIRMED, EnrollmentState.ACTIVE, EnrollmentState.COMPLETED}
)
# The hours page opens for a place that works or worked (a withdrawn or terminated one keeps
# its entries to read); an invitation, the waitlist or a declined place has none.
HOURS_PAGE_STATES = LOGGABLE_STATES | {EnrollmentState.WITHDRAWN, EnrollmentState.TERMINATED}
HOURS_STEP = Decimal("0.01")
# "Well over": the logged hours pass 150 % of the expected hours (the sum over the program's
# deliverable specs that set one, each times its count). One task per enrollment, ever.
SCOPE_OVERRUN_RATIO = Decimal("1.5")


def hours_text(value: Decimal) -> str:
    """``Decimal("10.50")`` → ``10.5``, ``Decimal("10.00")`` → ``10`` (never ``1E+1``)."""
    return format(value.normalize(), "f")


def _clean_hours(hours: Any) -> Decimal:
    try:
        value = Decimal(str(hours))
    except (InvalidOperation, ValueError, TypeError):
        raise FieldError("hours", gettext("Enter a number of hours.")) from None
    if not value.is_finite() or value <= 0:
        raise FieldError("hours", gettext("Hours must be more than 0."))
    if value > HOURS_PER_DAY:
        raise FieldError("hours", gettext("A day has at most 24 hours."))
    if value != value.quantize(HOURS_STEP):
        raise FieldError("hours", gettext("Use at most two decimals (1.25 hours)."))
    return value.quantize(HOURS_STEP)


def _clean_day(enrollment: Enrollment, worked_on: Any) -> date:
    if not isinstance(worked_on, date):
        raise FieldError("worked_on", gettext("Enter a valid date."))
    if worked_on > org_today(enrollment.organization):
        raise FieldError("worked_on", gettext("You cannot log hours for a day in the future."))
    started = enrollment.invited_at or enrollment.created_at
    if started is not None and worked_on < started.date():
        raise FieldError(
            "worked_on", gettext("That day is before you were invited to this program.")
        )
    if enrollment.ended_at is not None and worked_on > enrollment.ended_at.date():
        raise FieldError("worked_on", gettext("That day is after this collaboration ended."))
    return worked_on


def _clean_description(description: Any) -> str:
    text = str(description or "").strip()
    if not text:
        raise FieldError("description", gettext("Say what the time was for."))
    if len(text) > SHORT_TEXT_MAX_LENGTH:
        raise FieldError(
            "description",
            gettext("At most %(limit)s characters.") % {"limit": SHORT_TEXT_MAX_LENGTH},
        )
    return text


def _own_enrollment(enrollment: Enrollment, user: Any) -> None:
    if enrollment.creator.user_id != getattr(user, "pk", None):
        raise NotFound(gettext("Not found."))
    if enrollment.state not in LOGGABLE_STATES:
        raise Conflict(
            gettext(
                "Hours are logged on a confirmed, active or completed place, not a %(state)s one."
            )
            % {"state": enrollment.get_state_display().lower()}
        )


def _clean_deliverable(enrollment: Enrollment, deliverable: Deliverable | None) -> None:
    if deliverable is not None and deliverable.enrollment_id != enrollment.pk:
        raise FieldError("deliverable", gettext("Choose one of this place's deliverables."))


def _check_day_total(
    enrollment: Enrollment, worked_on: date, hours: Decimal, except_pk: int | None = None
) -> None:
    """At most 24 hours a day per creator; the creator's profile row is locked first, so two
    entries logged at once cannot both pass."""
    CreatorProfile.objects.select_for_update().filter(pk=enrollment.creator_id).first()
    others = TimeEntry.objects.filter(
        organization_id=enrollment.organization_id,
        creator_id=enrollment.creator_id,
        worked_on=worked_on,
    )
    if except_pk is not None:
        others = others.exclude(pk=except_pk)
    logged = others.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > HOURS_PER_DAY:
        raise FieldError(
            "hours",
            gettext("You already logged %(logged)s hours on %(day)s: a day has at most 24 hours.")
            % {"logged": hours_text(logged), "day": worked_on.isoformat()},
        )


def _audit(entry: TimeEntry) -> dict[str, Any]:
    return {
        "enrollment": entry.enrollment_id,
        "deliverable": entry.deliverable_id,
        "worked_on": entry.worked_on.isoformat(),
        "hours": str(entry.hours),
        "description": entry.description,
    }


@transaction.atomic
def time_entry_log(
    *,
    enrollment: Enrollment,
    user: Any,
    worked_on: date,
    hours: Any,
    description: str,
    deliverable: Deliverable | None = None,
) -> TimeEntry:
    """Log the creator's own hours on ``enrollment``. Opens the scope task once if the
    enrollment's hours go well over what the program expected."""
    _own_enrollment(enrollment, user)
    value = _clean_hours(hours)
    day = _clean_day(enrollment, worked_on)
    text = _clean_description(description)
    _clean_deliverable(enrollment, deliverable)
    _check_day_total(enrollment, day, value)
    entry = TimeEntry.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        creator_id=enrollment.creator_id,
        deliverable=deliverable,
        worked_on=day,
        hours=value,
        description=text,
    )
    audit_record(
        organization=enrollment.organization,
        actor=user,
        verb=AuditVerb.TIME_ENTRY_LOGGED,
        target=entry,
        after=_audit(entry),
    )
    scope_check(enrollment=enrollment)
    return entry


@transaction.atomic
def time_entry_change(
    *,
    entry: TimeEntry,
    user: Any,
    worked_on: date,
    hours: Any,
    description: str,
    deliverable: Deliverable | None = None,
) -> TimeEntry:
    """Change one of the creator's own entries, under the same rules as logging it."""
    enrollment = entry.enrollment
    _own_enrollment(enrollment, user)
    value = _clean_hours(hours)
    day = _clean_day(enrollment, worked_on)
    text = _clean_description(description)
    _clean_deliverable(enrollment, deliverable)
    _check_day_total(enrollment, day, value, except_pk=entry.pk)
    before = _audit(entry)
    entry.worked_on, entry.hours, entry.description = day, value, text
    entry.deliverable = deliverable
    entry.save(update_fields=["worked_on", "hours", "description", "deliverable", "updated_at"])
    audit_record(
        organization=enrollment.organization,
        actor=user,
        verb=AuditVerb.TIME_ENTRY_CHANGED,
        target=entry,
        before=before,
        after=_audit(entry),
    )
    scope_check(enrollment=enrollment)
    return entry


@transaction.atomic
def time_entry_delete(*, entry: TimeEntry, user: Any) -> None:
    """Delete one of the creator's own entries (any state: a wrong entry can always go)."""
    enrollment = entry.enrollment
    if enrollment.creator.user_id != getattr(user, "pk", None):
        raise NotFound(gettext("Not found."))
    audit_record(
        organization=enrollment.organization,
        actor=user,
        verb=AuditVerb.TIME_ENTRY_DELETED,
        target=entry,
        before=_audit(entry),
    )
    TimeEntry.objects.filter(organization_id=entry.organization_id, pk=entry.pk).delete()


# --- scope ---


def expected_hours(enrollment: Enrollment) -> Decimal | None:
    """The hours the program expects of one creator: each deliverable spec's expected hours
    times its count, summed over the specs that set one (None when none does)."""
    return program_expected_hours(enrollment.program)


def program_expected_hours(program: Any) -> Decimal | None:
    """What the program expects of each creator (see ``expected_hours``); one query."""
    specs = program.deliverable_specs.filter(expected_hours__isnull=False)
    total = Decimal(0)
    for spec in specs:
        total += (spec.expected_hours or Decimal(0)) * spec.count
    return total or None


def logged_hours(enrollment: Enrollment) -> Decimal:
    found = TimeEntry.objects.filter(
        organization_id=enrollment.organization_id, enrollment=enrollment
    ).aggregate(total=Sum("hours"))["total"]
    return found or Decimal(0)


def scope_dedupe_key(enrollment: Enrollment) -> str:
    return f"hours-scope:{enrollment.pk}"


def scope_check(*, enrollment: Enrollment) -> bool:
    """Open one task to talk about scope when the enrollment's logged hours pass
    ``SCOPE_OVERRUN_RATIO`` times the expected hours. Once per enrollment, ever: a task with
    the key in any state (done included) stops another. Returns whether it opened one."""
    expected = expected_hours(enrollment)
    if expected is None:
        return False
    logged = logged_hours(enrollment)
    if logged <= expected * SCOPE_OVERRUN_RATIO:
        return False
    key = scope_dedupe_key(enrollment)
    if Task.objects.filter(organization_id=enrollment.organization_id, dedupe_key=key).exists():
        return False
    program = enrollment.program
    # The BSM owns a launched program's questions; before launch, the ISM.
    role = OwnerRole.BSM if program.launched_at is not None else OwnerRole.ISM
    creator = enrollment.creator
    _task, created = task_create(
        organization=enrollment.organization,
        kind=TaskKind.HOURS_OVER_SCOPE,
        title=gettext("Scope: %(creator)s logged %(logged)s h of %(expected)s h on %(program)s")
        % {
            "creator": creator.display_name,
            "logged": hours_text(logged),
            "expected": hours_text(expected),
            "program": program.name,
        },
        owner_role=role,
        assignee=assignee_for(role=role, program=program, enrollment=enrollment, creator=creator),
        dedupe_key=key,
        program=program,
        enrollment=enrollment,
        creator=creator,
        source_event=f"enrollment:{enrollment.pk}:hours_over_scope",
        note=gettext(
            "%(creator)s has logged %(logged)s hours against the %(expected)s hours the "
            "program expects (over %(ratio)s%%). Talk with them about scope: is the brief "
            "asking more than the fee covers?"
        )
        % {
            "creator": creator.display_name,
            "logged": hours_text(logged),
            "expected": hours_text(expected),
            "ratio": int(SCOPE_OVERRUN_RATIO * 100),
        },
    )
    return created
