"""The org's payment schedule: when runs open, and the payment date a creator is promised."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_zone
from payments.errors import FieldsInvalid
from payments.models import Cadence, PaymentSchedule

# A biweekly schedule counts its fortnights from this Monday (ISO week parity), so the
# same schedule gives the same dates whenever it is computed.
BIWEEKLY_EPOCH = date(2024, 1, 1)
SCHEDULE_FIELDS = (
    "cadence",
    "weekday",
    "day_of_month",
    "run_time",
    "time_zone",
    "provider",
    "minimum_amount",
    "approval_threshold",
    "require_readiness",
    "max_failures",
)


class ScheduleInvalid(FieldsInvalid):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors, "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def schedule_for(*, organization: Any) -> PaymentSchedule:
    """The org's schedule, made with the defaults (monthly, the 1st, 09:00 in the org's time
    zone, sandbox provider) the first time it is asked for."""
    schedule = PaymentSchedule.objects.filter(organization_id=organization.pk).first()
    if schedule is not None:
        return schedule
    schedule, _ = PaymentSchedule.objects.get_or_create(
        organization_id=organization.pk,
        defaults={"time_zone": getattr(organization, "time_zone", "UTC") or "UTC"},
    )
    if schedule.next_run_at is None:
        schedule.next_run_at = next_run_after(schedule, timezone.now())
        PaymentSchedule.objects.filter(pk=schedule.pk).update(next_run_at=schedule.next_run_at)
    return schedule


def _run_days(schedule: PaymentSchedule, start: date) -> Any:
    """Run dates (local) on or after ``start``, in order, forever."""
    day = start
    if schedule.cadence == Cadence.MONTHLY:
        year, month = day.year, day.month
        while True:
            candidate = date(year, month, schedule.day_of_month)
            if candidate >= start:
                yield candidate
            month += 1
            if month == 13:
                year, month = year + 1, 1
    while True:
        if day.weekday() == schedule.weekday:
            fortnight = ((day - BIWEEKLY_EPOCH).days // 7) % 2 == 0
            if schedule.cadence == Cadence.WEEKLY or fortnight:
                yield day
        day += timedelta(days=1)


def next_run_after(schedule: PaymentSchedule, moment: datetime) -> datetime:
    """The first scheduled run strictly after ``moment`` (aware, UTC)."""
    zone = org_zone(schedule)  # the schedule's own zone, read the one way
    local = moment.astimezone(zone)
    run_time = schedule.run_time
    if isinstance(run_time, str):
        run_time = time.fromisoformat(run_time)
    for day in _run_days(schedule, local.date()):
        candidate = datetime.combine(day, run_time, tzinfo=zone)
        if candidate > local:
            return candidate.astimezone(ZoneInfo("UTC"))
    raise AssertionError(gettext("unreachable: run days never end"))  # pragma: no cover


def expected_payment_date(*, organization: Any, moment: datetime | None = None) -> date:
    """The date a payout earned at ``moment`` (now) is expected to be paid: the day of the next
    scheduled run, in the schedule's time zone."""
    schedule = schedule_for(organization=organization)
    run_at = next_run_after(schedule, moment or timezone.now())
    return run_at.astimezone(org_zone(schedule)).date()


@transaction.atomic
def schedule_update(*, organization: Any, actor: Any, **fields: Any) -> PaymentSchedule:
    """Change the schedule and its policies (admins; the caller checks). Invalid values raise
    ``ScheduleInvalid`` with every field's error and save nothing; the next run time is
    recomputed. Changing nothing writes nothing."""
    schedule = PaymentSchedule.objects.select_for_update().get(
        pk=schedule_for(organization=organization).pk
    )
    unknown = sorted(set(fields) - set(SCHEDULE_FIELDS))
    errors: dict[str, list[str]] = {name: ["This field cannot be set."] for name in unknown}
    before = {name: getattr(schedule, name) for name in SCHEDULE_FIELDS}
    for name, value in fields.items():
        if name in SCHEDULE_FIELDS:
            setattr(schedule, name, value)
    try:
        ZoneInfo(str(schedule.time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        errors.setdefault("time_zone", []).append(gettext("Unknown time zone."))
    try:
        schedule.full_clean(exclude=["organization", "next_run_at"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ScheduleInvalid(errors)
    changed = {
        name: (before[name], getattr(schedule, name))
        for name in SCHEDULE_FIELDS
        if before[name] != getattr(schedule, name)
    }
    if not changed:
        return schedule
    schedule.next_run_at = next_run_after(schedule, timezone.now())
    schedule.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.PAYMENT_SCHEDULE_UPDATED,
        target=schedule,
        before={name: str(old) for name, (old, _new) in changed.items()},
        after={name: str(new) for name, (_old, new) in changed.items()},
    )
    return schedule
