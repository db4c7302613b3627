"""Which enrollment an order belongs to: its attribution id (a tracked link's code, handed to
the shop by the redirect as ``io_ref``) first, else its discount code.

An order is attributed when the reference is known and active, the creator had accepted terms
before the order was placed, and it was placed no later than the terms' attribution window
after the collaboration ended (``ended_at``, else the program's end date; while neither is set
the window is open). Otherwise it is stored unattributed with the reason. Two queries for a
whole batch, whatever its size."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from commerce.commission.terms import CommissionTerms
from commerce.models import AttributedVia, DiscountCode, UnattributedReason
from commerce.orders.inputs import OrderIn
from programs.models import Enrollment
from tracking.models import TrackedLink

ENROLLMENT_RELATED = ("enrollment__program", "enrollment__terms_version")


@dataclass(frozen=True)
class Attribution:
    enrollment: Enrollment | None  # attributed to
    via: str
    reason: str
    referred: Enrollment | None  # what the reference pointed at, attributed or not


def _window_end(enrollment: Enrollment, terms: CommissionTerms) -> datetime | None:
    end = enrollment.ended_at
    if end is None and enrollment.program.end_on is not None:
        end = datetime.combine(enrollment.program.end_on, time.max, tzinfo=UTC)
    return None if end is None else end + timedelta(days=terms.window_days)


def _check(order: OrderIn, enrollment: Enrollment, via: str) -> Attribution:
    terms_version = enrollment.terms_version
    if terms_version is None or enrollment.accepted_at is None:
        return Attribution(None, "", UnattributedReason.NOT_ENROLLED, enrollment)
    if order.placed_at < enrollment.accepted_at:
        return Attribution(None, "", UnattributedReason.BEFORE_ENROLLMENT, enrollment)
    end = _window_end(enrollment, CommissionTerms.of(terms_version.snapshot))
    if end is not None and order.placed_at > end:
        return Attribution(None, "", UnattributedReason.AFTER_WINDOW, enrollment)
    return Attribution(enrollment, via, "", enrollment)


def attribute(*, organization_id: int, orders: Iterable[OrderIn]) -> dict[str, Attribution]:
    """{source order id: attribution} for ``orders`` of one org."""
    orders = list(orders)
    link_codes = {o.attribution_id for o in orders if o.attribution_id}
    discount_codes = {o.discount_code for o in orders if o.discount_code}
    links: dict[str, Any] = {}
    if link_codes:
        links = {
            link.code: link.enrollment
            for link in TrackedLink.objects.filter(
                organization_id=organization_id, code__in=link_codes
            ).select_related(*ENROLLMENT_RELATED)
        }
    codes: dict[str, Any] = {}
    if discount_codes:
        codes = {
            code.code: code.enrollment
            for code in DiscountCode.objects.filter(
                organization_id=organization_id, code__in=discount_codes, active=True
            ).select_related(*ENROLLMENT_RELATED)
        }
    found = {}
    for order in orders:
        if order.attribution_id in links:
            found[order.source_order_id] = _check(
                order, links[order.attribution_id], AttributedVia.LINK
            )
        elif order.discount_code in codes:
            found[order.source_order_id] = _check(
                order, codes[order.discount_code], AttributedVia.CODE
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
