"""Commission: recorded pending with its order, changed by refunds, earned at a payment run.

- ``commissions_due``: each new attributed order in the terms' currency, under terms that
  pay commission, gets one pending commission (percent of its net value + the fixed amount, up
  to what the cap leaves), due when the holding period after the order's date is over; stored
  with the order, in the same statement (``commerce.orders.store``). A pending commission has
  no ledger entry: nothing is owed yet.
- ``commissions_after_refunds``: a refund while pending reduces it (or reverses it, with the
  reason, when nothing is left). After it was earned into a payout, with the org's
  ``clawback_commissions`` on, the difference is clawed back: a balanced ledger transaction
  ``receivable:clawback`` ← ``expense`` on that payout, taken off a later commission payout;
  with it off the commission stands (the brand bears the refund).
- ``commissions_earn``: at each payment run (a hook the run calls before it claims what is
  due), every commission whose holding period is over becomes ONE payout per enrollment
  (reason ``commission``, earn key ``commission:<enrollment>:run<run>``), less outstanding
  clawbacks (never to zero or below: a clawback larger than what is due waits for the next
  run). A constant number of statements whatever the number of commissions.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from commerce.commission.terms import CommissionTerms
from commerce.models import (
    CommerceSettings,
    Commission,
    CommissionClawback,
    CommissionState,
    Order,
)
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.models import AuditEvent
from payments.ledger import payouts_book_transfer

CLAWBACK_ACCOUNT = "receivable:clawback"
ZERO = Decimal("0.00")


def settings_for(*, organization_id: int) -> CommerceSettings:
    """The org's order settings, made (with a new webhook secret) the first time."""
    found = CommerceSettings.objects.filter(organization_id=organization_id).first()
    if found is not None:
        return found
    made, _ = CommerceSettings.objects.get_or_create(
        organization_id=organization_id, defaults={"shopify_secret": secrets.token_hex(32)}
    )
    return made


def _committed(enrollment_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each enrollment's commissions already count against its cap."""
    rows = (
        Commission.objects.filter(enrollment_id__in=list(enrollment_ids))
        .exclude(state=CommissionState.REVERSED)
        .values("enrollment_id")
        .annotate(total=Sum(F("amount") - F("clawback_amount")))
        .order_by()
    )
    return {row["enrollment_id"]: row["total"] or ZERO for row in rows}


@dataclass(frozen=True)
class NewOrder:
    """A new order attributed under terms in its currency: what its commission needs."""

    source_order_id: str
    enrollment_id: int
    terms: CommissionTerms
    net_value: Decimal
    placed_at: datetime


# A pending commission's values besides its order, enrollment, terms, amount, currency, due
# time and creation time: the same for every new commission.
PENDING: dict[str, Any] = {
    "state": CommissionState.PENDING.value,
    "reversal_reason": "",
    "payout_id": None,
    "earned_at": None,
    "clawback_amount": ZERO,
}


def commissions_due(*, orders: list[NewOrder]) -> dict[str, tuple[Decimal, datetime]]:
    """The pending commission each new order earns, {source order id: (amount, pending
    until)}, leaving out those that earn nothing (terms that pay nothing, a cap reached): one
    read for the batch (what the capped enrollments' commissions already count). The orders'
    service stores them with the orders, in the same statement (``commerce.orders.store``)."""
    with_cap = {o.enrollment_id for o in orders if o.terms.cap is not None}
    committed = _committed(with_cap) if with_cap else {}
    due = {}
    for order in sorted(orders, key=lambda o: (o.placed_at, o.source_order_id)):
        terms = order.terms
        if not terms.pays:
            continue
        amount = terms.amount(order.net_value)
        if terms.cap is not None:
            left = max(ZERO, terms.cap - committed.get(order.enrollment_id, ZERO))
            amount = min(amount, left)
            committed[order.enrollment_id] = committed.get(order.enrollment_id, ZERO) + amount
        if amount <= 0:
            continue
        due[order.source_order_id] = (amount, terms.pending_until(order.placed_at))
    return due


def _after_refund(order: Order, commission: Commission) -> Decimal:
    """What the commission is worth once the order's refunds are taken off."""
    terms = CommissionTerms.of(commission.terms_version.snapshot)
    whole = order.refunded_value < order.gross_value
    return min(commission.amount, terms.amount(order.remaining_net, whole=whole))


@transaction.atomic
def commissions_after_refunds(*, organization: Any, orders: list[Order], actor: Any) -> None:
    commissions = list(
        Commission.objects.select_for_update(of=("self",))
        .filter(organization_id=organization.pk, order__in=orders)
        .select_related("terms_version", "payout")
        .order_by("pk")
    )
    by_order = {o.pk: o for o in orders}
    claw = None
    transfers = []
    clawbacks: list[CommissionClawback] = []
    for item in commissions:
        order = by_order[item.order_id]
        worth = _after_refund(order, item)
        before = {"state": item.state, "amount": str(item.amount)}
        if item.state == CommissionState.PENDING:
            if worth == item.amount:
                continue
            if worth <= 0:
                item.state = CommissionState.REVERSED
                item.reversal_reason = gettext(
                    "Order %(id)s was refunded in full during the holding period."
                ) % {"id": order.source_order_id}
                verb = AuditVerb.COMMISSION_REVERSED
            else:
                item.amount = worth
                item.reversal_reason = gettext(
                    "Order %(id)s was partly refunded during the holding period."
                ) % {"id": order.source_order_id}
                verb = AuditVerb.COMMISSION_REDUCED
        elif item.payout is not None:
            if claw is None:
                claw = settings_for(organization_id=organization.pk).clawback_commissions
            owed = item.amount - item.clawback_amount - worth
            if not claw or owed <= 0:
                continue
            item.state = CommissionState.CLAWED_BACK
            item.clawback_amount += owed
            item.reversal_reason = gettext(
                "Order %(id)s was refunded after the commission was earned: %(owed)s is taken "
                "off a later commission payout."
            ) % {"id": order.source_order_id, "owed": owed}
            transfers.append((item.payout.pk, owed, item.currency, item.payout.state))
            clawbacks.append(
                CommissionClawback(
                    organization_id=organization.pk,
                    commission=item,
                    enrollment_id=item.enrollment_id,
                    amount=owed,
                    currency=item.currency,
                    booked_at=timezone.now(),
                )
            )
            verb = AuditVerb.COMMISSION_CLAWED_BACK
        else:
            continue
        item.save(
            update_fields=["state", "amount", "clawback_amount", "reversal_reason", "updated_at"]
        )
        audit_record(
            organization=organization,
            actor=actor,
            verb=verb,
            target=item,
            before=before,
            after={
                "state": item.state,
                "amount": str(item.amount),
                "clawback": str(item.clawback_amount),
                "reason": item.reversal_reason,
            },
        )
    CommissionClawback.objects.bulk_create(clawbacks)
    if transfers:
        payouts_book_transfer(
            organization_id=organization.pk,
            moves=transfers,
            debit=CLAWBACK_ACCOUNT,
            credit="expense",
            memo=gettext("Commission clawed back after a refund"),
        )


def audit_many(
    *, organization_id: int, verb: AuditVerb, rows: list[tuple[int, str, dict[str, Any]]]
) -> None:
    """One audit event per (commission id, label, after), in one statement."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = f"""
    INSERT INTO {quote(AuditEvent._meta.db_table)}
      (organization_id, actor_id, actor_label, verb, target_type, target_id, target_label,
       before, after, at)
    SELECT %s, NULL, 'system', %s, %s, t.id::text, t.label, NULL, t.after::jsonb, now()
      FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(id, label, after)
    """  # noqa: S608  (table name from the model, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                organization_id,
                verb.value,
                Commission._meta.label_lower,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [json.dumps(row[2]) for row in rows],
            ],
        )


from commerce.commission.earning import commissions_earn  # noqa: E402

__all__ = [
    "CLAWBACK_ACCOUNT",
    "PENDING",
    "NewOrder",
    "audit_many",
    "commissions_after_refunds",
    "commissions_due",
    "commissions_earn",
    "settings_for",
]
