"""A program paying commission: 10 % of the net value + 1.00 per order, 30-day window,
14-day holding period, in USD; the world's creator accepted it and has a tracked link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commerce.commission.earning import commissions_earn
from commerce.models import Order
from commerce.orders import services as orders
from commerce.orders.inputs import OrderIn, RefundIn
from programs.models import Program
from tests.conftest import World, confirm_and_launch
from tests.factories import TermsVersionFactory, TrackedLinkFactory
from tracking.models import TrackedLink


@dataclass
class Shop:
    world: World
    link: Any

    @property
    def org(self) -> Any:
        return self.world.cast.org

    def order(
        self,
        order_id: str,
        net: str = "100.00",
        *,
        gross: str | None = None,
        placed_at: datetime | None = None,
        currency: str = "USD",
        ref: str | None = None,
        code: str = "",
        source: str = "api",
    ) -> Order:
        item = OrderIn(
            order_id,
            placed_at or timezone.now(),
            currency,
            Decimal(gross or net),
            Decimal(net),
            code,
            self.link.code if ref is None else ref,
        )
        result = orders.orders_receive(organization=self.org, source=source, orders=[item])
        return result.all[0]

    def refund(
        self, order_id: str, refund_id: str, amount: str, source: str = "api"
    ) -> orders.Received:
        item = RefundIn(order_id, refund_id, Decimal(amount), timezone.now())
        return orders.refunds_receive(organization=self.org, source=source, refunds=[item])

    def earn(self, days: int = 15, run: Any = None) -> list[Any]:
        return commissions_earn(self.org, run, now=timezone.now() + timedelta(days=days))


def commission_terms(world: World, **fields: Any) -> None:
    values = {
        "commission_percent": Decimal("10.00"),
        "commission_fixed": Decimal("1.00"),
        "commission_window_days": 30,
        "commission_holding_days": 14,
        "currency": "USD",
        **fields,
    }
    Program.objects.filter(pk=world.program.pk).update(**values)
    world.program.refresh_from_db()


def build_shop(world: World, **fields: Any) -> Shop:
    commission_terms(world, **fields)
    confirm_and_launch(world)
    TermsVersionFactory(enrollment=world.enrollment)  # the accepted terms, with commission
    world.enrollment.refresh_from_db()
    link = TrackedLink.objects.filter(enrollment=world.enrollment).first()
    if link is None:
        link = TrackedLinkFactory(enrollment=world.enrollment)
    return Shop(world, link)
