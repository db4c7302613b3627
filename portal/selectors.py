"""The creator's home: a dated to-do list and their earnings, across the orgs they work with.

Earnings are read from ``creator_payouts``, the payouts the portal's payouts page lists (one
source), grouped by currency and state in one query; every other block is one query too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min, Sum
from django.utils import timezone

from influencer_ops.calendar import org_today
from messaging.kinds import TaskState
from messaging.models import Request
from messaging.selectors import creator_requests
from payments.models import PayoutState
from payments.payouts.selectors import creator_payouts
from payments.record.selectors import PaymentRecord, payment_records
from programs.content.selectors import creator_deliverables
from programs.models import Deliverable, Enrollment, TermsVersion
from programs.models.delivery import OPEN_FOR_CREATOR
from programs.recruiting.selectors import creator_invitations
from programs.states import EnrollmentState

WEEK = 7
# Answers shown on the home: those of the last two weeks.
ANSWERED_DAYS = 14
TOP = 5
ZERO = Decimal("0.00")
# Where a payout stands, as the creator reads it (cancelled ones are not earnings).
AWAITING = (PayoutState.EARNED, PayoutState.ON_HOLD, PayoutState.FAILED)
SCHEDULED = (PayoutState.SCHEDULED, PayoutState.PROCESSING)
# Payouts with a payment date to expect (one on hold or failed waits for a fix first).
NEXT_PAYMENT = (PayoutState.EARNED, *SCHEDULED)
PLACES = (EnrollmentState.ACCEPTED, EnrollmentState.CONFIRMED, EnrollmentState.ACTIVE)


@dataclass
class Earnings:
    """One currency's payouts: ``earned`` is everything not cancelled (paid included), split
    into awaiting a run, scheduled and paid."""

    currency: str
    awaiting: Decimal = ZERO
    scheduled: Decimal = ZERO
    paid: Decimal = ZERO
    next_payment_on: date | None = None

    @property
    def earned(self) -> Decimal:
        return self.awaiting + self.scheduled + self.paid


@dataclass(frozen=True)
class Estimate:
    """What an invitation's terms would pay if the creator reaches the click milestone."""

    currency: str
    fee: Decimal
    bonus: Decimal
    per_click: Decimal
    milestone: int

    @property
    def clicks_pay(self) -> Decimal:
        return (self.per_click * self.milestone).quantize(Decimal("0.01"))

    @property
    def total(self) -> Decimal:
        return self.fee + self.bonus + self.clicks_pay


@dataclass(frozen=True)
class Invitation:
    enrollment: Enrollment
    terms: TermsVersion | None
    estimate: Estimate | None
    # The brand's payment record, on every invitation the creator has to answer.
    record: PaymentRecord | None = None


@dataclass
class CreatorHome:
    overdue: list[Deliverable] = field(default_factory=list)
    due_today: list[Deliverable] = field(default_factory=list)
    due_this_week: list[Deliverable] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    amendments: list[Invitation] = field(default_factory=list)
    answered: list[Request] = field(default_factory=list)
    earnings: list[Earnings] = field(default_factory=list)

    @property
    def todo_count(self) -> int:
        return (
            len(self.overdue)
            + len(self.due_today)
            + len(self.due_this_week)
            + len(self.invitations)
            + len(self.amendments)
        )


def _decimal(value: Any) -> Decimal:
    if value in (None, ""):
        return ZERO
    return Decimal(str(value))


def estimate(snapshot: dict[str, Any]) -> Estimate:
    """Flat fee + milestone bonus + pay per click × the milestone's clicks, from the terms."""
    return Estimate(
        currency=str(snapshot.get("currency") or ""),
        fee=_decimal(snapshot.get("fee")),
        bonus=_decimal(snapshot.get("milestone_bonus")),
        per_click=_decimal(snapshot.get("per_click_rate")),
        milestone=int(snapshot.get("click_milestone") or 0),
    )


def creator_earnings(*, user: Any) -> list[Earnings]:
    """Per currency: awaiting a run, scheduled, paid, and the next expected payment date."""
    rows = (
        creator_payouts(user=user)
        .exclude(state=PayoutState.CANCELLED)
        .order_by()
        .values("currency", "state")
        .annotate(amount=Sum("amount"), next_on=Min("expected_on"))
        .order_by("currency", "state")
    )
    by_currency: dict[str, Earnings] = {}
    for row in rows:
        line = by_currency.setdefault(row["currency"], Earnings(currency=row["currency"]))
        amount = row["amount"] or ZERO
        if row["state"] == PayoutState.PAID:
            line.paid += amount
            continue
        if row["state"] in SCHEDULED:
            line.scheduled += amount
        else:
            line.awaiting += amount
        if (
            row["state"] in NEXT_PAYMENT
            and row["next_on"] is not None
            and (line.next_payment_on is None or row["next_on"] < line.next_payment_on)
        ):
            line.next_payment_on = row["next_on"]
    return list(by_currency.values())


def _latest(enrollment: Enrollment) -> TermsVersion | None:
    versions = list(enrollment.terms_versions.all())  # prefetched
    return max(versions, key=lambda v: v.number) if versions else None


def _todo_deliverables(home: CreatorHome, user: Any) -> None:
    horizon = timezone.localdate() + timedelta(days=WEEK + 1)
    rows = creator_deliverables(user=user).filter(
        state__in=OPEN_FOR_CREATOR,
        enrollment__state=EnrollmentState.ACTIVE,
        due_on__lte=horizon,
    )
    for deliverable in rows:
        today = org_today(deliverable.organization)
        if deliverable.due_on < today:
            home.overdue.append(deliverable)
        elif deliverable.due_on == today:
            home.due_today.append(deliverable)
        elif deliverable.due_on < today + timedelta(days=WEEK):
            home.due_this_week.append(deliverable)


def _answer_order(item: Invitation) -> tuple[bool, float, int]:
    expires = item.enrollment.expires_at
    return (expires is None, expires.timestamp() if expires else 0.0, item.enrollment.pk)


def _todo_terms(home: CreatorHome, user: Any) -> None:
    rows = (
        creator_invitations(user=user)
        .filter(state__in=(EnrollmentState.INVITED, *PLACES))
        .select_related("organization")
    )
    enrollments = list(rows)
    invited = {e.organization_id for e in enrollments if e.state == EnrollmentState.INVITED}
    records = payment_records(organization_ids=invited)
    for enrollment in enrollments:
        terms = _latest(enrollment)
        snapshot = terms.snapshot if terms is not None and isinstance(terms.snapshot, dict) else {}
        item = Invitation(enrollment, terms, estimate(snapshot) if snapshot else None)
        if enrollment.state == EnrollmentState.INVITED:
            record = records[enrollment.organization_id]
            home.invitations.append(Invitation(item.enrollment, terms, item.estimate, record))
        elif terms is not None and terms.accepted_at is None and terms.declined_at is None:
            home.amendments.append(item)
    # Answer the one that expires first first; those without a date last.
    home.invitations.sort(key=_answer_order)


def creator_home(*, user: Any) -> CreatorHome:
    """Everything the creator's home shows, in a constant number of queries."""
    home = CreatorHome()
    _todo_deliverables(home, user)
    _todo_terms(home, user)
    since = timezone.now() - timedelta(days=ANSWERED_DAYS)
    home.answered = list(
        creator_requests(user=user).filter(
            task__state=TaskState.DONE, task__completed_at__gte=since
        )[:TOP]
    )
    home.earnings = creator_earnings(user=user)
    return home
