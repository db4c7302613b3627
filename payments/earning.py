"""Earning payouts: what a creator's accepted terms owe, recorded once.

Money comes from the enrollment's accepted terms version (its snapshot), as Decimal, rounded
half-up to cents by ``ledger.money``. Every service is idempotent: a payout has an ``earn_key``
unique per org (``<reason>:<enrollment id>``), so a second trigger records nothing. Each payout
gets the date of the org's next payment run; when the org requires readiness and the creator is
not ready, it is recorded on hold with a reason that says what the creator has to do.

Triggers: the last deliverable published (``payout_earn_flat_fee``), the program completed
(``payouts_earn_for_program``) and the collaboration ended early (``payouts_earn_at_termination``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from payments.ledger import money, payout_record
from payments.models import Payout, PayoutReason, PayoutState
from payments.readiness.services import Readiness, creators_readiness
from payments.runs.schedule import expected_payment_date, schedule_for
from programs.models import AmountOwed, Deliverable, DeliverableState, Enrollment, Program
from programs.states import EnrollmentState
from tracking.models import MilestoneReached
from tracking.pace.services import milestone_of, with_valid_clicks

# Deliverables the creator no longer owes: they neither earn nor block the flat fee.
NOT_OWED = (DeliverableState.CANCELLED, DeliverableState.EXCUSED)
PAID_AT_COMPLETION = (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Earning:
    """A payout to record: what, how much, and why in words a creator understands."""

    reason: str
    amount: Decimal
    explanation: str


@dataclass(frozen=True)
class Context:
    """What every payout of one batch shares: the promised date and the readiness policy."""

    expected_on: date
    require_readiness: bool
    readiness: dict[int, Readiness]


def earn_key(reason: str, enrollment: Enrollment) -> str:
    return f"{reason}:{enrollment.pk}"


def _snapshot(enrollment: Enrollment) -> dict[str, Any]:
    terms = enrollment.terms_version
    snapshot = terms.snapshot if terms is not None else None
    return snapshot if isinstance(snapshot, dict) else {}


def _amount(value: Any) -> Decimal:
    return ZERO if value in (None, "") else money(str(value))


def _context(enrollments: list[Enrollment]) -> Context:
    organization = enrollments[0].organization
    schedule = schedule_for(organization=organization)
    creators = list({e.creator_id: e.creator for e in enrollments}.values())
    readiness = creators_readiness(creators) if schedule.require_readiness else {}
    return Context(expected_payment_date(organization=organization), bool(readiness), readiness)


def _record(
    enrollment: Enrollment, earning: Earning, context: Context, actor: Any | None
) -> Payout | None:
    """Record ``earning`` unless its key was used (then None). Not positive: nothing."""
    if earning.amount <= 0:
        return None
    key = earn_key(earning.reason, enrollment)
    if Payout.objects.filter(organization_id=enrollment.organization_id, earn_key=key).exists():
        return None
    readiness = context.readiness.get(enrollment.creator_id)
    hold_reason = readiness.hold_reason if context.require_readiness and readiness else ""
    return payout_earn(
        enrollment=enrollment,
        reason=earning.reason,
        amount=earning.amount,
        currency=str(_snapshot(enrollment).get("currency") or enrollment.program.currency),
        explanation=earning.explanation,
        key=key,
        expected_on=context.expected_on,
        hold_reason=hold_reason,
        actor=actor,
    )


def payout_earn(
    *,
    enrollment: Enrollment,
    reason: str,
    amount: Decimal,
    currency: str,
    explanation: str,
    key: str,
    expected_on: date,
    hold_reason: str = "",
    actor: Any | None = None,
) -> Payout | None:
    """Record one payout against the enrollment's accepted terms (``PayoutInvalid`` for a
    non-positive amount or another currency than the terms'). A key already used — even by a
    concurrent trigger — records nothing and returns None."""
    payout = Payout(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        creator_id=enrollment.creator_id,
        terms_version=enrollment.terms_version,
        amount=amount,
        currency=currency,
        reason=reason,
        explanation=explanation[:500],
        state=PayoutState.ON_HOLD if hold_reason else PayoutState.EARNED,
        hold_reason=hold_reason[:500],
        earn_key=key,
        expected_on=expected_on,
    )
    try:
        with transaction.atomic():
            return payout_record(payout=payout, actor=actor)
    except IntegrityError:
        if Payout.objects.filter(organization_id=enrollment.organization_id, earn_key=key).exists():
            return None
        raise


# --- the flat fee ---


def _flat_fee(enrollment: Enrollment, states: list[str]) -> Earning | None:
    """The fee once every deliverable still owed is published (approved, then published)."""
    owed = [state for state in states if state not in NOT_OWED]
    published = sum(state == DeliverableState.PUBLISHED for state in owed)
    if not owed or published < len(owed):
        return None
    fee = _amount(_snapshot(enrollment).get("fee"))
    explanation = gettext(
        "Flat fee for %(published)s of %(len)s deliverables approved and published"
    ) % {"published": published, "len": len(owed)}
    return Earning(PayoutReason.FLAT_FEE, fee, explanation)


@transaction.atomic
def payout_earn_flat_fee(*, enrollment: Enrollment, actor: Any | None = None) -> Payout | None:
    """The terms' flat fee, once every deliverable of the enrollment not cancelled or excused
    is approved and published. Idempotent; nothing for a fee of 0 or none."""
    states = list(
        Deliverable.objects.filter(
            organization_id=enrollment.organization_id, enrollment=enrollment
        ).values_list("state", flat=True)
    )
    earning = _flat_fee(enrollment, states)
    if earning is None or earning.amount <= 0:
        return None
    return _record(enrollment, earning, _context([enrollment]), actor)


# --- pay per valid click and the milestone bonus ---


def _clicks(enrollment: Enrollment, valid: int) -> Earning | None:
    snapshot = _snapshot(enrollment)
    rate = snapshot.get("per_click_rate")
    if rate in (None, "") or valid <= 0:
        return None
    rate = Decimal(str(rate))
    currency = snapshot.get("currency") or enrollment.program.currency
    explanation = gettext("%(valid)s valid clicks × %(rate)s %(currency)s") % {
        "valid": format(valid, ","),
        "rate": rate,
        "currency": currency,
    }
    return Earning(PayoutReason.CLICKS, money(rate * valid), explanation)


def _bonus(enrollment: Enrollment, valid: int, reached: bool, *, prorate: bool) -> Earning | None:
    """The milestone bonus if reached; else, if the terms say so and ``prorate``, its share."""
    snapshot = _snapshot(enrollment)
    bonus = _amount(snapshot.get("milestone_bonus"))
    milestone = milestone_of(enrollment)
    if bonus <= 0 or milestone is None:
        return None
    currency = snapshot.get("currency") or enrollment.program.currency
    if reached or valid >= milestone:
        text = gettext("Bonus for reaching the %(milestone)s-click milestone") % {
            "milestone": format(milestone, ",")
        }
        return Earning(PayoutReason.MILESTONE_BONUS, bonus, text)
    if not (prorate and snapshot.get("prorate_if_missed")) or valid <= 0:
        return None
    # Below the milestone the share stays below the bonus, even after rounding up.
    amount = min(money(bonus * valid / milestone), bonus - Decimal("0.01"))
    text = gettext(
        "Milestone bonus %(bonus)s %(currency)s × %(valid)s of %(milestone)s "
        "valid clicks = %(amount)s %(currency)s (milestone not reached, "
        "pro-rated)"
    ) % {
        "bonus": bonus,
        "currency": currency,
        "valid": format(valid, ","),
        "milestone": format(milestone, ","),
        "amount": amount,
    }
    return Earning(PayoutReason.PRORATED_BONUS, amount, text)


def _reached_ids(enrollments: list[Enrollment]) -> set[int]:
    """Enrollments with a recorded milestone at least their terms' milestone (one query)."""
    wanted = Q(pk__in=[])
    for enrollment in enrollments:
        milestone = milestone_of(enrollment)
        if milestone is not None:
            wanted |= Q(enrollment_id=enrollment.pk, milestone__gte=milestone)
    if not wanted.children:
        return set()
    rows = MilestoneReached.objects.filter(organization_id=enrollments[0].organization_id).filter(
        wanted
    )
    return set(rows.values_list("enrollment_id", flat=True))


def _with_clicks(enrollments: QuerySet[Enrollment], organization: Any) -> list[Enrollment]:
    related = enrollments.select_related("terms_version", "creator", "program", "organization")
    return list(with_valid_clicks(related, organization=organization).order_by("pk"))


def _valid(enrollment: Enrollment) -> int:
    return int(getattr(enrollment, "pace_valid_clicks", 0) or 0)


def _deliverable_states(enrollments: list[Enrollment]) -> dict[int, list[str]]:
    states: dict[int, list[str]] = defaultdict(list)
    rows = Deliverable.objects.filter(
        organization_id=enrollments[0].organization_id,
        enrollment_id__in=[e.pk for e in enrollments],
    ).values_list("enrollment_id", "state")
    for enrollment_id, state in rows:
        states[enrollment_id].append(state)
    return states


@transaction.atomic
def payouts_earn_at_completion(*, enrollment: Enrollment, actor: Any | None = None) -> list[Payout]:
    """What one enrollment earns when its program completes: pay per valid click, the milestone
    bonus (or its pro-rated share when the terms say so), and the flat fee if its work is done
    but it was not earned yet. Idempotent."""
    found = _with_clicks(
        Enrollment.objects.filter(organization_id=enrollment.organization_id, pk=enrollment.pk),
        enrollment.organization,
    )
    return _earn_at_completion(found, actor)


@transaction.atomic
def payouts_earn_for_program(*, program: Program, actor: Any | None = None) -> list[Payout]:
    """``payouts_earn_at_completion`` for every active or completed enrollment of the program,
    with the clicks, milestones, deliverables and readiness of all of them in a few queries."""
    enrollments = Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state__in=PAID_AT_COMPLETION
    )
    return _earn_at_completion(_with_clicks(enrollments, program.organization), actor)


def _earn_at_completion(enrollments: list[Enrollment], actor: Any | None) -> list[Payout]:
    if not enrollments:
        return []
    context = _context(enrollments)
    reached = _reached_ids(enrollments)
    states = _deliverable_states(enrollments)
    recorded = []
    for enrollment in enrollments:
        valid = _valid(enrollment)
        earnings = [
            _flat_fee(enrollment, states[enrollment.pk]),
            _clicks(enrollment, valid),
            _bonus(enrollment, valid, enrollment.pk in reached, prorate=True),
        ]
        for earning in earnings:
            payout = _record(enrollment, earning, context, actor) if earning else None
            if payout is not None:
                recorded.append(payout)
    return recorded


# --- the collaboration ended early ---


def _termination(enrollment: Enrollment, owed: AmountOwed) -> Earning | None:
    """The amount owed, less a flat fee already earned (it is part of what is owed)."""
    flat_fee = Payout.objects.filter(
        organization_id=enrollment.organization_id,
        earn_key=earn_key(PayoutReason.FLAT_FEE, enrollment),
    ).exclude(state=PayoutState.CANCELLED)
    already = flat_fee.values_list("amount", flat=True).first() or ZERO
    amount = money(owed.amount) - already
    explanation = "Owed at the end of the collaboration: " + owed.explanation
    if already:
        explanation = gettext("%(explanation)s Less the flat fee already earned (%(already)s).") % {
            "explanation": explanation,
            "already": already,
        }
    return Earning(PayoutReason.TERMINATION, amount, explanation)


@transaction.atomic
def payouts_earn_at_termination(
    *, enrollment: Enrollment, amount_owed: AmountOwed, actor: Any | None = None
) -> list[Payout]:
    """When a collaboration ends early: the ``AmountOwed`` (if more than zero), pay per valid
    click so far, and the milestone bonus only if it was reached (no pro-rated share).
    Idempotent."""
    found = _with_clicks(
        Enrollment.objects.filter(organization_id=enrollment.organization_id, pk=enrollment.pk),
        enrollment.organization,
    )
    if not found:
        return []
    ended = found[0]
    context = _context([ended])
    valid = _valid(ended)
    earnings = [
        _termination(ended, amount_owed),
        _clicks(ended, valid),
        _bonus(ended, valid, ended.pk in _reached_ids([ended]), prorate=False),
    ]
    recorded = []
    for earning in earnings:
        payout = _record(ended, earning, context, actor) if earning else None
        if payout is not None:
            recorded.append(payout)
    return recorded
