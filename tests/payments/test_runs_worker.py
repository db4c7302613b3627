"""A real Celery worker pays a run, is killed with SIGKILL halfway, and the run is re-run:
every due payout is paid once and only once (the provider's books, the keys, the ledger)."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.celery import app
from influencer_ops.tenancy import dangerously_unscoped
from payments.models import PaymentRun, Payout, PayoutState, SandboxPayment
from payments.runs import providers
from payments.runs import services as runs
from tests.conftest import World, celery_worker
from tests.helpers import wait_for
from tests.payments.test_runs import assert_paid_exactly_once, earn, launch, start

ROOT = Path(__file__).resolve().parents[2]
# The sandbox's instructions travel through the cache; this test and its worker use their own
# Redis database, so another test run clearing the shared test cache cannot wipe them.
CACHE_URL = os.environ.get("TEST_RUNS_CACHE_URL", "redis://127.0.0.1:6379/11")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def own_cache(settings: Any) -> None:
    settings.CACHES = {
        "default": settings.CACHES["default"] | {"LOCATION": CACHE_URL},  # the worker's too
    }


@pytest.fixture
def worker(
    tmp_path: Path, own_cache: None, settings: Any
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A worker on its own queue; the test may kill it. Stopped afterwards if still alive."""
    name = f"test-runs-{uuid.uuid4().hex[:10]}"
    with celery_worker(tmp_path, name, TEST_CACHE_URL=CACHE_URL) as process:
        yield name, process


def test_a_run_killed_halfway_and_rerun_pays_every_payout_once(
    cast_and_world_unscoped: World, worker: tuple[str, subprocess.Popen], monkeypatch: Any
) -> None:
    queue_name, process = worker
    monkeypatch.setattr(runs, "_enqueue", lambda run: None)  # the worker gets the task below
    with dangerously_unscoped():
        world = launch(cast_and_world_unscoped)
        payouts = [earn(world, "10.00", f"p{n}", other=bool(n % 2)) for n in range(40)]
        run = start(world)
    org_id = world.cast.org.pk
    ids = [p.pk for p in payouts]
    # 120 ms an answer, chunks of 8: each chunk's bookings are committed one by one before the
    # chunk is settled, so a kill lands between a booking and its settlement most of the time.
    providers.sandbox_slow(organization_id=org_id, milliseconds=120)

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        app.send_task("payments.tasks.run_process_task", args=[org_id, run.pk, 8], queue=queue_name)

        def mid_chunk() -> bool:
            # Some payouts paid, and the provider has booked more than we have settled: the
            # worker is between a booking and its settlement.
            with dangerously_unscoped():
                paid = Payout.objects.filter(pk__in=ids, state=PayoutState.PAID).count()
                booked = SandboxPayment.objects.filter(payout_id__in=ids).count()
            # Two bookings into a chunk of 8: six answers (~0.7 s) before it is settled.
            return paid >= 8 and booked - paid >= 2

        assert wait_for(mid_chunk, seconds=60), "the worker did not get halfway"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        app.conf.task_always_eager = previous

    with dangerously_unscoped():
        paid_at_kill = Payout.objects.filter(pk__in=ids, state=PayoutState.PAID).count()
        in_flight = set(
            Payout.objects.filter(pk__in=ids, state=PayoutState.PROCESSING).values_list(
                "pk", flat=True
            )
        )
        booked_unsettled = set(
            SandboxPayment.objects.filter(payout_id__in=in_flight).values_list(
                "payout_id", flat=True
            )
        )
        run.refresh_from_db()
    assert 8 <= paid_at_kill < len(ids), "the kill did not land mid-run"
    assert booked_unsettled, "the kill did not land between a booking and its settlement"
    assert run.state == PaymentRun.State.PROCESSING

    # Re-run (as a re-delivered message would). The dead worker's lock goes with its
    # connection; until PostgreSQL notices, run_process answers "busy".
    providers.sandbox_slow(organization_id=org_id, milliseconds=0)
    assert wait_for(
        lambda: runs.run_process(organization_id=org_id, run_id=run.pk, chunk_size=5),
        seconds=20,
    )
    with dangerously_unscoped():
        run.refresh_from_db()
        assert run.state == PaymentRun.State.COMPLETED
        assert run.paid_count == len(ids) and run.done_count == len(ids)
        assert_paid_exactly_once(org_id, payouts)
        calls = dict(
            SandboxPayment.objects.filter(payout_id__in=ids).values_list("payout_id", "calls")
        )
        # What the provider had booked when the worker died was sent again with the same key
        # (calls = 2) and not paid again; everything else was sent exactly once.
        assert {pk for pk, n in calls.items() if n == 2} == booked_unsettled
        assert set(calls.values()) <= {1, 2}
        assert set(Payout.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == {1}
    print(
        f"killed with {paid_at_kill} paid, {len(in_flight)} in flight "
        f"({len(booked_unsettled)} booked but unsettled)"
    )
