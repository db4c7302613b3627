"""Delayed payouts: flagged once, one BSM task, one message to the creator with the new date."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped, db_scope
from messaging.kinds import TaskKind
from messaging.models import Message, Task
from organizations.models import Organization
from payments.models import Payout, PayoutState
from payments.payouts import delays
from payments.payouts.tasks import payout_delay_sweep_all
from payments.runs.schedule import expected_payment_date
from tests.conftest import World, confirm_and_launch
from tests.payments.test_payouts import new_payout, pay


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def past_due(world: World, key: str = "late", days: int = 3, **fields: Any) -> Payout:
    payout = new_payout(world, key=key, **fields)
    Payout.objects.filter(pk=payout.pk).update(
        expected_on=timezone.localdate() - timedelta(days=days)
    )
    payout.refresh_from_db()
    return payout


def sweep(world: World) -> delays.DelaySweepResult:
    return delays.payout_delay_sweep(organization=world.cast.org, today=timezone.localdate())


def test_a_late_payout_is_flagged_once_with_one_task_and_one_message(launched: World) -> None:
    payout = past_due(launched)
    was = payout.expected_on
    first = sweep(launched)
    assert (first.flagged, first.tasks) == (1, 1)
    payout.refresh_from_db()
    assert payout.delayed_at is not None
    assert payout.expected_on == expected_payment_date(organization=launched.cast.org)
    task = Task.objects.get(kind=TaskKind.PAYOUT_DELAYED)
    assert (task.owner_role, task.assignee) == ("bsm", launched.cast.members["bsm"].user)
    assert task.enrollment_id == launched.enrollment.pk
    message = Message.objects.get(thread__enrollment=launched.enrollment)
    assert f"expected on {was:%Y-%m-%d}" in message.text
    assert f"now expected on {payout.expected_on:%Y-%m-%d}" in message.text
    # Nothing more on the next sweeps.
    assert sweep(launched) == delays.DelaySweepResult()
    payout_delay_sweep_all()
    assert Task.objects.filter(kind=TaskKind.PAYOUT_DELAYED).count() == 1
    assert Message.objects.filter(thread__enrollment=launched.enrollment).count() == 1


def test_paid_cancelled_and_on_time_payouts_are_not_flagged(launched: World) -> None:
    paid = pay(past_due(launched, "paid"))
    on_time = new_payout(launched, key="on-time")
    Payout.objects.filter(pk=on_time.pk).update(expected_on=timezone.localdate())
    from payments import ledger

    cancelled = ledger.payout_move(payout=past_due(launched, "gone"), target="cancelled")
    assert sweep(launched).flagged == 0
    for payout in (paid, on_time, cancelled):
        payout.refresh_from_db()
        assert payout.delayed_at is None
    assert not Task.objects.filter(kind=TaskKind.PAYOUT_DELAYED).exists()


def test_a_held_payout_message_says_why(launched: World) -> None:
    from payments import ledger

    payout = past_due(launched)
    ledger.payout_move(payout=payout, target=PayoutState.ON_HOLD, hold_reason="No tax form.")
    assert sweep(launched).flagged == 1
    assert "on hold: No tax form." in Message.objects.get().text


def test_the_beat_task_sweeps_each_org_in_its_own_scope(launched: World) -> None:
    past_due(launched)
    assert payout_delay_sweep_all() == 1
    assert payout_delay_sweep_all() == 0


def test_two_sweeps_at_once_flag_once(cast_and_world_unscoped: World) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        confirm_and_launch(world)
        payout = past_due(world)
    org_id = world.cast.org.pk
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            with db_scope(org_ids=[org_id]):
                organization = Organization.objects.get(pk=org_id)
                result = delays.payout_delay_sweep(
                    organization=organization, today=timezone.localdate()
                )
            results.append(result.flagged)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors
    assert sorted(results) == [0, 1]
    with dangerously_unscoped():
        assert Payout.objects.get(pk=payout.pk).delayed_at is not None
        assert Task.objects.filter(kind=TaskKind.PAYOUT_DELAYED).count() == 1
        assert Message.objects.filter(thread__enrollment=world.enrollment).count() == 1
