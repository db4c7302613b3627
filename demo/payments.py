"""Demo payouts: for each org's launched or completed programs, payouts in every state (earned,
on hold, scheduled, processing, paid, failed and back to earned, cancelled) and two past
completed payment runs. Every move goes through ``payments.ledger``, so the ledger balances.

Idempotent: an org that already has demo payouts is left alone. Run inside
``dangerously_unscoped()`` (the seed command does)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from organizations.models import Organization
from payments import ledger
from payments.models import PaymentRun, Payout, PayoutReason, PayoutState, ProviderName
from payments.runs.schedule import expected_payment_date
from programs.models import Enrollment
from programs.states import EnrollmentState, ProgramState

DEMO_KEY = "demo:"
RUN_STATES = (ProgramState.LAUNCHED, ProgramState.COMPLETED, ProgramState.CLOSED)
EARNING_STATES = (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED)
HOLD_REASON = "We are missing your tax form: please upload it with your payout details."
FAILURE_REASON = "The bank returned the transfer: the account number was not recognised."


@dataclass
class DemoContext:
    organization: Organization
    old_run: PaymentRun
    recent_run: PaymentRun


def _amount(enrollment: Enrollment, share: str) -> Decimal:
    snapshot = enrollment.terms_version.snapshot if enrollment.terms_version else {}
    fee = Decimal(str(snapshot.get("flat_fee") or "200.00"))
    return ledger.money(max(fee * Decimal(share), Decimal("10.00")))


def _currency(enrollment: Enrollment) -> str:
    snapshot = enrollment.terms_version.snapshot if enrollment.terms_version else {}
    return str(snapshot.get("currency") or enrollment.program.currency)


def _run(organization: Organization, days_ago: int) -> PaymentRun:
    at = timezone.now() - timedelta(days=days_ago)
    return PaymentRun.objects.create(
        organization=organization,
        state=PaymentRun.State.COMPLETED,
        trigger=PaymentRun.Trigger.SCHEDULE,
        provider=ProviderName.SANDBOX,
        scheduled_for=at,
        started_at=at,
        finished_at=at + timedelta(minutes=3),
    )


def _earn(enrollment: Enrollment, key: str, share: str, days_ago: int, text: str) -> Payout:
    earned_at = timezone.now() - timedelta(days=days_ago)
    payout = Payout(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        creator_id=enrollment.creator_id,
        terms_version=enrollment.terms_version,
        amount=_amount(enrollment, share),
        currency=_currency(enrollment),
        reason=PayoutReason.FLAT_FEE if share == "1" else PayoutReason.MILESTONE_BONUS,
        explanation=text,
        state=PayoutState.EARNED,
        earn_key=f"{DEMO_KEY}{key}:{enrollment.pk}",
        earned_at=earned_at,
        expected_on=expected_payment_date(organization=enrollment.organization, moment=earned_at),
    )
    return ledger.payout_record(payout=payout, memo=text)


def _send(payout: Payout, run: PaymentRun) -> Payout:
    payout = ledger.payout_move(payout=payout, target=PayoutState.SCHEDULED, run=run, run_id=run.pk)
    key = f"{payout.organization_id}-{payout.pk}-1"
    return ledger.payout_move(
        payout=payout,
        target=PayoutState.PROCESSING,
        run=run,
        idempotency_key=key,
        attempts=1,
    )


def _paid(ctx: DemoContext, enrollment: Enrollment, run: PaymentRun, days_ago: int) -> Payout:
    payout = _send(_earn(enrollment, f"paid-{run.pk}", "1", days_ago, "Flat fee"), run)
    return ledger.payout_move(
        payout=payout,
        target=PayoutState.PAID,
        run=run,
        paid_at=run.finished_at,
        provider_reference=f"SANDBOX-{payout.pk}",
    )


def _paid_old(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    return _paid(ctx, enrollment, ctx.old_run, 40)


def _paid_recent(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    return _paid(ctx, enrollment, ctx.recent_run, 12)


def _failed_then_earned(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    text = "Milestone bonus (first 500 valid clicks)"
    payout = _send(_earn(enrollment, "failed", "0.2", 10, text), ctx.recent_run)
    payout = ledger.payout_move(
        payout=payout,
        target=PayoutState.FAILED,
        run=ctx.recent_run,
        memo=FAILURE_REASON,
        failure_count=1,
        failure_reason=FAILURE_REASON,
    )
    return ledger.payout_move(
        payout=payout,
        target=PayoutState.EARNED,
        memo="Retried in the next run",
        expected_on=expected_payment_date(organization=ctx.organization),
    )


def _earned(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    return _earn(enrollment, "earned", "1", 2, "Flat fee: every deliverable approved and published")


def _on_hold(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    payout = _earn(enrollment, "on-hold", "0.5", 5, "Half of the flat fee, first post")
    return ledger.payout_move(
        payout=payout, target=PayoutState.ON_HOLD, memo=HOLD_REASON, hold_reason=HOLD_REASON
    )


def _scheduled(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    payout = _earn(enrollment, "scheduled", "0.25", 3, "Milestone bonus (250 valid clicks)")
    return ledger.payout_move(payout=payout, target=PayoutState.SCHEDULED)


def _processing(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    text = "Milestone bonus (1,000 valid clicks)"
    return _send(_earn(enrollment, "processing", "0.3", 8, text), ctx.recent_run)


def _cancelled(ctx: DemoContext, enrollment: Enrollment) -> Payout:
    payout = _earn(enrollment, "cancelled", "0.1", 20, "Bonus entered twice by mistake")
    return ledger.payout_move(
        payout=payout, target=PayoutState.CANCELLED, memo="Duplicate of the milestone bonus"
    )


# One payout per step, spread over the org's earning enrollments in turn.
STEPS: tuple[Callable[[DemoContext, Enrollment], Payout], ...] = (
    _paid_old,
    _paid_recent,
    _failed_then_earned,
    _earned,
    _on_hold,
    _scheduled,
    _processing,
    _cancelled,
)


def _finish_runs(ctx: DemoContext) -> None:
    """The runs' progress counters and totals, as the run engine would have left them."""
    for run in (ctx.old_run, ctx.recent_run):
        payouts = list(Payout.objects.filter(run=run))
        totals: dict[str, Decimal] = {}
        for payout in payouts:
            totals[payout.currency] = totals.get(payout.currency, Decimal("0")) + payout.amount
        PaymentRun.objects.filter(pk=run.pk).update(
            total_count=len(payouts),
            done_count=sum(1 for p in payouts if p.state != PayoutState.PROCESSING),
            paid_count=sum(1 for p in payouts if p.state == PayoutState.PAID),
            failed_count=sum(1 for p in payouts if p.failure_count),
            totals={currency: str(total) for currency, total in totals.items()},
        )


def seed_org_payments(*, organization: Organization) -> int:
    """Seed one org; returns how many payouts were created (0 if it already has them)."""
    if Payout.objects.filter(organization=organization, earn_key__startswith=DEMO_KEY).exists():
        return 0
    enrollments: list[Any] = list(
        Enrollment.objects.filter(
            organization=organization,
            program__state__in=RUN_STATES,
            state__in=EARNING_STATES,
            terms_version__isnull=False,
        )
        .select_related("program", "terms_version", "organization")
        .order_by("pk")
    )
    if not enrollments:
        return 0
    ctx = DemoContext(organization, _run(organization, 35), _run(organization, 7))
    for index, step in enumerate(STEPS):
        step(ctx, enrollments[index % len(enrollments)])
    _finish_runs(ctx)
    return len(STEPS)


def seed_payments_demo() -> int:
    """Every org with a launched or completed program gets its demo payouts, once."""
    return sum(
        seed_org_payments(organization=organization)
        for organization in Organization.objects.order_by("pk")
    )
