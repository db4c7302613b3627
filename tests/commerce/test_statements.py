"""Order statements: the creator sees every order attributed to them with its commission and
state (portal and /api/v1/me/orders/), staff the same per creator; paged, constant queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from commerce.models import CommissionState, Order
from commerce.statements import selectors
from organizations.roles import Role
from payments.models import Payout, PayoutState
from tests.conftest import World, login_client, make_payout
from tests.factories import CommissionFactory, OrderFactory
from tests.helpers import assert_constant_queries


def commission(world: World, **fields: Any) -> Any:
    order_fields = fields.pop("order_fields", {})
    made = CommissionFactory(organization=world.cast.org, enrollment=world.enrollment, **fields)
    if order_fields:
        Order.objects.filter(pk=made.order_id).update(**order_fields)
    return made


@pytest.fixture
def statement(world: World) -> dict[str, Any]:
    """One order in each state."""
    pending = commission(world, amount=Decimal("12.00"))
    reversed_ = commission(
        world,
        amount=Decimal("5.00"),
        state=CommissionState.REVERSED,
        reversal_reason="Refunded in full on Dec 1",
        order_fields={"refunded_value": Decimal("120.00")},
    )
    payout = make_payout(world, key="commission-1", reason="commission")
    earned = commission(world, amount=Decimal("8.00"), state=CommissionState.EARNED, payout=payout)
    paid_payout = make_payout(world, key="commission-2", reason="commission")
    Payout.objects.filter(pk=paid_payout.pk).update(
        state=PayoutState.PAID, paid_at=timezone.now() - timedelta(days=2)
    )
    paid = commission(
        world, amount=Decimal("20.00"), state=CommissionState.EARNED, payout=paid_payout
    )
    mismatch = OrderFactory(
        organization=world.cast.org,
        enrollment=world.enrollment,
        attributed_via="code",
        unattributed_reason="",
        currency="EUR",
        currency_mismatch=True,
    )
    OrderFactory(organization=world.cast.org)  # unattributed: nobody's
    return {
        "pending": pending,
        "reversed": reversed_,
        "earned": earned,
        "paid": paid,
        "mismatch": mismatch,
    }


def test_each_orders_state_reads_as_people_say_it(world: World, statement: dict[str, Any]) -> None:
    lines = {
        line.order.pk: line
        for line in map(selectors.order_line, selectors.creator_orders(user=world.creator.user))
    }
    assert len(lines) == 5  # the unattributed order is not the creator's
    pending = lines[statement["pending"].order_id]
    assert (pending.state, pending.pending_until) == ("pending", statement["pending"].pending_until)
    reversed_ = lines[statement["reversed"].order_id]
    assert (reversed_.state, reversed_.detail) == ("reversed", "Refunded in full on Dec 1")
    assert lines[statement["earned"].order_id].state == "earned"
    paid = lines[statement["paid"].order_id]
    assert paid.state == "paid" and paid.paid_at is not None
    mismatch = lines[statement["mismatch"].pk]
    assert mismatch.state == "no_commission"
    assert "EUR" in mismatch.detail


def test_totals_add_up_per_currency(world: World, statement: dict[str, Any]) -> None:
    totals = selectors.order_totals(orders=selectors.creator_orders(user=world.creator.user))
    by_currency = {t.currency: t for t in totals}
    usd = by_currency[statement["pending"].currency]
    assert usd.orders == 4
    assert usd.pending == Decimal("12.00")
    assert usd.earned == Decimal("28.00")
    assert usd.paid == Decimal("20.00")
    assert usd.awaiting_payment == Decimal("8.00")
    assert usd.reversed == 1
    assert usd.refunded == Decimal("120.00")
    assert by_currency["EUR"].orders == 1


def test_the_portal_page_lists_every_order_with_its_state(
    world: World, statement: dict[str, Any]
) -> None:
    page = world.creator_client().get("/portal/orders/")
    assert page.status_code == 200
    text = page.content.decode()
    for state in ("pending", "earned", "paid", "reversed", "no_commission"):
        assert f'data-state="{state}"' in text
    assert "Refunded in full on Dec 1" in text
    assert "until" in text
    assert 'data-earned="28.00"' in text
    home = world.creator_client().get("/portal/").content.decode()
    assert 'href="/portal/orders/"' in home


def test_another_creator_sees_none_of_these_orders(world: World, statement: dict[str, Any]) -> None:
    page = world.creator_client("other_creator").get("/portal/orders/")
    assert page.status_code == 200
    assert b"data-order=" not in page.content
    answer = world.creator_client("other_creator").get("/api/v1/me/orders/")
    assert answer.json()["count"] == 0


def test_staff_see_the_same_per_creator_and_per_enrollment(
    world: World, statement: dict[str, Any]
) -> None:
    client = world.cast.client_for(Role.BSM)
    url = f"/orgs/northwind/creators/{world.creator.pk}/orders/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b"data-order=") == 5
    one = client.get(f"{url}?enrollment={world.enrollment.pk}")
    assert one.content.count(b"data-order=") == 5
    other = client.get(f"{url}?enrollment={world.other_enrollment.pk}")
    assert other.status_code == 404  # not this creator's enrollment
    detail = client.get(f"/orgs/northwind/creators/{world.creator.pk}/").content.decode()
    assert f'href="{url}"' in detail
    hub = client.get(f"/orgs/northwind/enrollments/{world.enrollment.pk}/").content.decode()
    assert f"{url}?enrollment={world.enrollment.pk}" in hub


def test_staff_pages_refuse_who_may_not_see_money_and_outsiders(
    world: World, statement: dict[str, Any]
) -> None:
    url = f"/orgs/northwind/creators/{world.creator.pk}/orders/"
    assert world.cast.client_for(Role.ANALYST).get(url).status_code == 403
    assert login_client(world.cast.outsider.user).get(url).status_code == 404
    api = f"/api/v1/orgs/northwind/creators/{world.creator.pk}/orders/"
    assert world.cast.client_for(Role.ANALYST).get(api).status_code == 403
    assert login_client(world.cast.outsider.user).get(api).status_code == 404
    assert world.cast.client_for(Role.ADMIN).get(api).json()["count"] == 5


def test_the_api_answers_each_order_with_its_commission(
    world: World, statement: dict[str, Any]
) -> None:
    rows = world.creator_client().get("/api/v1/me/orders/").json()["results"]
    by_id = {row["id"]: row for row in rows}
    reversed_ = by_id[statement["reversed"].order_id]
    assert reversed_["state"] == "reversed"
    assert reversed_["commission"] == "5.00"
    assert reversed_["detail"] == "Refunded in full on Dec 1"
    assert reversed_["refunded_value"] == "120.00"
    assert by_id[statement["mismatch"].pk]["commission"] is None
    assert by_id[statement["paid"].order_id]["paid_at"] is not None
    assert world.cast.client_for(Role.ISM).get("/api/v1/me/orders/").status_code == 403


def grow(world: World) -> None:
    for _ in range(6):
        payout = make_payout(world, key=f"grow-{Order.objects.count()}", reason="commission")
        commission(world, state=CommissionState.EARNED, payout=payout)
        commission(world)


def test_pages_and_api_take_constant_queries(world: World, statement: dict[str, Any]) -> None:
    creator = world.creator_client()
    staff = world.cast.client_for(Role.ADMIN)
    urls = [
        (creator, "/portal/orders/"),
        (creator, "/api/v1/me/orders/"),
        (staff, f"/orgs/northwind/creators/{world.creator.pk}/orders/"),
        (staff, f"/api/v1/orgs/northwind/creators/{world.creator.pk}/orders/"),
    ]
    for client, url in urls:
        assert_constant_queries(lambda c=client, u=url: c.get(u), grow=lambda: grow(world))


def test_a_long_statement_is_paged(world: World) -> None:
    for _ in range(55):
        commission(world)
    first = world.creator_client().get("/portal/orders/")
    assert first.content.count(b"data-order=") == 50
    assert b"Page 1 of 2" in first.content
    second = world.creator_client().get("/portal/orders/?page=2")
    assert second.content.count(b"data-order=") == 5
