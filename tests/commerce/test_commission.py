"""Commission through the ledger: earned once per enrollment per run, reversed inside the
holding period, clawed back after payment (org setting), never a negative payout."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce.commission.services import CLAWBACK_ACCOUNT, settings_for
from commerce.models import CommerceSettings, Commission, CommissionState
from influencer_ops.models import AuditEvent
from payments import ledger
from payments.figures.checks import MONEY_FLOW_CHECKS, figures_violations
from payments.models import Payout, PayoutReason, PayoutState
from tests.commerce.helpers import Shop, build_shop
from tests.conftest import World, make_ready
from tests.factories import PaymentRunFactory
from tests.helpers import captured_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world: World) -> Shop:
    made = build_shop(world)
    make_ready(world.creator)
    return made


def _balances(shop: Shop) -> dict[tuple[str, str], Decimal]:
    return {k: v for k, v in ledger.ledger_balances(organization_id=shop.org.pk).items() if v}


def _pay(payout: Payout) -> Payout:
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        payout = ledger.payout_move(payout=payout, target=target)
    return payout


def _clawbacks(shop: Shop, on: bool) -> None:
    settings_for(organization_id=shop.org.pk)
    CommerceSettings.objects.filter(organization=shop.org).update(clawback_commissions=on)


def test_pending_commission_has_no_ledger_entry_and_is_not_due_before_the_holding_period(
    shop: Shop,
) -> None:
    shop.order("1", "100.00")
    assert _balances(shop) == {}
    assert shop.earn(days=13) == []
    assert Commission.objects.get().state == CommissionState.PENDING


def test_due_commissions_become_one_payout_per_enrollment_through_the_ledger(shop: Shop) -> None:
    shop.order("1", "100.00")  # 11.00
    shop.order("2", "50.00")  # 6.00
    (payout,) = shop.earn()
    assert payout.reason == PayoutReason.COMMISSION and payout.amount == Decimal("17.00")
    assert payout.state == PayoutState.EARNED
    assert set(Commission.objects.values_list("state", "payout_id")) == {
        (CommissionState.EARNED, payout.pk)
    }
    assert _balances(shop) == {
        ("expense", "USD"): Decimal("17.00"),
        ("payable:earned", "USD"): Decimal("-17.00"),
    }
    assert AuditEvent.objects.filter(verb="commission.earned").count() == 2
    assert AuditEvent.objects.filter(verb="payout.earned", target_id=str(payout.pk)).exists()
    # Earning again finds nothing: paid once.
    assert shop.earn() == []
    assert figures_violations(organization=shop.org) == []


def test_a_refund_inside_the_holding_period_reverses_or_reduces_it(shop: Shop) -> None:
    shop.order("1", "100.00", gross="100.00")
    shop.order("2", "100.00", gross="100.00")
    shop.refund("1", "r1", "100.00")
    shop.refund("2", "r1", "50.00")
    full = Commission.objects.get(order__source_order_id="1")
    half = Commission.objects.get(order__source_order_id="2")
    assert full.state == CommissionState.REVERSED and "refunded in full" in full.reversal_reason
    # 10 % of the 50.00 left + the fixed 1.00 (the order is not refunded in full)
    assert half.state == CommissionState.PENDING and half.amount == Decimal("6.00")
    assert AuditEvent.objects.filter(verb="commission.reversed").count() == 1
    (payout,) = shop.earn()
    assert payout.amount == Decimal("6.00")
    assert _balances(shop)[("expense", "USD")] == Decimal("6.00")


def test_a_refund_after_payment_with_clawbacks_off_changes_nothing(shop: Shop) -> None:
    shop.order("1", "100.00")
    (payout,) = shop.earn()
    _pay(payout)
    before = _balances(shop)
    shop.refund("1", "r1", "100.00")
    commission = Commission.objects.get()
    assert commission.state == CommissionState.EARNED and commission.clawback_amount == 0
    assert _balances(shop) == before


def test_a_refund_after_payment_with_clawbacks_on_is_taken_off_the_next_payout(
    shop: Shop,
) -> None:
    _clawbacks(shop, on=True)
    shop.order("1", "100.00")  # 11.00
    (first,) = shop.earn()
    _pay(first)
    shop.refund("1", "r1", "100.00")
    clawed = Commission.objects.get(order__source_order_id="1")
    assert clawed.state == CommissionState.CLAWED_BACK
    assert clawed.clawback_amount == Decimal("11.00")
    assert _balances(shop)[(CLAWBACK_ACCOUNT, "USD")] == Decimal("11.00")
    assert figures_violations(organization=shop.org, checks=MONEY_FLOW_CHECKS) == []
    # The next commission (5.00 + 1.00 = 6.00) is smaller than the clawback: no payout, never
    # a negative one; the clawback waits.
    shop.order("2", "50.00")
    assert shop.earn(days=30) == []
    assert Commission.objects.get(order__source_order_id="2").state == CommissionState.PENDING
    # More commission due: 6.00 + 21.00 = 27.00 - 11.00 = 16.00
    shop.order("3", "200.00")
    (second,) = shop.earn(days=30)
    assert second.amount == Decimal("16.00")
    clawed.refresh_from_db()
    assert clawed.clawbacks.get().settled_payout_id == second.pk
    balances = _balances(shop)
    assert (CLAWBACK_ACCOUNT, "USD") not in balances
    assert balances[("expense", "USD")] == Decimal("27.00")  # 11 paid + 16 due
    assert figures_violations(organization=shop.org, checks=MONEY_FLOW_CHECKS) == []


def test_a_second_refund_after_a_settled_clawback_is_clawed_back_too(shop: Shop) -> None:
    _clawbacks(shop, on=True)
    shop.order("1", "100.00")  # 11.00
    (first,) = shop.earn(days=15)
    _pay(first)
    shop.refund("1", "r1", "50.00")  # worth 5.00 + 1.00 now: 5.00 clawed back
    shop.order("2", "100.00")  # 11.00, less the 5.00
    (second,) = shop.earn(days=45)
    assert second.amount == Decimal("6.00")
    _pay(second)
    shop.refund("1", "r2", "50.00")  # refunded in full: the 6.00 left is clawed back as well
    clawed = Commission.objects.get(order__source_order_id="1")
    assert clawed.state == CommissionState.CLAWED_BACK
    assert clawed.clawback_amount == Decimal("11.00")
    assert _balances(shop)[(CLAWBACK_ACCOUNT, "USD")] == Decimal("6.00")
    shop.order("3", "200.00")  # 21.00, less the 6.00
    (third,) = shop.earn(days=80)
    assert third.amount == Decimal("15.00")
    assert [(c.amount, c.settled_payout_id) for c in clawed.clawbacks.order_by("pk")] == [
        (Decimal("5.00"), second.pk),
        (Decimal("6.00"), third.pk),
    ]
    assert (CLAWBACK_ACCOUNT, "USD") not in _balances(shop)
    assert figures_violations(organization=shop.org, checks=MONEY_FLOW_CHECKS) == []
    assert figures_violations(organization=shop.org) == []


def test_earning_costs_the_same_queries_for_few_or_many_commissions(shop: Shop) -> None:
    for n in range(2):
        shop.order(f"few{n}", "10.00")
    shop.earn(
        days=15, run=PaymentRunFactory(organization=shop.org)
    )  # warms the schedule and the session
    for n in range(2):
        shop.order(f"a{n}", "10.00")
    few_payouts, few = captured_queries(
        lambda: shop.earn(days=30, run=PaymentRunFactory(organization=shop.org))
    )
    for n in range(40):
        shop.order(f"b{n}", "10.00")
    shop.world.other_enrollment.refresh_from_db()
    many_payouts, many = captured_queries(
        lambda: shop.earn(days=45, run=PaymentRunFactory(organization=shop.org))
    )
    assert len(few_payouts) == len(many_payouts) == 1
    assert many_payouts[0].amount == Decimal("80.00")
    assert len(few) == len(many)
