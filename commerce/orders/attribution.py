"""Which enrollment an order belongs to: its attribution id (a tracked link's code, handed to
the shop by the redirect as ``io_ref``) first, else its discount code.

An order is attributed when the reference is known and active, the creator had accepted terms
before the order was placed, and it was placed no later than the terms' attribution window
after the collaboration ended (``ended_at``, else the program's end date; while neither is set
the window is open). Otherwise it is stored unattributed with the reason.

A constant number of queries for a whole batch, whatever its size (the references' enrollments,
then the few columns of those enrollments: no model instances), and each enrollment's terms
parsed once, not once per order. The enrollments are read by id in their own query: joined to
the references in one, a planner without statistics (a new table) loops over every link of the
org for each enrollment (27 ms for a batch of 500 orders instead of 2)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import connection

from commerce.commission.terms import CommissionTerms
from commerce.models import AttributedVia, DiscountCode, UnattributedReason
from commerce.orders.inputs import OrderIn
from programs.models import Enrollment, Program, TermsVersion
from tracking.models import TrackedLink


@dataclass(frozen=True)
class Referred:
    """The enrollment a reference points at: what attribution and commission need of it."""

    enrollment_id: int
    accepted_at: datetime | None
    window_end: datetime | None  # None: the window is open
    terms_version_id: int | None
    terms: CommissionTerms | None
    terms_currency: Any  # the snapshot's currency as stored ("" or None: any)


@dataclass(frozen=True)
class Attribution:
    enrollment_id: int | None  # attributed to
    via: str
    reason: str
    referred: Referred | None  # what the reference pointed at, attributed or not


def _window_end(ended_at: datetime | None, end_on: Any, terms: CommissionTerms) -> datetime | None:
    end = ended_at
    if end is None and end_on is not None:
        end = datetime.combine(end_on, time.max, tzinfo=UTC)
    return None if end is None else end + timedelta(days=terms.window_days)


# What attribution and commission read of a terms snapshot (``CommissionTerms.of``): only
# these keys travel, not the whole accepted terms.
TERMS_KEYS = (
    "currency",
    "commission_percent",
    "commission_fixed",
    "commission_window_days",
    "commission_holding_days",
    "commission_cap",
)


def _referred(organization_id: int, enrollment_ids: set[int]) -> dict[int, Referred]:
    """The enrollments ``enrollment_ids`` of the org, by id. Not through the ORM: its ordering
    (program and creator names) joined the creators (20 ms), and its rows and whole snapshots
    cost more than the query."""
    quote = connection.ops.quote_name
    terms = ", ".join(f"'{key}', t.snapshot -> '{key}'" for key in TERMS_KEYS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.accepted_at, e.ended_at, p.end_on, e.terms_version_id, "  # noqa: S608
            f"jsonb_build_object({terms}) FROM {quote(Enrollment._meta.db_table)} e "
            f"JOIN {quote(Program._meta.db_table)} p ON p.id = e.program_id "
            f"LEFT JOIN {quote(TermsVersion._meta.db_table)} t ON t.id = e.terms_version_id "
            "WHERE e.organization_id = %s AND e.id = ANY(%s)",
            [organization_id, sorted(enrollment_ids)],
        )
        rows = cursor.fetchall()
    found = {}
    for pk, accepted_at, ended_at, end_on, version_id, raw in rows:
        snapshot = json.loads(raw) if isinstance(raw, str) else raw
        commission = CommissionTerms.of(snapshot) if version_id is not None else None
        found[pk] = Referred(
            enrollment_id=pk,
            accepted_at=accepted_at,
            window_end=None if commission is None else _window_end(ended_at, end_on, commission),
            terms_version_id=version_id,
            terms=commission,
            terms_currency=snapshot.get("currency"),
        )
    return found


def _check(order: OrderIn, referred: Referred, via: str) -> Attribution:
    if referred.terms_version_id is None or referred.accepted_at is None:
        return Attribution(None, "", UnattributedReason.NOT_ENROLLED, referred)
    if order.placed_at < referred.accepted_at:
        return Attribution(None, "", UnattributedReason.BEFORE_ENROLLMENT, referred)
    if referred.window_end is not None and order.placed_at > referred.window_end:
        return Attribution(None, "", UnattributedReason.AFTER_WINDOW, referred)
    return Attribution(referred.enrollment_id, via, "", referred)


def attribute(*, organization_id: int, orders: Iterable[OrderIn]) -> dict[str, Attribution]:
    """{source order id: attribution} for ``orders`` of one org."""
    orders = list(orders)
    link_codes = {o.attribution_id for o in orders if o.attribution_id}
    discount_codes = {o.discount_code for o in orders if o.discount_code}
    links: dict[str, int] = {}
    if link_codes:
        links = dict(
            TrackedLink.objects.filter(organization_id=organization_id, code__in=link_codes)
            .order_by()
            .values_list("code", "enrollment_id")
        )
    codes: dict[str, int] = {}
    if discount_codes:
        codes = dict(
            DiscountCode.objects.filter(
                organization_id=organization_id, code__in=discount_codes, active=True
            )
            .order_by()
            .values_list("code", "enrollment_id")
        )
    ids = {*links.values(), *codes.values()}
    referred = _referred(organization_id, ids) if ids else {}
    # A reference whose enrollment this scope cannot see is as unknown as before (it was joined).
    links = {code: pk for code, pk in links.items() if pk in referred}
    codes = {code: pk for code, pk in codes.items() if pk in referred}
    found = {}
    for order in orders:
        if order.attribution_id in links:
            found[order.source_order_id] = _check(
                order, referred[links[order.attribution_id]], AttributedVia.LINK
            )
        elif order.discount_code in codes:
            found[order.source_order_id] = _check(
                order, referred[codes[order.discount_code]], AttributedVia.CODE
            )
        else:
            reason = (
                UnattributedReason.UNKNOWN_LINK
                if order.attribution_id
                else UnattributedReason.UNKNOWN_CODE
                if order.discount_code
                else UnattributedReason.NO_REFERENCE
            )
            found[order.source_order_id] = Attribution(None, "", reason, None)
    return found
