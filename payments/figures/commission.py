"""The figures audit's commission checks: commission against the orders it was earned on.

Lives beside ``checks`` (which lists it in ``CHECKS``); ``Violation`` is imported where used,
since ``checks`` imports this module."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from commerce.commission.terms import CommissionTerms
from commerce.models import Commission, CommissionClawback, CommissionState
from organizations.models import Organization
from payments.models import Payout, PayoutReason, PayoutState

CLAWBACK_ACCOUNT = "receivable:clawback"


def outstanding_clawbacks(organization: Organization) -> dict[str, Decimal]:
    """{currency: total} clawed back and not yet taken off a payout: the ledger holds it in
    ``receivable:clawback`` and has taken it off ``expense``."""
    rows = (
        CommissionClawback.objects.filter(
            organization_id=organization.pk, settled_payout__isnull=True
        )
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {row["currency"]: row["total"] for row in rows if row["total"]}


def _problem(commission: Commission) -> str:
    order = commission.order
    terms = CommissionTerms.of(commission.terms_version.snapshot)
    if order.enrollment_id != commission.enrollment_id:
        return "is on an order not attributed to its enrollment"
    if order.currency_mismatch or order.currency != commission.currency:
        return f"is in {commission.currency} on an order in {order.currency}"
    if commission.amount > terms.amount(order.net_value):
        return f"is {commission.amount}, more than its terms give on {order.net_value}"
    worth = terms.amount(order.remaining_net, whole=order.remaining_net > 0)
    if commission.state == CommissionState.PENDING and commission.amount > worth:
        return "is pending at more than its order is worth after refunds"
    if commission.state == CommissionState.REVERSED and order.refunded_value < order.gross_value:
        return "is reversed while its order is not refunded in full"
    payout = commission.payout
    if commission.state in (CommissionState.EARNED, CommissionState.CLAWED_BACK):
        if payout is None or payout.reason != PayoutReason.COMMISSION:
            return "is earned but not in a commission payout"
        if payout.enrollment_id != commission.enrollment_id:
            return "was paid to another enrollment"
    return ""


def commission_follows_orders(organization: Organization, today: date) -> list[Any]:
    """Each commission is what its order and terms give, and its clawbacks add up to what it
    says was clawed back; each commission payout is the sum of the commissions earned in it
    less the clawbacks it settled; no enrollment's commission goes over its terms' cap."""
    from payments.figures.checks import Violation

    commissions = list(
        Commission.objects.filter(organization_id=organization.pk)
        .select_related("order", "terms_version", "payout")
        .order_by("pk")
    )
    found = []
    in_payout: dict[int, Decimal] = defaultdict(Decimal)
    per_enrollment: dict[int, Decimal] = defaultdict(Decimal)
    caps: dict[int, Decimal | None] = {}
    for commission in commissions:
        problem = _problem(commission)
        if problem:
            found.append(
                Violation(f"commission:{commission.pk}", f"Commission #{commission.pk} {problem}.")
            )
        if commission.payout_id is not None:
            in_payout[commission.payout_id] += commission.amount
        if commission.state != CommissionState.REVERSED:
            per_enrollment[commission.enrollment_id] += (
                commission.amount - commission.clawback_amount
            )
            caps[commission.enrollment_id] = CommissionTerms.of(
                commission.terms_version.snapshot
            ).cap
    clawed: dict[int, Decimal] = defaultdict(Decimal)
    for clawback in CommissionClawback.objects.filter(organization_id=organization.pk).only(
        "commission_id", "amount", "settled_payout_id"
    ):
        clawed[clawback.commission_id] += clawback.amount
        if clawback.settled_payout_id is not None:
            in_payout[clawback.settled_payout_id] -= clawback.amount
    for commission in commissions:
        if commission.clawback_amount != clawed.get(commission.pk, Decimal(0)):
            found.append(
                Violation(
                    f"commission:{commission.pk}:clawbacks",
                    f"Commission #{commission.pk} was clawed back {commission.clawback_amount} "
                    f"but its clawbacks come to {clawed.get(commission.pk, Decimal(0))}.",
                )
            )
    payouts = Payout.objects.filter(
        organization_id=organization.pk, reason=PayoutReason.COMMISSION
    ).exclude(state=PayoutState.CANCELLED)
    for payout in payouts.only("pk", "amount"):
        if payout.amount != in_payout.get(payout.pk, Decimal(0)):
            found.append(
                Violation(
                    f"payout:{payout.pk}:commission",
                    f"Commission payout #{payout.pk} is {payout.amount} but its commissions "
                    f"come to {in_payout.get(payout.pk, Decimal(0))}.",
                )
            )
    for enrollment_id, total in sorted(per_enrollment.items()):
        cap = caps.get(enrollment_id)
        if cap is not None and total > cap:
            found.append(
                Violation(
                    f"enrollment:{enrollment_id}:commission_cap",
                    f"Enrollment #{enrollment_id}'s commission {total} is over its cap {cap}.",
                )
            )
    return found
