"""Commission in the demo: Holiday Gifts pays 10 % of each attributed order's net value plus
1.00 per order (held 14 days for refunds, orders count until 30 days after the end, up to
300.00 per creator). Its orders arrive through Northwind's Shopify webhook, signed with the
org's secret and posted through the real view: Cara's through her tracked link (the ``io_ref``
in the landing page), Maya's with her discount code; Maya's is refunded in full during the
holding period (its commission is reversed), one order comes after the window and one with an
unknown code (both stored, not attributed). The monthly payment run then earns Cara's
commission into one payout and pays it, once."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.test import RequestFactory
from django.utils import timezone

from commerce import services as commerce
from commerce.commission.services import settings_for
from commerce.shopify import sign
from commerce.webhook import shopify_webhook
from influencer_ops.tenancy import dangerously_unscoped
from tracking.models import TrackedLink

if TYPE_CHECKING:
    from demo.history import History

COMMISSION_PROGRAMS = ("Holiday Gifts",)
COMMISSION_TERMS = {
    "commission_percent": Decimal("10.00"),
    "commission_fixed": Decimal("1.00"),
    "commission_window_days": 30,
    "commission_holding_days": 14,
    "commission_cap": Decimal("300.00"),
}
PROGRAM = "Holiday Gifts"  # 20 days long; launched ``History.holiday_gifts_launched`` ago
MAYA_CODE = "MAYA-HOLIDAY"


def post(history: History, topic: str, payload: dict[str, Any]) -> int:
    """Sign ``payload`` with the org's secret and post it to the webhook view, as Shopify
    would (the view narrows the database scope to the org; the block restores it)."""
    organization = history.north
    body = json.dumps(payload).encode()
    secret = settings_for(organization_id=organization.pk).shopify_secret
    request = RequestFactory().post(
        f"/hooks/shopify/{organization.slug}/{topic}",
        data=body,
        content_type="application/json",
        headers={"X-Shopify-Hmac-Sha256": sign(secret, body)},
    )
    with dangerously_unscoped():
        response = shopify_webhook(request, org_slug=organization.slug, topic=topic)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"The demo's {topic} webhook answered {response.status_code}.")
    return response.status_code


def _order(number: int, net: str, **where: Any) -> dict[str, Any]:
    gross = str(Decimal(net) * Decimal("1.2"))
    return {
        "id": 4_200_000 + number,
        "created_at": timezone.now().isoformat(),
        "currency": "USD",
        "total_price": f"{Decimal(gross):.2f}",
        "subtotal_price": net,
        "discount_codes": [],
        "note_attributes": [],
        "landing_site": "/",
        **where,
    }


def schedule(history: History) -> None:
    def codes() -> None:
        settings_for(organization_id=history.north.pk)  # the webhook's secret
        maya = history.enrollment(PROGRAM, "maya@demo.test")
        commerce.discount_code_add(enrollment=maya, code=MAYA_CODE, actor=history.bsm)

    def cara_order(number: int, net: str) -> Any:
        def run() -> None:
            link = TrackedLink.objects.get(
                enrollment=history.enrollment(PROGRAM, "creator@demo.test")
            )
            landing = f"/products/gift-box?utm_source=influencer&io_ref={link.code}"
            post(history, "orders", _order(number, net, landing_site=landing))

        return run

    def maya_order() -> None:
        code = [{"code": MAYA_CODE, "amount": "5.00", "type": "fixed_amount"}]
        post(history, "orders", _order(2, "80.00", discount_codes=code))

    def maya_refund() -> None:
        refund = {
            "id": 9_100_001,
            "order_id": 4_200_002,
            "created_at": timezone.now().isoformat(),
            "transactions": [{"kind": "refund", "status": "success", "amount": "96.00"}],
        }
        post(history, "refunds", refund)

    launched = history.holiday_gifts_launched()  # the days below count from the launch
    history.on(launched - 1, codes)
    history.on(launched - 5, cara_order(1, "100.00"))
    history.on(launched - 6, maya_order)
    history.on(launched - 8, cara_order(3, "60.00"))
    history.on(launched - 10, maya_refund)  # inside the 14-day holding period: reversed
    history.on(
        launched - 14,
        lambda: post(history, "orders", _order(4, "45.00", discount_codes=[{"code": "WINTER99"}])),
    )
    # 40 days after the end: after the window (the launch is at least 64 days ago).
    history.on(launched - 60, cara_order(5, "70.00"))
