"""What a payment run would pay now, what it leaves waiting and why, and a run's progress."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Sum, Window

from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutDetails, PayoutState, TaxForm
from payments.runs.schedule import schedule_for
from payments.runs.states import OPEN_RUN_STATES


def _earned(organization_id: int, exclude_run_id: int | None) -> QuerySet[Payout]:
    qs = Payout.objects.filter(organization_id=organization_id, state=PayoutState.EARNED)
    if exclude_run_id is not None:
        # Failed in this run and put back to earned: the next run retries them.
        qs = qs.exclude(run_id=exclude_run_id)
    return qs


def _readiness(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        has_details=Exists(PayoutDetails.objects.filter(creator_id=OuterRef("creator_id"))),
        has_tax_form=Exists(
            TaxForm.objects.filter(creator_id=OuterRef("creator_id"), state=TaxForm.State.VERIFIED)
        ),
    )


def _creator_total(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        creator_total=Window(Sum("amount"), partition_by=[F("creator_id"), F("currency")])
    )


def due_payouts(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> QuerySet[Payout]:
    """The earned payouts a run would pay now: the creator is ready (payout details and a
    verified tax form, when the schedule requires it) and the creator's due total in the
    payout's currency reaches the schedule's minimum (smaller totals wait for a later run)."""
    schedule = schedule or schedule_for(organization=organization)
    qs = _earned(organization.pk, exclude_run_id)
    if schedule.require_readiness:
        qs = _readiness(qs).filter(**{"has_details": True, "has_tax_form": True})
    if schedule.minimum_amount and schedule.minimum_amount > 0:
        qs = _creator_total(qs).filter(**{"creator_total__gte": schedule.minimum_amount})
    return qs


def due_payout_ids(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> list[int]:
    qs = due_payouts(organization=organization, schedule=schedule, exclude_run_id=exclude_run_id)
    return sorted(qs.values_list("pk", flat=True))


def due_totals(*, organization: Any, schedule: PaymentSchedule | None = None) -> dict[str, Decimal]:
    """{currency: total} of what is due now."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in due_payouts(organization=organization, schedule=schedule).values_list(
        "currency", "amount"
    ):
        totals[currency] += amount
    return dict(totals)


@dataclass(frozen=True)
class CarriedPayout:
    payout_id: int
    creator_id: int
    amount: Decimal
    currency: str
    creator_total: Decimal
    reason: str


def carried_payouts(*, organization: Any) -> list[CarriedPayout]:
    """The earned payouts the next run leaves earned, each with the reason shown to staff."""
    schedule = schedule_for(organization=organization)
    minimum = schedule.minimum_amount or Decimal("0")
    qs = _creator_total(_readiness(_earned(organization.pk, None))).order_by("creator_id", "pk")
    carried = []
    payout: Any
    for payout in qs:
        reasons = []
        if schedule.require_readiness and not payout.has_details:
            reasons.append("The creator has no payout details yet.")
        if schedule.require_readiness and not payout.has_tax_form:
            reasons.append("The creator has no verified tax form yet.")
        if minimum > 0 and payout.creator_total < minimum:
            reasons.append(
                f"Below the minimum: the creator's due total is {payout.creator_total} "
                f"{payout.currency}, the minimum is {minimum}; it carries to a later run."
            )
        if reasons:
            carried.append(
                CarriedPayout(
                    payout_id=payout.pk,
                    creator_id=payout.creator_id,
                    amount=payout.amount,
                    currency=payout.currency,
                    creator_total=payout.creator_total,
                    reason=" ".join(reasons),
                )
            )
    return carried


def open_run(*, organization: Any) -> PaymentRun | None:
    return PaymentRun.objects.filter(
        organization_id=organization.pk, state__in=OPEN_RUN_STATES
    ).first()


def run_progress(run: PaymentRun) -> dict[str, Any]:
    run.refresh_from_db()
    return {
        "state": run.state,
        "total": run.total_count,
        "done": run.done_count,
        "paid": run.paid_count,
        "failed": run.failed_count,
        "percent": run.percent_done,
        "totals": dict(run.totals or {}),
    }
