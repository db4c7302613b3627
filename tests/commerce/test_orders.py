"""Orders in: attribution, idempotency and every refusal; commission pending with them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from commerce.models import Commission, CommissionState, Order, UnattributedReason
from commerce.orders import services as orders
from commerce.orders.inputs import OrderIn, OrdersInvalid, clean_batch, clean_order, clean_refund
from influencer_ops.errors import Conflict, NotFound
from programs.models import Enrollment
from tests.commerce.helpers import Shop, build_shop
from tests.conftest import World
from tests.factories import DiscountCodeFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world: World) -> Shop:
    return build_shop(world)


def test_an_order_with_the_link_id_is_attributed_and_earns_pending_commission(shop: Shop) -> None:
    order = shop.order("1001", "200.00", gross="240.00")
    assert order.enrollment == shop.world.enrollment and order.attributed_via == "link"
    commission = Commission.objects.get(order=order)
    # 10 % of the net value 200.00 + 1.00 fixed
    assert commission.amount == Decimal("21.00") and commission.state == CommissionState.PENDING
    assert commission.pending_until == order.placed_at + timedelta(days=14)


def test_a_discount_code_attributes_too_and_codes_are_unique_per_org(shop: Shop) -> None:
    DiscountCodeFactory(enrollment=shop.world.enrollment, code="CARA10")
    order = shop.order("1002", ref="", code="CARA10")
    assert order.enrollment == shop.world.enrollment and order.attributed_via == "code"
    with pytest.raises(Exception):  # noqa: B017,PT011  (the database's unique constraint)
        DiscountCodeFactory(enrollment=shop.world.other_enrollment, code="CARA10")


@pytest.mark.parametrize(
    ("ref", "code", "reason"),
    [
        ("nope", "", UnattributedReason.UNKNOWN_LINK),
        ("", "NOPE", UnattributedReason.UNKNOWN_CODE),
        ("", "", UnattributedReason.NO_REFERENCE),
    ],
)
def test_an_unknown_reference_is_stored_unattributed_with_the_reason(
    shop: Shop, ref: str, code: str, reason: str
) -> None:
    order = shop.order("u1", ref=ref, code=code)
    assert order.pk and order.enrollment is None and order.unattributed_reason == reason
    assert not Commission.objects.filter(order=order).exists()


def test_an_inactive_code_attributes_nothing(shop: Shop) -> None:
    DiscountCodeFactory(enrollment=shop.world.enrollment, code="OLD", active=False)
    order = shop.order("i1", ref="", code="OLD")
    assert order.unattributed_reason == UnattributedReason.UNKNOWN_CODE


def test_an_order_before_the_enrollment_is_stored_not_attributed(shop: Shop) -> None:
    accepted = shop.world.enrollment.accepted_at
    order = shop.order("b1", placed_at=accepted - timedelta(hours=1))
    assert order.enrollment is None
    assert order.unattributed_reason == UnattributedReason.BEFORE_ENROLLMENT
    assert order.referred_enrollment == shop.world.enrollment


def test_an_order_after_the_window_is_stored_not_attributed(shop: Shop) -> None:
    ended = timezone.now() - timedelta(days=40)
    Enrollment.objects.filter(pk=shop.world.enrollment.pk).update(
        ended_at=ended, accepted_at=ended - timedelta(days=10)
    )
    late = shop.order("w1", placed_at=ended + timedelta(days=31))
    inside = shop.order("w2", placed_at=ended + timedelta(days=29))
    assert late.unattributed_reason == UnattributedReason.AFTER_WINDOW and late.enrollment is None
    assert inside.enrollment_id == shop.world.enrollment.pk


def test_another_currency_is_kept_flagged_without_commission(shop: Shop) -> None:
    order = shop.order("c1", currency="EUR")
    assert order.currency == "EUR" and order.currency_mismatch
    assert order.enrollment == shop.world.enrollment
    assert not Commission.objects.filter(order=order).exists()


def test_the_cap_limits_the_commission_of_an_enrollment(world: World) -> None:
    shop = build_shop(world, commission_cap=Decimal("30.00"))
    first = shop.order("k1", "200.00")  # 21.00
    second = shop.order("k2", "200.00")  # 21.00, but only 9.00 left under the cap
    third = shop.order("k3", "200.00")  # nothing left
    assert Commission.objects.get(order=first).amount == Decimal("21.00")
    assert Commission.objects.get(order=second).amount == Decimal("9.00")
    assert not Commission.objects.filter(order=third).exists()


def test_terms_without_commission_attribute_but_pay_nothing(world: World) -> None:
    shop = build_shop(world, commission_percent=None, commission_fixed=None)
    order = shop.order("n1")
    assert order.enrollment is not None
    assert not Commission.objects.filter(order=order).exists()


# --- idempotency ---


def test_the_same_order_again_is_idempotent(shop: Shop) -> None:
    first = shop.order("d1", "50.00")
    again = shop.order("d1", "50.00", placed_at=first.placed_at)
    assert again.pk == first.pk
    assert Order.objects.filter(source_order_id="d1").count() == 1
    assert Commission.objects.filter(order=first).count() == 1


def test_the_same_id_with_other_content_is_a_conflict_and_stores_nothing(shop: Shop) -> None:
    first = shop.order("d2", "50.00")
    batch = [
        OrderIn("d3", timezone.now(), "USD", Decimal(5), Decimal(5), "", ""),
        OrderIn("d2", first.placed_at, "USD", Decimal(60), Decimal(60), "", shop.link.code),
    ]
    with pytest.raises(Conflict) as refused:
        orders.orders_receive(organization=shop.org, source="api", orders=batch)
    assert refused.value.status_code == 409
    assert not Order.objects.filter(source_order_id="d3").exists()


def test_the_same_id_from_another_source_is_another_order(shop: Shop) -> None:
    a = shop.order("s1", source="api")
    b = shop.order("s1", source="csv")
    assert a.pk != b.pk


# --- refusals of values ---


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("gross_value", "-1"),
        ("gross_value", "abc"),
        ("gross_value", "NaN"),
        ("gross_value", "1.234"),
        ("gross_value", True),
        ("net_value", "-0.01"),
        ("currency", "EURO"),
        ("placed_at", "yesterday"),
        ("placed_at", "2999-01-01T00:00:00Z"),
        ("id", ""),
    ],
)
def test_bad_values_are_refused(field: str, value: Any) -> None:
    raw = {"id": "x", "placed_at": "2026-01-02T10:00:00Z", "currency": "USD", "gross_value": "10"}
    order, errors = clean_order({**raw, field: value})
    assert order is None and field in errors


def test_a_batch_is_all_or_nothing_and_names_each_refused_item() -> None:
    good = {"id": "1", "placed_at": "2026-01-02", "currency": "usd", "gross_value": 10}
    with pytest.raises(OrdersInvalid) as refused:
        clean_batch([good, {**good, "gross_value": "-5"}, {**good, "bogus": 1}], clean_order)
    assert set(refused.value.errors) == {1, 2} and refused.value.status_code == 400
    with pytest.raises(OrdersInvalid):
        clean_batch([good] * 501, clean_order)
    (order,) = clean_batch(good, clean_order)
    assert order.currency == "USD" and order.net_value == Decimal("10.00")


def test_a_refund_must_be_positive() -> None:
    refund, errors = clean_refund(
        {"order_id": "1", "id": "r", "amount": "0", "refunded_at": "2026-01-02"}
    )
    assert refund is None and "amount" in errors


# --- refunds ---


def test_a_refund_larger_than_its_order_is_refused_cumulatively(shop: Shop) -> None:
    shop.order("r1", "100.00", gross="120.00")
    shop.refund("r1", "a", "100.00")
    with pytest.raises(orders.RefundTooLarge) as refused:
        shop.refund("r1", "b", "20.01")
    assert refused.value.status_code == 400
    assert Order.objects.get(source_order_id="r1").refunded_value == Decimal("100.00")


def test_a_refund_of_an_unknown_order_is_404(shop: Shop) -> None:
    with pytest.raises(NotFound):
        shop.refund("missing", "a", "1.00")


def test_a_refund_replayed_is_idempotent_and_different_content_conflicts(shop: Shop) -> None:
    shop.order("r2", "100.00")
    first = shop.refund("r2", "a", "10.00")
    assert len(first.created) == 1
    item = first.created[0]
    again = orders.refunds_receive(
        organization=shop.org,
        source="api",
        refunds=[orders.RefundIn("r2", "a", Decimal("10.00"), item.refunded_at)],
    )
    assert again.created == [] and len(again.unchanged) == 1
    with pytest.raises(Conflict):
        shop.refund("r2", "a", "11.00")
    assert Order.objects.get(source_order_id="r2").refunded_value == Decimal("10.00")


def test_receiving_a_batch_costs_the_same_queries_whatever_its_size(shop: Shop) -> None:
    DiscountCodeFactory(enrollment=shop.world.enrollment, code="BULK")
    counter = iter(range(10_000))
    size = [2]

    def receive() -> None:
        items = [
            OrderIn(
                f"q{next(counter)}",
                timezone.now(),
                "USD",
                Decimal(10),
                Decimal(10),
                "BULK" if i % 2 else "",
                shop.link.code if i % 3 else "",
            )
            for i in range(size[0])
        ]
        orders.orders_receive(organization=shop.org, source="api", orders=items)

    def grow() -> None:
        size[0] = 40

    assert_constant_queries(receive, grow=grow)
    assert Commission.objects.filter(enrollment=shop.world.enrollment).count() > 30
