"""Reads: the creator's own entries, and hours against pay for staff (the enrollment hub and the
program report), each in a constant number of queries.

The effective hourly rate is ``pay ÷ hours logged``, where pay is the greater of what the
enrollment has earned (its payouts, cancelled ones left out) and the flat fee in the terms in
force (what was promised). A viewer who may not read payouts gets the rate on the fee alone."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from payments.models import Payout, PayoutState
from programs.hours.services import (
    SCOPE_OVERRUN_RATIO,
    expected_hours,
    program_expected_hours,
)
from programs.models import Deliverable, Enrollment, Program, TimeEntry
from programs.states import EnrollmentState

CENT = Decimal("0.01")
HOURS: DecimalField[Any, Any] = DecimalField(max_digits=10, decimal_places=2)
MONEY: DecimalField[Any, Any] = DecimalField(max_digits=14, decimal_places=2)
HUB_ENTRIES = 10
# The program report's hours table: the places that work (or worked).
WORKING_STATES = (EnrollmentState.CONFIRMED, EnrollmentState.ACTIVE, EnrollmentState.COMPLETED)


def rate_of(pay: Decimal | None, hours: Decimal) -> Decimal | None:
    if pay is None or hours <= 0:
        return None
    return (pay / hours).quantize(CENT)


def pay_of(fee: Decimal | None, earned: Decimal | None) -> Decimal | None:
    """The greater of what was earned and the flat fee promised (None when neither is known)."""
    known = [amount for amount in (fee, earned) if amount is not None]
    return max(known) if known else None


@dataclass(frozen=True)
class HoursSummary:
    hours: Decimal
    expected: Decimal | None
    fee: Decimal | None
    earned: Decimal | None  # None: the viewer may not read payouts
    currency: str
    entries: list[TimeEntry]
    entry_count: int

    @property
    def pay(self) -> Decimal | None:
        return pay_of(self.fee, self.earned)

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.pay, self.hours)

    @property
    def over_scope(self) -> bool:
        return self.expected is not None and self.hours > self.expected * SCOPE_OVERRUN_RATIO


def _fee_of(enrollment: Enrollment) -> Decimal | None:
    terms = enrollment.terms_version
    fee = terms.snapshot.get("fee") if terms is not None else None
    return Decimal(str(fee)) if fee not in (None, "") else None


def _earned() -> Subquery:
    payouts = (
        Payout.objects.filter(
            organization_id=OuterRef("organization_id"), enrollment=OuterRef("pk")
        )
        .exclude(state=PayoutState.CANCELLED)
        .values("enrollment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(payouts, output_field=MONEY)


def _hours() -> Subquery:
    entries = (
        TimeEntry.objects.filter(
            organization_id=OuterRef("organization_id"), enrollment=OuterRef("pk")
        )
        .values("enrollment")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Subquery(entries, output_field=HOURS)


def enrollment_hours(*, enrollment: Enrollment, with_money: bool) -> HoursSummary:
    """The hub's hours section: totals, expected hours, pay, rate and the latest entries."""
    entries = TimeEntry.objects.filter(
        organization_id=enrollment.organization_id, enrollment=enrollment
    )
    totals = entries.aggregate(hours=Coalesce(Sum("hours"), Decimal(0), output_field=HOURS))
    earned = None
    if with_money:
        earned = (
            Payout.objects.filter(organization_id=enrollment.organization_id, enrollment=enrollment)
            .exclude(state=PayoutState.CANCELLED)
            .aggregate(total=Coalesce(Sum("amount"), Decimal(0), output_field=MONEY))["total"]
        )
    latest = entries.select_related("deliverable").order_by("-worked_on", "-id")[:HUB_ENTRIES]
    return HoursSummary(
        hours=totals["hours"],
        expected=expected_hours(enrollment),
        fee=_fee_of(enrollment),
        earned=earned,
        currency=enrollment.program.currency,
        entries=list(latest),
        entry_count=entries.count(),
    )


@dataclass(frozen=True)
class HoursRow:
    enrollment: Enrollment
    hours: Decimal
    fee: Decimal | None
    earned: Decimal

    @property
    def pay(self) -> Decimal | None:
        return pay_of(self.fee, self.earned)

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.pay, self.hours)


@dataclass(frozen=True)
class ProgramHours:
    rows: list[HoursRow]
    currency: str
    expected_per_creator: Decimal | None

    @property
    def hours(self) -> Decimal:
        return sum((row.hours for row in self.rows), Decimal(0))

    @property
    def pay(self) -> Decimal:
        return sum((row.pay or Decimal(0) for row in self.rows if row.hours > 0), Decimal(0))

    @property
    def rate(self) -> Decimal | None:
        """The program's effective hourly rate: the pay of creators who logged hours ÷ their
        hours."""
        return rate_of(self.pay, self.hours)


def program_hours(*, program: Program) -> ProgramHours:
    """Every working place of ``program`` with its hours, pay and rate: one query for the rows
    (hours and earnings as subqueries), one for the expected hours."""
    rows = (
        Enrollment.objects.filter(
            organization_id=program.organization_id, program=program, state__in=WORKING_STATES
        )
        .select_related("creator", "terms_version")
        .annotate(
            logged=Coalesce(_hours(), Decimal(0), output_field=HOURS),
            earned_total=Coalesce(_earned(), Decimal(0), output_field=MONEY),
            fee_total=Cast(KeyTextTransform("fee", "terms_version__snapshot"), MONEY),
        )
        .order_by("-logged", "creator__display_name", "pk")
    )
    return ProgramHours(
        rows=[
            HoursRow(
                enrollment=e,
                hours=e.logged,
                fee=e.fee_total,
                earned=e.earned_total,
            )
            for e in rows
        ],
        currency=program.currency,
        expected_per_creator=program_expected_hours(program),
    )


# --- the creator's own ---


def creator_enrollment_entries(*, enrollment: Enrollment) -> QuerySet[TimeEntry]:
    """The entries of one of the creator's enrollments (got from ``creator_enrollment``)."""
    return (
        TimeEntry.objects.filter(organization_id=enrollment.organization_id, enrollment=enrollment)
        .select_related("deliverable")
        .order_by("-worked_on", "-id")
    )


def creator_entries(*, user: Any) -> QuerySet[TimeEntry]:
    """Every entry of the creator's own enrollments, across their orgs, newest first."""
    return (
        TimeEntry.objects.filter(creator__user=user)
        .select_related("deliverable", "enrollment__program")
        .order_by("-worked_on", "-id")
    )


def creator_entry(*, user: Any, pk: int) -> TimeEntry | None:
    """One of the creator's own entries (None for a missing one or another creator's)."""
    return (
        TimeEntry.objects.filter(pk=pk, creator__user=user)
        .select_related("enrollment__program", "enrollment__organization", "enrollment__creator")
        .first()
    )


def enrollment_deliverables(*, enrollment: Enrollment) -> QuerySet[Deliverable]:
    """The deliverables an entry may name (the form's choices)."""
    return Deliverable.objects.filter(
        organization_id=enrollment.organization_id, enrollment=enrollment
    ).order_by("due_on", "id")
