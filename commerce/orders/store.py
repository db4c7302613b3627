"""New orders and their pending commissions, in one statement: the rows travel once (by COPY
into a temporary table of the transaction from ``COPY_FROM`` rows on, as arrays below), and
the commissions are inserted from the same rows, joined to the ids the orders were given (a
second temporary table, COPY and INSERT cost 5 ms a batch of 500)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection

from commerce.bulk import COPY_FROM, columns_of
from commerce.commission.services import PENDING, ZERO
from commerce.models import Commission, Order
from influencer_ops.incoming import incoming

# A new order as a row: the values that differ between the orders of a batch (the
# organization, source, refunds and receipt time are the same for all: sent once), then its
# commission's terms, amount and due time (None: it earns none).
ORDER_ROW = (
    "source_order_id",
    "placed_at",
    "currency",
    "gross_value",
    "net_value",
    "discount_code",
    "attribution_id",
    "enrollment_id",
    "attributed_via",
    "referred_enrollment_id",
    "unattributed_reason",
    "currency_mismatch",
    "payload_hash",
)
COMMISSION_ROW = ("terms_version_id", "amount", "pending_until")
ROW = (*ORDER_ROW, *(f"commission_{name}" for name in COMMISSION_ROW))


def orders_insert(
    *, organization_id: int, source: str, received_at: datetime, rows: Sequence[Sequence[Any]]
) -> dict[str, int]:
    """Insert ``rows`` (values in the order of ``ROW``) as orders of ``source`` and, where a
    row has a commission amount, its pending commission; returns {source order id: id}. In a
    transaction; an id already stored raises ``IntegrityError`` and stores nothing."""
    quote = connection.ops.quote_name
    orders = columns_of(Order, ORDER_ROW)
    commission = columns_of(Commission, COMMISSION_ROW)
    kinds = [kind for _, kind in commission]
    columns = [*orders, *zip(ROW[len(ORDER_ROW) :], kinds, strict=True)]
    order_same: dict[str, Any] = {"organization_id": organization_id, "source": source}
    order_same |= {"refunded_value": ZERO, "received_at": received_at}
    commission_same: dict[str, Any] = {"organization_id": organization_id, **PENDING}
    commission_same |= {"created_at": received_at, "updated_at": received_at}
    order_constants = columns_of(Order, order_same)
    commission_constants = columns_of(Commission, commission_same)
    with connection.cursor() as cursor:
        source_sql, params = incoming(
            cursor, quote("commerce_order_incoming"), columns, rows, alias="i", copy_from=COPY_FROM
        )
        names = [name for name, _ in orders]
        picked = ", ".join(f"r.{name}" for name in names)
        into = ", ".join([*names, *(name for name, _ in order_constants)])
        constants = ", ".join(f"%s::{kind}" for _, kind in order_constants)
        commission_into = ", ".join(
            [
                *(quote(c) for c in ("order_id", "enrollment_id", "currency")),
                *(name for name, _ in commission),
                *(name for name, _ in commission_constants),
            ]
        )
        commission_values = ", ".join(f"%s::{kind}" for _, kind in commission_constants)
        # Names from the models, values as parameters or COPY data.
        cursor.execute(
            f"WITH r AS (SELECT * FROM {source_sql}), "  # noqa: S608
            f"o AS (INSERT INTO {quote(Order._meta.db_table)} ({into}) "
            f"SELECT {picked}, {constants} FROM r RETURNING id, source_order_id), "
            f"c AS (INSERT INTO {quote(Commission._meta.db_table)} ({commission_into}) "
            "SELECT o.id, r.enrollment_id, r.currency, r.commission_terms_version_id, "
            f"r.commission_amount, r.commission_pending_until, {commission_values} "
            "FROM o JOIN r ON r.source_order_id = o.source_order_id "
            "WHERE r.commission_amount IS NOT NULL ORDER BY r.placed_at, r.source_order_id) "
            "SELECT id, source_order_id FROM o",
            [*params, *order_same.values(), *commission_same.values()],
        )
        return {found: pk for pk, found in cursor.fetchall()}
