"""A payment run's preview shows the commission the run earns when it starts: the admin
confirms the total the run then pays, held when the creator is not ready, counted towards the
creator's minimum, and a commission newly due changes the fingerprint."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from commerce.models import Commission
from organizations.roles import Role
from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutReason, PayoutState
from payments.runs import services as runs
from payments.runs.schedule import schedule_for
from payments.runs.selectors import run_preview
from tests.commerce.helpers import Shop, build_shop
from tests.conftest import World, login_client, make_payout, make_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world: World) -> Shop:
    return build_shop(world)


def _due(shop: Shop, order_id: str, net: str) -> None:
    """An attributed order whose holding period is over."""
    shop.order(order_id, net)
    Commission.objects.filter(order__source_order_id=order_id).update(
        pending_until=timezone.now() - timedelta(hours=1)
    )


def _start_and_process(shop: Shop, fingerprint: str) -> PaymentRun:
    membership = shop.world.cast.members[Role.ADMIN]
    run = runs.run_start(
        organization=shop.org, actor=membership.user, membership=membership, fingerprint=fingerprint
    )
    runs.run_process(organization_id=shop.org.pk, run_id=run.pk)
    run.refresh_from_db()
    return run


def _minimum(shop: Shop, amount: str) -> None:
    schedule = schedule_for(organization=shop.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(minimum_amount=Decimal(amount))


def test_the_preview_pays_the_commission_due_and_the_run_pays_exactly_that(shop: Shop) -> None:
    make_ready(shop.world.creator)
    _due(shop, "1", "100.00")  # 10 % + 1.00 = 11.00
    _due(shop, "2", "50.00")  # 6.00
    shop.order("3", "80.00")  # still in its holding period: not in this run
    preview = run_preview(organization=shop.org)
    (row,) = preview.paying
    assert row.payout_id is None and row.amount == Decimal("17.00")
    assert row.enrollment_id == shop.world.enrollment.pk and row.state == PayoutState.EARNED
    assert preview.totals == {"USD": Decimal("17.00")} and preview.count == 1
    run = _start_and_process(shop, preview.fingerprint)
    (paid,) = Payout.objects.filter(run=run)
    assert paid.reason == PayoutReason.COMMISSION and paid.state == PayoutState.PAID
    assert paid.amount == Decimal("17.00")
    assert run.total_count == preview.count
    assert run.totals == {c: str(t) for c, t in preview.totals.items()}


def test_commission_of_a_creator_not_ready_is_previewed_as_held(shop: Shop) -> None:
    _due(shop, "1", "100.00")
    preview = run_preview(organization=shop.org)
    assert preview.paying == [] and preview.totals == {}
    (held,) = preview.held
    assert held.payout_id is None and held.state == PayoutState.ON_HOLD
    assert "tax form" in held.reason or "payout details" in held.reason
    run = _start_and_process(shop, preview.fingerprint)
    assert run.total_count == 0
    payout = Payout.objects.get(reason=PayoutReason.COMMISSION)
    assert payout.state == PayoutState.ON_HOLD and payout.hold_reason == held.reason


def test_commission_counts_towards_the_minimum_as_the_run_counts_it(shop: Shop) -> None:
    make_ready(shop.world.creator)
    _minimum(shop, "50.00")
    fee = make_payout(shop.world, "45.00", "fee")
    alone = run_preview(organization=shop.org)
    assert alone.paying == [] and [c.payout_id for c in alone.carried] == [fee.pk]
    _due(shop, "1", "100.00")  # 11.00: with the 45.00, over the minimum
    preview = run_preview(organization=shop.org)
    assert {(p.payout_id, p.amount) for p in preview.paying} == {
        (fee.pk, Decimal("45.00")),
        (None, Decimal("11.00")),
    }
    assert preview.carried == [] and preview.totals == {fee.currency: Decimal("56.00")}
    assert preview.fingerprint != alone.fingerprint
    run = _start_and_process(shop, preview.fingerprint)
    assert sorted(Payout.objects.filter(run=run).values_list("amount", flat=True)) == [
        Decimal("11.00"),
        Decimal("45.00"),
    ]
    assert run.totals == {c: str(t) for c, t in preview.totals.items()}


def test_commission_alone_below_the_minimum_is_carried_with_the_reason(shop: Shop) -> None:
    make_ready(shop.world.creator)
    _minimum(shop, "50.00")
    _due(shop, "1", "100.00")
    (carried,) = run_preview(organization=shop.org).carried
    assert carried.payout_id is None and "Below the minimum" in carried.reason
    assert "11.00" in carried.reason


def test_a_commission_newly_due_makes_a_confirmed_preview_stale(shop: Shop) -> None:
    make_ready(shop.world.creator)
    _due(shop, "1", "100.00")
    old = run_preview(organization=shop.org)
    assert run_preview(organization=shop.org).fingerprint == old.fingerprint  # stable
    _due(shop, "2", "50.00")
    membership = shop.world.cast.members[Role.ADMIN]
    with pytest.raises(runs.StalePreview):
        runs.run_start(
            organization=shop.org,
            actor=membership.user,
            membership=membership,
            fingerprint=old.fingerprint,
        )
    assert not PaymentRun.objects.exists()


def test_the_preview_page_names_the_new_payout_without_a_link(shop: Shop) -> None:
    make_ready(shop.world.creator)
    _due(shop, "1", "100.00")
    admin = login_client(shop.world.cast.members[Role.ADMIN].user)
    page = admin.get(f"/orgs/{shop.org.slug}/payments/runs/preview/")
    assert page.status_code == 200
    body: Any = " ".join(page.content.decode().split())
    assert "New: recorded when the run starts" in body
    assert "/payouts/None/" not in body and "#None" not in body
    # The API's preview has the same total.
    api = admin.get(f"/api/v1/orgs/{shop.org.slug}/payment-runs/preview/").json()
    assert api["count"] == 1 and api["totals"] == {"USD": "11.00"}
