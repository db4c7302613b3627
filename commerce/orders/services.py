"""Orders and refunds coming in (API, CSV, Shopify webhook): idempotent by the source's id.

``orders_receive`` takes a cleaned batch (``commerce.orders.inputs``), all-or-nothing: an id
already stored with the same content is left as it is (a replay: 200), with another content
the whole batch is refused (409). New orders are attributed and stored with their pending
commissions (what each earns: ``commerce.commission.services``) in one statement
(``commerce.orders.store``). A batch costs the same handful of statements whatever its size,
and builds no model instance but those of the replays (the created orders are made when read).

``refunds_receive`` records refunds the same way; a refund that would make an order's refunds
larger than the order is refused (400), and each refund reduces, reverses or claws back the
order's commission."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, overload

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from commerce.bulk import fields_of
from commerce.commission import services as commission
from commerce.models import Order, OrderRefund
from commerce.orders.attribution import Attribution, attribute
from commerce.orders.inputs import OrderIn, RefundIn
from commerce.orders.store import ROW, orders_insert
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, NotFound
from organizations.models import Organization

_ATTNAMES = ["id", *fields_of(Order)]
ZERO = Decimal("0.00")


class CreatedOrders(Sequence[Order]):
    """The orders a batch created, made from their rows only when first read: the API and the
    imports only count them."""

    def __init__(self, rows: list[tuple[Any, ...]], same: dict[str, Any], pks: dict[str, int]):
        self._rows, self._same, self._pks = rows, same, pks
        self._orders: list[Order] | None = None

    def _made(self) -> list[Order]:
        if self._orders is None:
            made = []
            for row in self._rows:
                values = {**self._same, **dict(zip(ROW, row, strict=True))}
                values["id"] = self._pks[values["source_order_id"]]
                made.append(Order.from_db("default", _ATTNAMES, [values[a] for a in _ATTNAMES]))
            self._orders = made
        return self._orders

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Order: ...

    @overload
    def __getitem__(self, index: slice) -> list[Order]: ...

    def __getitem__(self, index: int | slice) -> Order | list[Order]:
        return self._made()[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Received:
    """What a batch did: the orders (or refunds) it created and those it already had."""

    created: Sequence[Any] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)

    @property
    def all(self) -> list[Any]:
        return [*self.created, *self.unchanged]


def _no_twins(items: list[Any], key: Any) -> list[Any]:
    """Drop repeats of the same content in one batch; the same id with two contents → 409."""
    seen: dict[Any, Any] = {}
    for item in items:
        previous = seen.get(key(item))
        if previous is not None and previous.content_hash != item.content_hash:
            raise Conflict(
                gettext("The batch holds two different contents for id %(id)s.")
                % {"id": key(item)[-1]}
            )
        seen.setdefault(key(item), item)
    return list(seen.values())


def _order_row(
    item: OrderIn, found: Attribution, due: tuple[Decimal, Any] | None
) -> tuple[Any, ...]:
    """``item`` as a row of ``store.ROW``."""
    referred = found.referred
    mismatch = found.enrollment_id is not None and (
        referred is not None and referred.terms_currency not in ("", None, item.currency)
    )
    return (
        item.source_order_id,
        item.placed_at,
        item.currency,
        item.gross_value,
        item.net_value,
        item.discount_code,
        item.attribution_id,
        found.enrollment_id,
        found.via,
        referred.enrollment_id if referred else None,
        found.reason,
        mismatch,
        item.content_hash,
        referred.terms_version_id if due and referred else None,
        *(due or (None, None)),
    )


def _earning(item: OrderIn, found: Attribution) -> commission.NewOrder | None:
    """What the commission of ``item`` needs, if it is attributed under terms in its
    currency."""
    referred = found.referred
    if (
        found.enrollment_id is None
        or referred is None
        or referred.terms is None
        or referred.terms_version_id is None
        or referred.terms_currency not in ("", None, item.currency)
    ):
        return None
    return commission.NewOrder(
        source_order_id=item.source_order_id,
        enrollment_id=found.enrollment_id,
        terms=referred.terms,
        net_value=item.net_value,
        placed_at=item.placed_at,
    )


def _known(organization_id: int, source: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    """{source order id: (id, payload hash)} of ``ids`` already stored: one index probe per id
    (``LIMIT 1`` keeps the planner from scanning all the org's orders for the list, which it
    does while the table has no statistics, e.g. a whole import in one transaction)."""
    table = connection.ops.quote_name(Order._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table's name from the model, values as parameters.
            "SELECT o.source_order_id, o.id, o.payload_hash FROM unnest(%s::text[]) AS i(id) "  # noqa: S608
            "CROSS JOIN LATERAL (SELECT id, source_order_id, payload_hash "
            f"FROM {table} WHERE organization_id = %s AND source = %s "
            "AND source_order_id = i.id LIMIT 1) o",
            [ids, organization_id, source],
        )
        return {found: (pk, digest) for found, pk, digest in cursor.fetchall()}


@transaction.atomic
def orders_receive(
    *, organization: Organization, source: str, orders: list[OrderIn], actor: Any | None = None
) -> Received:
    orders = _no_twins(orders, lambda o: (o.source_order_id,))
    ids = [o.source_order_id for o in orders]
    # Only the hashes: whole orders only for the ids already stored (replays).
    known = _known(organization.pk, source, ids)
    result = Received()
    changed = [
        o.source_order_id
        for o in orders
        if o.source_order_id in known and known[o.source_order_id][1] != o.content_hash
    ]
    if changed:
        raise Conflict(
            gettext(
                "Order %(ids)s was already received with other content: nothing was stored. "
                "An order's content cannot change; send its refunds instead."
            )
            % {"ids": ", ".join(changed[:5])}
        )
    if known:
        stored = Order.objects.filter(organization_id=organization.pk).in_bulk(
            [pk for pk, _ in known.values()]
        )
        result.unchanged = [stored[known[i][0]] for i in ids if i in known]
    new = [o for o in orders if o.source_order_id not in known]
    if not new:
        return result
    attributions = attribute(organization_id=organization.pk, orders=new)
    earning = [_earning(item, attributions[item.source_order_id]) for item in new]
    due = commission.commissions_due(orders=[e for e in earning if e is not None])
    rows = [
        _order_row(item, attributions[item.source_order_id], due.get(item.source_order_id))
        for item in new
    ]
    now = timezone.now()
    try:
        with transaction.atomic():
            pks = orders_insert(
                organization_id=organization.pk, source=source, received_at=now, rows=rows
            )
    except IntegrityError:
        # Another request stored some of these ids between our read and our insert: answer
        # as if it had come first (a replay, or a conflict).
        return orders_receive(organization=organization, source=source, orders=orders, actor=actor)
    same = {
        "organization_id": organization.pk,
        "source": source,
        "refunded_value": ZERO,
        "received_at": now,
    }
    result.created = CreatedOrders(rows, same, pks)
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.ORDERS_RECEIVED,
        target=organization,
        after={
            "source": source,
            "count": len(rows),
            "attributed": sum(e is not None for e in earning),
            "first": new[0].source_order_id,
        },
    )
    return result


class RefundTooLarge(DomainError):
    pass


@transaction.atomic
def refunds_receive(
    *, organization: Organization, source: str, refunds: list[RefundIn], actor: Any | None = None
) -> Received:
    refunds = _no_twins(refunds, lambda r: (r.source_order_id, r.source_refund_id))
    order_ids = sorted({r.source_order_id for r in refunds})
    orders = {
        order.source_order_id: order
        for order in Order.objects.select_for_update()
        .filter(organization_id=organization.pk, source=source, source_order_id__in=order_ids)
        .order_by("pk")
    }
    missing = [i for i in order_ids if i not in orders]
    if missing:
        raise NotFound(
            gettext("No order %(ids)s was received: nothing was stored.")
            % {"ids": ", ".join(missing[:5])}
        )
    stored = {
        (refund.order.source_order_id, refund.source_refund_id): refund
        for refund in OrderRefund.objects.filter(
            organization_id=organization.pk, order__in=orders.values()
        ).select_related("order")
    }
    result = Received()
    added: dict[str, Decimal] = defaultdict(Decimal)
    new = []
    for item in refunds:
        known = stored.get((item.source_order_id, item.source_refund_id))
        if known is not None:
            if known.payload_hash != item.content_hash:
                raise Conflict(
                    gettext("Refund %(id)s was already received with other content.")
                    % {"id": item.source_refund_id}
                )
            result.unchanged.append(known)
            continue
        order = orders[item.source_order_id]
        added[order.source_order_id] += item.amount
        if order.refunded_value + added[order.source_order_id] > order.gross_value:
            raise RefundTooLarge(
                gettext(
                    "Refunds of order %(id)s would come to %(total)s, more than its value "
                    "%(value)s: nothing was stored."
                )
                % {
                    "id": order.source_order_id,
                    "total": order.refunded_value + added[order.source_order_id],
                    "value": order.gross_value,
                }
            )
        new.append(
            OrderRefund(
                organization_id=organization.pk,
                order=order,
                source_refund_id=item.source_refund_id,
                amount=item.amount,
                refunded_at=item.refunded_at,
                payload_hash=item.content_hash,
            )
        )
    if not new:
        return result
    result.created = OrderRefund.objects.bulk_create(new)
    for order_id, amount in added.items():
        order = orders[order_id]
        order.refunded_value += amount
        Order.objects.filter(pk=order.pk).update(refunded_value=order.refunded_value)
        audit_record(
            organization=organization,
            actor=actor,
            verb=AuditVerb.ORDER_REFUNDED,
            target=order,
            after={"refunded": str(amount), "refunded_total": str(order.refunded_value)},
        )
    commission.commissions_after_refunds(
        organization=organization, orders=[orders[i] for i in added], actor=actor
    )
    return result
