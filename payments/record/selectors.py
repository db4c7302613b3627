"""A brand's payment record: how reliably an organization has paid its creators on time.

Computed from the payouts (never typed in), over the last ``WINDOW_DAYS`` days: from the rows
the database keeps per (promised day, paid day) of the counted payouts (``PayoutPunctuality``),
in one query however many organizations and payouts; ``payment_records_counted`` counts the
same from the payouts themselves, for the figures audit.

Which payouts count — each one whose promised date falls in the window:

- the promised date is the expected date the delay sweep found missed
  (``missed_expected_on``), else the payout's ``expected_on``;
- a **paid** payout is on time when it was paid on or before that date (the day of
  ``paid_at`` in the payment schedule's time zone, the zone expected dates are given in),
  late by the days after it otherwise;
- a payout **still owed** (earned, on hold, scheduled, processing, failed) whose promised date
  has passed counts as late, by the days so far;
- not counted: payouts not yet due, cancelled ones (nothing is owed), and ones held because
  the creator's own payout details or tax form are missing (the wait is not the brand's).

The median days late is over the late payouts only ("when late, a median of 4 days"). Under
``MIN_PAYOUTS`` payouts the record is "not enough history yet".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateField,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from payments.models import PaymentSchedule, Payout, PayoutPunctuality, PayoutState
from payments.readiness.services import READINESS_HOLD

WINDOW_DAYS = 365
MIN_PAYOUTS = 5
OWED_STATES = (
    PayoutState.EARNED,
    PayoutState.ON_HOLD,
    PayoutState.SCHEDULED,
    PayoutState.PROCESSING,
    PayoutState.FAILED,
)


class LocalDate(Func):
    """The calendar day of a timestamp in a time zone (both SQL expressions)."""

    arg_joiner = " AT TIME ZONE "
    template = "((%(expressions)s)::date)"
    output_field = DateField()


class DaysBetween(Func):
    """``later - earlier`` in whole days (PostgreSQL: date minus date is an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class DaysBefore(Func):
    """A day ``days`` days before another (PostgreSQL: date minus integer is a date)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = DateField()


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class PaymentRecord:
    counted: int = 0
    on_time: int = 0
    median_days_late: float | None = None

    @property
    def late(self) -> int:
        return self.counted - self.on_time

    @property
    def minimum(self) -> int:
        return MIN_PAYOUTS

    @property
    def enough_history(self) -> bool:
        return self.counted >= MIN_PAYOUTS

    @property
    def on_time_share(self) -> float | None:
        """On time ÷ counted (0–1); None without payouts."""
        return self.on_time / self.counted if self.counted else None

    @property
    def median_days(self) -> int | None:
        """The median days late, rounded up to a whole day (None when none was late)."""
        if self.median_days_late is None:
            return None
        return int(-(-self.median_days_late // 1))


def _median(late: list[tuple[int, int]]) -> float | None:
    """The median of ``late`` ((days, how many) pairs) as PERCENTILE_CONT(0.5) gives it: the
    middle value, or the mean of the two middle ones."""
    total = sum(count for _, count in late)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for days, count in sorted(late):
        while wanted and wanted[0] < seen + count:
            found.append(days)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def _record(rows: list[tuple[date, date | None, int]], today: date) -> PaymentRecord:
    """The record from an org's kept (promised day, paid day or None, count) rows."""
    counted = on_time = 0
    late: list[tuple[int, int]] = []
    start = today - timedelta(days=WINDOW_DAYS)
    for promised, paid_on, count in rows:
        if count <= 0 or promised <= start or (paid_on is None and promised >= today):
            continue  # outside the window, or still owed and not yet due
        days = ((paid_on or today) - promised).days
        counted += count
        if days <= 0:
            on_time += count
        else:
            late.append((days, count))
    return PaymentRecord(counted=counted, on_time=on_time, median_days_late=_median(late))


def payment_records(*, organization_ids: Iterable[int]) -> dict[int, PaymentRecord]:
    """Each organization's payment record (an empty one for an org without payouts), in one
    query of the kept rows (``PayoutPunctuality``: a row per promised and paid day, not per
    payout). The caller has checked the viewer may see these organizations' records."""
    ids = sorted(set(organization_ids))
    if not ids:
        return {}
    # The app's one clock (a frozen clock in tests and the demo), not the database's; each
    # org's day in its payment schedule's time zone, the zone expected dates are given in.
    now = timezone.now()
    earliest = now.date() - timedelta(days=WINDOW_DAYS + 1)
    zone = PaymentSchedule.objects.filter(organization=OuterRef("organization")).values(
        "time_zone"
    )[:1]
    rows: dict[int, list[tuple[date, date | None, int]]] = {org_id: [] for org_id in ids}
    zones: dict[int, str] = {}
    for org_id, promised, paid_on, count, zone_name in (
        PayoutPunctuality.objects.filter(
            organization_id__in=ids, count__gt=0, promised_on__gt=earliest
        )
        .annotate(zone=Coalesce(Subquery(zone), Value("UTC")))
        .values_list("organization_id", "promised_on", "paid_on", "count", "zone")
    ):
        rows[org_id].append((promised, paid_on, count))
        zones[org_id] = zone_name
    return {
        org_id: _record(found, now.astimezone(_zone(zones.get(org_id, "UTC"))).date())
        for org_id, found in rows.items()
    }


def _zone(name: str) -> Any:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def payment_records_counted(*, organization_ids: Iterable[int]) -> dict[int, PaymentRecord]:
    """The same records counted from every payout of the window (one aggregate query): what
    the figures audit compares the kept rows with. Too slow for pages in a large org."""
    ids = sorted(set(organization_ids))
    if not ids:
        return {}
    zone = Coalesce(
        Subquery(
            PaymentSchedule.objects.filter(organization=OuterRef("organization")).values(
                "time_zone"
            )[:1]
        ),
        Value("UTC"),
    )
    today = LocalDate(Value(timezone.now(), output_field=DateTimeField()), zone)
    promised = Coalesce(F("missed_expected_on"), F("expected_on"))
    paid_day = LocalDate(F("paid_at"), zone)
    rows = (
        Payout.objects.filter(organization_id__in=ids, expected_on__isnull=False)
        .filter(
            Q(state=PayoutState.PAID, paid_at__isnull=False)
            | (Q(state__in=OWED_STATES) & ~Q(hold_reason__startswith=READINESS_HOLD))
        )
        .annotate(
            promised=promised,
            today=today,
            days_late=Case(
                When(state=PayoutState.PAID, then=DaysBetween(paid_day, promised)),
                default=DaysBetween(today, promised),
                output_field=IntegerField(),
            ),
        )
        .filter(
            Q(state=PayoutState.PAID) | Q(promised__lt=F("today")),
            promised__gt=DaysBefore(F("today"), Value(WINDOW_DAYS)),
        )
        .order_by()
        .values("organization_id")
        .annotate(
            counted=Count("pk"),
            on_time=Count("pk", filter=Q(days_late__lte=0)),
            median=Median("days_late", filter=Q(days_late__gt=0)),
        )
    )
    records = {org_id: PaymentRecord() for org_id in ids}
    for row in rows:
        records[row["organization_id"]] = PaymentRecord(
            counted=row["counted"], on_time=row["on_time"], median_days_late=row["median"]
        )
    return records


def payment_record(*, organization: Any) -> PaymentRecord:
    """One organization's payment record (one query)."""
    return payment_records(organization_ids=[organization.pk])[organization.pk]


def record_sentence(record: PaymentRecord, *, org_name: str) -> str:
    """The record in one sentence, for a message or an e-mail (the pages use the template)."""
    if not record.enough_history:
        return gettext(
            "Payment record: not enough history yet (%(counted)s of the %(minimum)s payouts "
            "a record needs, in the last 12 months)."
        ) % {"counted": record.counted, "minimum": record.minimum}
    sentence = gettext(
        "Payment record: %(org_name)s paid %(on_time)s of %(counted)s payouts on or before "
        "their expected date in the last 12 months (%(share)s%%)."
    ) % {
        "org_name": org_name,
        "on_time": record.on_time,
        "counted": record.counted,
        "share": round(100 * (record.on_time_share or 0)),
    }
    if record.median_days:
        sentence += " " + ngettext(
            "When late, a median of %(days)s day.",
            "When late, a median of %(days)s days.",
            record.median_days,
        ) % {"days": record.median_days}
    return sentence


def window_start(today: date) -> date:
    """The first promised date the record counts, for the words under it."""
    return today - timedelta(days=WINDOW_DAYS - 1)
