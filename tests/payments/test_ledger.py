"""The payout state machine and its ledger: balanced per currency, append-only, one mover."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from influencer_ops.errors import Conflict
from influencer_ops.models import AuditEvent
from payments import ledger
from payments.models import LedgerEntry, LedgerTransaction, Payout, PayoutState
from tests.conftest import World, confirm_and_launch, make_payout


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def test_earning_writes_a_balanced_transaction_and_an_audit_event(launched: World) -> None:
    payout = make_payout(launched)
    tx = LedgerTransaction.objects.get(payout=payout)
    entries = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction=tx)}
    assert entries == {"expense": Decimal("100.00"), "payable:earned": Decimal("-100.00")}
    assert AuditEvent.objects.filter(verb="payout.earned", target_id=str(payout.pk)).exists()


def test_moves_follow_the_table_and_balances_mirror_the_states(launched: World) -> None:
    payout = make_payout(launched)
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        payout = ledger.payout_move(payout=payout, target=target)
    with pytest.raises(Conflict, match="paid cannot become earned"):
        ledger.payout_move(payout=payout, target=PayoutState.EARNED)
    currency = payout.currency
    balances = ledger.ledger_balances(organization_id=payout.organization_id)
    assert balances[("expense", currency)] == Decimal("100.00")
    assert balances[("cash", currency)] == Decimal("-100.00")
    for state in ("earned", "scheduled", "processing"):
        assert balances[(f"payable:{state}", currency)] == 0
    assert LedgerTransaction.objects.filter(payout=payout).count() == 4


def test_the_database_refuses_an_unbalanced_transaction(launched: World) -> None:
    payout = make_payout(launched)
    tx = LedgerTransaction.objects.create(
        organization_id=payout.organization_id, payout=payout, to_state="earned"
    )
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    organization_id=payout.organization_id,
                    transaction=tx,
                    account="expense",
                    amount=Decimal("5.00"),
                    currency="USD",
                ),
                LedgerEntry(
                    organization_id=payout.organization_id,
                    transaction=tx,
                    account="cash",
                    amount=Decimal("-5.00"),
                    currency="EUR",
                ),
            ]
        )


def test_the_ledger_is_append_only(launched: World) -> None:
    make_payout(launched)
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.update(amount=Decimal("0"))
    with (
        pytest.raises(ProgrammingError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM payments_ledgertransaction")


def test_refusals_change_nothing(launched: World) -> None:
    with pytest.raises(ledger.PayoutInvalid, match="more than zero"):
        make_payout(launched, amount="-5.00")
    with pytest.raises(ledger.PayoutInvalid, match="a payout in XYZ is refused"):
        make_payout(launched, currency="XYZ")
    with pytest.raises(TypeError, match="never a float"):
        ledger.money(1.1)
    assert not Payout.objects.exists() and not LedgerEntry.objects.exists()


def test_a_bulk_move_moves_each_payout_once(launched: World) -> None:
    payouts = [make_payout(launched, key=f"k{n}") for n in range(3)]
    ids = [p.pk for p in payouts]
    ledger.payout_move(payout=payouts[0], target=PayoutState.ON_HOLD)
    moved = ledger.payouts_move_bulk(
        organization_id=payouts[0].organization_id,
        payout_ids=ids,
        source=PayoutState.EARNED,
        target=PayoutState.SCHEDULED,
    )
    assert moved == ids[1:]
    again = ledger.payouts_move_bulk(
        organization_id=payouts[0].organization_id,
        payout_ids=ids,
        source=PayoutState.EARNED,
        target=PayoutState.SCHEDULED,
    )
    assert again == []
    assert LedgerTransaction.objects.filter(to_state="scheduled").count() == 2


def test_money_rounds_half_up_to_cents() -> None:
    assert ledger.money("2.345") == Decimal("2.35")
    assert ledger.money(Decimal("2.344")) == Decimal("2.34")
