"""Order statements: every attributed order of a creator with its commission and where that
commission stands, and the totals — the creator's own (portal) and one creator's in an org
(staff). Each page is one query for the rows and one aggregate for the totals.

A row's state, as people read it:

- ``pending`` — the refund holding period runs until ``pending_until``;
- ``earned`` — earned into a commission payout that is not paid yet;
- ``paid`` — that payout is paid;
- ``reversed`` — refunded inside the holding period (``reversal_reason`` says why);
- ``clawed_back`` — refunded after it was paid, taken off a later commission;
- ``no_commission`` — attributed, but the order pays none (another currency than the terms',
  or a commission of nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext

from commerce.models import Commission, CommissionState, Order

ZERO = Decimal("0.00")
PAID = "paid"
NO_COMMISSION = "no_commission"


@dataclass(frozen=True)
class OrderLine:
    order: Order
    commission: Commission | None
    state: str
    label: str
    detail: str = ""
    paid_at: datetime | None = None

    @property
    def commission_amount(self) -> Decimal | None:
        return self.commission.amount if self.commission is not None else None

    @property
    def pending_until(self) -> datetime | None:
        pending = self.commission is not None and self.state == CommissionState.PENDING
        return self.commission.pending_until if pending and self.commission else None


@dataclass(frozen=True)
class OrderTotals:
    """One currency's attributed orders: their value and the commission by where it stands."""

    currency: str
    orders: int
    value: Decimal
    refunded: Decimal
    pending: Decimal
    earned: Decimal  # earned, paid included
    paid: Decimal
    reversed: int

    @property
    def awaiting_payment(self) -> Decimal:
        return self.earned - self.paid


def _commission(order: Order) -> Commission | None:
    try:
        return order.commission
    except Commission.DoesNotExist:
        return None


def order_line(order: Order) -> OrderLine:
    """What one order's row says (its commission and payout are already loaded)."""
    commission = _commission(order)
    if commission is None:
        detail = (
            gettext("in %(currency)s, not the currency of the terms") % {"currency": order.currency}
            if order.currency_mismatch
            else ""
        )
        return OrderLine(order, None, NO_COMMISSION, gettext("No commission"), detail)
    payout = commission.payout
    if commission.state == CommissionState.EARNED and payout is not None and payout.state == PAID:
        return OrderLine(order, commission, PAID, gettext("Paid"), paid_at=payout.paid_at)
    if commission.state == CommissionState.REVERSED:
        return OrderLine(
            order, commission, commission.state, gettext("Reversed"), commission.reversal_reason
        )
    if commission.state == CommissionState.CLAWED_BACK:
        return OrderLine(order, commission, commission.state, gettext("Clawed back"))
    return OrderLine(order, commission, commission.state, commission.get_state_display())


def _with_relations(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related(
        "organization", "enrollment__program", "enrollment__creator", "commission__payout"
    ).order_by("-placed_at", "-id")


def creator_orders(*, user: Any) -> QuerySet[Order]:
    """Every order attributed to the user's own creator profiles, across their orgs, newest
    first (the portal's orders page and ``/api/v1/me/orders/``)."""
    return _with_relations(Order.objects.filter(enrollment__creator__user=user))


def creator_orders_for_org(
    *, organization: Any, creator: Any, enrollment_id: int | None = None
) -> QuerySet[Order]:
    """One creator's orders attributed in the org's programs (optionally one enrollment's)."""
    orders = Order.objects.filter(
        organization=organization, enrollment__creator=creator, enrollment__isnull=False
    )
    if enrollment_id is not None:
        orders = orders.filter(enrollment_id=enrollment_id)
    return _with_relations(orders)


def order_totals(*, orders: QuerySet[Order]) -> list[OrderTotals]:
    """Totals per currency of ``orders``, in one aggregate query."""
    on = "commission__amount"
    rows = (
        orders.order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            value=Sum("net_value"),
            refunded=Sum("refunded_value"),
            pending=Sum(on, filter=Q(commission__state=CommissionState.PENDING)),
            earned=Sum(on, filter=Q(commission__state=CommissionState.EARNED)),
            paid=Sum(
                on,
                filter=Q(commission__state=CommissionState.EARNED, commission__payout__state=PAID),
            ),
            reversed=Count("pk", filter=Q(commission__state=CommissionState.REVERSED)),
        )
        .order_by("currency")
    )
    return [
        OrderTotals(
            currency=row["currency"],
            orders=row["count"],
            value=row["value"] or ZERO,
            refunded=row["refunded"] or ZERO,
            pending=row["pending"] or ZERO,
            earned=row["earned"] or ZERO,
            paid=row["paid"] or ZERO,
            reversed=row["reversed"],
        )
        for row in rows
    ]
