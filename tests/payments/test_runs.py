"""Payment runs: starting, approval, the schedule, providers, failures and exactly-once pay."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from influencer_ops.errors import Conflict, Forbidden
from influencer_ops.models import AuditEvent
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from messaging.kinds import TaskKind
from messaging.models import Task
from organizations.models import Organization
from organizations.roles import Role
from payments import ledger
from payments.figures.checks import MONEY_FLOW_CHECKS, figures_violations
from payments.models import (
    LedgerTransaction,
    PaymentRun,
    PaymentSchedule,
    Payout,
    PayoutState,
    SandboxPayment,
    TaxForm,
)
from payments.runs import processing, providers
from payments.runs import services as runs
from payments.runs import tasks as run_tasks
from payments.runs.schedule import schedule_for
from programs.recruiting import services as recruiting
from tests.conftest import World, confirm_and_launch, make_payout, make_ready
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def figures_add_up_afterwards(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every payment-run test, the figures audit's money-flow checks find nothing in any
    org: ledger, runs, reports, portal and delays agree whatever the test did."""
    yield
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    with dangerously_unscoped():
        orgs = list(Organization.objects.all())
    for organization in orgs:
        with db_scope(org_ids=[organization.pk]):
            found = figures_violations(organization=organization, checks=MONEY_FLOW_CHECKS)
        assert found == [], found


# ---------------------------------------------------------------------------------------------
# Helpers


def launch(world: World) -> World:
    confirm_and_launch(world)
    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
    world.other_enrollment.refresh_from_db()
    make_ready(world.creator)
    make_ready(world.other_creator)
    return world


def admin_of(world: World) -> Any:
    return world.cast.members[Role.ADMIN]


def start(world: World) -> PaymentRun:
    membership = admin_of(world)
    return runs.run_start(organization=world.cast.org, actor=membership.user, membership=membership)


def process(run: PaymentRun, chunk_size: int = runs.CHUNK) -> bool:
    return runs.run_process(
        organization_id=run.organization_id, run_id=run.pk, chunk_size=chunk_size
    )


def set_schedule(world: World, **fields: Any) -> PaymentSchedule:
    schedule = schedule_for(organization=world.cast.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(**fields)
    schedule.refresh_from_db()
    return schedule


def paid_moves(payout_ids: list[int]) -> dict[int, int]:
    rows = (
        LedgerTransaction.objects.filter(payout_id__in=payout_ids, to_state=PayoutState.PAID)
        .values("payout_id")
        .annotate(n=Count("pk"))
    )
    return {row["payout_id"]: row["n"] for row in rows}


def assert_paid_exactly_once(org_id: int, payouts: list[Payout]) -> None:
    ids = [p.pk for p in payouts]
    assert set(Payout.objects.filter(pk__in=ids).values_list("state", flat=True)) == {"paid"}
    # The provider's books: one payment per payout, under the key the payout stored.
    books = list(
        SandboxPayment.objects.filter(payout_id__in=ids).values_list("payout_id", flat=True)
    )
    assert sorted(books) == sorted(ids)
    keys = dict(Payout.objects.filter(pk__in=ids).values_list("pk", "idempotency_key"))
    for payment in SandboxPayment.objects.filter(payout_id__in=ids):
        assert payment.idempotency_key == keys[payment.payout_id]
    # The ledger: one paid move per payout, and the cash account is what was paid.
    assert paid_moves(ids) == dict.fromkeys(ids, 1)
    currency = payouts[0].currency
    total = sum((p.amount for p in payouts), Decimal("0"))
    assert ledger.ledger_balances(organization_id=org_id)[("cash", currency)] == -total
    sent = SandboxPayment.objects.filter(payout_id__in=ids).aggregate(s=Sum("amount"))["s"]
    assert sent == total
    # The figures audit agrees: ledger, runs, reports, portal and delays all add up.
    organization = Organization.objects.get(pk=org_id)
    with db_scope(org_ids=[org_id]):
        assert figures_violations(organization=organization, checks=MONEY_FLOW_CHECKS) == []


@pytest.fixture
def launched(world: World) -> World:
    return launch(world)


# ---------------------------------------------------------------------------------------------
# Starting, approving, refusing


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.BSM, Role.ISM])
def test_only_an_admin_starts_a_run(launched: World, role: str) -> None:
    earn(launched, "100.00", "a")
    membership = launched.cast.members[role]
    with pytest.raises(Forbidden):
        runs.run_start(organization=launched.cast.org, actor=membership.user, membership=membership)
    assert not PaymentRun.objects.exists()


def test_an_admin_of_another_org_cannot_start_or_approve(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("1.00"))
    earn(launched, "100.00", "a")
    outsider = launched.cast.outsider
    with pytest.raises(Forbidden):
        runs.run_start(organization=launched.cast.org, actor=outsider.user, membership=outsider)
    run = start(launched)
    with pytest.raises(Forbidden):
        runs.run_approve(run=run, actor=outsider.user, membership=outsider)


def test_a_manual_run_pays_the_due_payouts_once(launched: World) -> None:
    payouts = [earn(launched, "100.00", "a"), earn(launched, "50.00", "b", other=True)]
    run = start(launched)
    assert run.state == PaymentRun.State.PROCESSING and run.trigger == "manual"
    assert process(run)
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED and run.finished_at is not None
    assert_paid_exactly_once(launched.cast.org.pk, payouts)
    progress = runs.run_progress(run)
    assert progress == {
        "state": "completed",
        "total": 2,
        "done": 2,
        "paid": 2,
        "failed": 0,
        "percent": 100,
        "totals": {payouts[0].currency: "150.00"},
    }
    paid = Payout.objects.get(pk=payouts[0].pk)
    assert paid.provider_reference == f"SBX-{paid.idempotency_key}"
    assert paid.idempotency_key == f"{launched.cast.org.pk}-{paid.pk}-1" and paid.attempts == 1
    assert paid.paid_at is not None and paid.run_id == run.pk
    # Each move went through the ledger, audited: earned → scheduled → processing → paid.
    steps = list(
        LedgerTransaction.objects.filter(payout=paid).values_list("from_state", "to_state")
    )
    assert steps == [
        ("", "earned"),
        ("earned", "scheduled"),
        ("scheduled", "processing"),
        ("processing", "paid"),
    ]
    assert AuditEvent.objects.filter(verb="payment_run.completed", target_id=str(run.pk)).exists()
    # Processing again does nothing: the run is completed.
    assert not process(run)
    assert SandboxPayment.objects.filter(payout_id=paid.pk).get().calls == 1


def test_the_worker_is_queued_after_commit(
    launched: World, django_capture_on_commit_callbacks: Any
) -> None:
    payout = earn(launched, "100.00", "a")
    with django_capture_on_commit_callbacks(execute=True):
        run = start(launched)
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED
    assert Payout.objects.get(pk=payout.pk).state == PayoutState.PAID


def test_above_the_threshold_a_second_admin_approves(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("120.00"))
    earn(launched, "100.00", "a")
    earn(launched, "30.00", "b")
    run = start(launched)
    assert run.state == PaymentRun.State.AWAITING_APPROVAL
    assert list(run.totals.values()) == ["130.00"]
    assert not process(run)  # nothing happens before approval
    assert not Payout.objects.exclude(state=PayoutState.EARNED).exists()
    starter = admin_of(launched)
    with pytest.raises(Forbidden, match="another admin has to approve"):
        runs.run_approve(run=run, actor=starter.user, membership=starter)
    analyst = launched.cast.members[Role.ANALYST]
    with pytest.raises(Forbidden):
        runs.run_approve(run=run, actor=analyst.user, membership=analyst)
    second = member(launched.cast.org, Role.ADMIN, email="second@northwind.test")
    approved = runs.run_approve(run=run, actor=second.user, membership=second)
    assert approved.state == PaymentRun.State.PROCESSING and approved.approved_by == second.user
    with pytest.raises(Conflict):
        runs.run_approve(run=run, actor=second.user, membership=second)
    assert process(run)
    assert set(Payout.objects.values_list("state", flat=True)) == {PayoutState.PAID}


def test_below_the_threshold_no_approval_is_needed(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("500.00"))
    earn(launched, "100.00", "a")
    assert start(launched).state == PaymentRun.State.PROCESSING


def test_a_run_awaiting_approval_can_be_cancelled(launched: World) -> None:
    set_schedule(launched, approval_threshold=Decimal("1.00"))
    earn(launched, "100.00", "a")
    run = start(launched)
    bsm = launched.cast.members[Role.BSM]
    with pytest.raises(Forbidden):
        runs.run_cancel(run=run, actor=bsm.user, membership=bsm)
    cancelled = runs.run_cancel(
        run=run, actor=admin_of(launched).user, membership=admin_of(launched)
    )
    assert cancelled.state == PaymentRun.State.CANCELLED
    # The org can start again.
    set_schedule(launched, approval_threshold=None)
    assert start(launched).state == PaymentRun.State.PROCESSING


def test_a_second_open_run_is_a_conflict(launched: World, monkeypatch: Any) -> None:
    earn(launched, "100.00", "a")
    start(launched)
    with pytest.raises(Conflict, match="Another payment run is open"):
        start(launched)
    # The race the check cannot see: the database's one-open-run constraint answers.
    monkeypatch.setattr(runs, "open_run", lambda **kwargs: None)
    with pytest.raises(Conflict, match="Another payment run is open") as excinfo:
        start(launched)
    assert excinfo.value.status_code == 409
    assert PaymentRun.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# What is due


def test_a_total_below_the_minimum_carries_to_a_later_run(launched: World) -> None:
    set_schedule(launched, minimum_amount=Decimal("50.00"))
    small = [earn(launched, "10.00", "a"), earn(launched, "20.00", "b")]
    big = earn(launched, "60.00", "c", other=True)
    assert runs.due_payout_ids(organization=launched.cast.org) == [big.pk]
    carried = {c.payout_id: c for c in runs.carried_payouts(organization=launched.cast.org)}
    assert set(carried) == {p.pk for p in small}
    assert carried[small[0].pk].creator_total == Decimal("30.00")
    assert "Below the minimum" in carried[small[0].pk].reason
    run = start(launched)
    process(run)
    assert Payout.objects.get(pk=big.pk).state == PayoutState.PAID
    assert set(
        Payout.objects.filter(pk__in=[p.pk for p in small]).values_list("state", flat=True)
    ) == {PayoutState.EARNED}
    # Once the creator's total reaches the minimum, the next run pays all of it.
    earn(launched, "25.00", "d")
    assert len(runs.due_payout_ids(organization=launched.cast.org)) == 3


def test_a_creator_without_details_or_tax_form_waits(launched: World) -> None:
    TaxForm.objects.filter(creator=launched.other_creator).update(state=TaxForm.State.RECEIVED)
    waiting = earn(launched, "40.00", "a", other=True)
    due = earn(launched, "40.00", "b")
    assert runs.due_payout_ids(organization=launched.cast.org) == [due.pk]
    (carried,) = runs.carried_payouts(organization=launched.cast.org)
    assert carried.payout_id == waiting.pk and "verified tax form" in carried.reason
    set_schedule(launched, require_readiness=False)
    assert len(runs.due_payout_ids(organization=launched.cast.org)) == 2


# ---------------------------------------------------------------------------------------------
# Failures and lost answers


def test_a_refused_payout_goes_back_to_earned_then_on_hold_with_one_bsm_task(
    launched: World,
) -> None:
    set_schedule(launched, max_failures=2)
    org_id = launched.cast.org.pk
    bad = earn(launched, "100.00", "a")
    good = earn(launched, "70.00", "b", other=True)
    providers.sandbox_fail(organization_id=org_id, payout_id=bad.pk, error="Account closed")

    run = start(launched)
    process(run)
    bad.refresh_from_db()
    assert bad.state == PayoutState.EARNED
    assert bad.failure_count == 1 and bad.failure_reason == "Account closed"
    assert Payout.objects.get(pk=good.pk).state == PayoutState.PAID
    progress = runs.run_progress(run)
    assert (progress["state"], progress["paid"], progress["failed"]) == ("completed", 1, 1)
    assert not Task.objects.filter(kind=TaskKind.PAYOUT_FAILED).exists()
    assert not SandboxPayment.objects.filter(payout_id=bad.pk).exists()  # nothing was sent

    process(start(launched))
    bad.refresh_from_db()
    assert bad.state == PayoutState.ON_HOLD and bad.failure_count == 2 and bad.attempts == 2
    assert "Failed 2 times" in bad.hold_reason
    task = Task.objects.get(kind=TaskKind.PAYOUT_FAILED)
    assert task.owner_role == "bsm" and task.dedupe_key == f"payout-failed:{bad.pk}"
    assert task.creator_id == bad.creator_id
    # On hold is out of the runs until a BSM releases it.
    process(start(launched))
    assert Payout.objects.get(pk=bad.pk).attempts == 2
    assert Task.objects.filter(kind=TaskKind.PAYOUT_FAILED).count() == 1
    moves = list(LedgerTransaction.objects.filter(payout=bad).values_list("to_state", flat=True))
    assert moves.count("failed") == 2 and moves[-1] == "on_hold"


def test_a_lost_answer_keeps_the_run_processing_until_the_resume_pays_it_with_the_same_key(
    launched: World, django_capture_on_commit_callbacks: Any
) -> None:
    org_id = launched.cast.org.pk
    lost = earn(launched, "100.00", "a")
    other = earn(launched, "20.00", "b", other=True)
    providers.sandbox_timeout(organization_id=org_id, payout_id=lost.pk)

    run = start(launched)
    process(run)
    lost.refresh_from_db()
    assert lost.state == PayoutState.PROCESSING and lost.idempotency_key == f"{org_id}-{lost.pk}-1"
    run.refresh_from_db()
    # Not completed while a payout of it is processing: the resume job picks the run up.
    assert run.state == PaymentRun.State.PROCESSING and run.paid_count == 1
    # The provider did book it: only the answer was lost.
    assert SandboxPayment.objects.get(payout_id=lost.pk).calls == 1
    with pytest.raises(Conflict):
        start(launched)  # one open run per org

    with django_capture_on_commit_callbacks(execute=True):
        assert run_tasks.resume_open_runs() == 1  # queues the run; the worker resumes it
    lost.refresh_from_db()
    assert lost.state == PayoutState.PAID and lost.run_id == run.pk
    assert lost.idempotency_key == f"{org_id}-{lost.pk}-1" and lost.attempts == 1
    payment = SandboxPayment.objects.get(payout_id=lost.pk)
    assert payment.calls == 2 and payment.idempotency_key == lost.idempotency_key
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED and run.paid_count == 2
    assert not Payout.objects.filter(run=run, state=PayoutState.PROCESSING).exists()
    assert_paid_exactly_once(org_id, [lost, Payout.objects.get(pk=other.pk)])


def test_a_payout_left_scheduled_by_an_earlier_run_is_paid_by_the_next(launched: World) -> None:
    from payments import ledger

    left = earn(launched, "40.00", "left")
    ledger.payout_move(payout=left, target=PayoutState.SCHEDULED)  # e.g. by hand, no run
    run = start(launched)
    process(run)
    left.refresh_from_db()
    assert left.state == PayoutState.PAID and left.run_id == run.pk
    assert_paid_exactly_once(launched.cast.org.pk, [left])


def test_a_provider_with_its_own_references_gets_them_stored(
    launched: World, monkeypatch: Any
) -> None:
    class Bank(providers.PayoutProvider):
        name = "sandbox"

        def pay(self, *, payout: Payout, idempotency_key: str) -> providers.ProviderResult:
            return providers.ProviderResult(ok=True, reference=f"TX{payout.pk * 7}")

    monkeypatch.setitem(providers.PROVIDERS, "sandbox", Bank)
    payouts = [earn(launched, "100.00", "a"), earn(launched, "20.00", "b", other=True)]
    process(start(launched))
    for payout in payouts:
        payout.refresh_from_db()
        assert payout.state == PayoutState.PAID
        assert payout.provider_reference == f"TX{payout.pk * 7}"


def test_the_sandbox_answers_a_repeated_key_with_its_first_result(launched: World) -> None:
    payout = earn(launched, "100.00", "a")
    payout.idempotency_key = "k-1"
    sandbox = providers.provider_for("sandbox")
    first = sandbox.pay(payout=payout, idempotency_key="k-1")
    again = sandbox.pay(payout=payout, idempotency_key="k-1")
    assert first == again and first.ok and first.reference == "SBX-k-1"
    assert SandboxPayment.objects.get(idempotency_key="k-1").calls == 2
    providers.sandbox_timeout(organization_id=payout.organization_id, payout_id=payout.pk)
    with pytest.raises(providers.ProviderTimeout):
        sandbox.pay(payout=payout, idempotency_key="k-1")
    assert SandboxPayment.objects.get(idempotency_key="k-1").calls == 3
    with pytest.raises(ValueError, match="Unknown payout provider"):
        providers.provider_for("carrier-pigeon")


# ---------------------------------------------------------------------------------------------
# The CSV export provider


def test_the_csv_export_waits_for_an_admin_to_confirm(launched: World) -> None:
    set_schedule(launched, provider="csv_export")
    payouts = [earn(launched, "100.00", "a"), earn(launched, "40.50", "b", other=True)]
    run = start(launched)
    assert run.provider == "csv_export"
    process(run)
    run.refresh_from_db()
    assert run.state == PaymentRun.State.AWAITING_CONFIRMATION
    lines = run.export_file.strip().splitlines()
    assert lines[0].startswith("payout_id,creator,account_name,method,account_masked")
    assert len(lines) == 3
    keyed = Payout.objects.get(pk=payouts[1].pk)
    assert keyed.state == PayoutState.PROCESSING
    assert f"{keyed.pk},Olli Other,Olli Other,Bank transfer,•••• 3000" in run.export_file
    assert f"40.50,{keyed.currency},{keyed.idempotency_key}" in run.export_file
    assert not SandboxPayment.objects.exists()
    # A second run cannot start while the export waits.
    with pytest.raises(Conflict):
        start(launched)
    analyst = launched.cast.members[Role.ANALYST]
    with pytest.raises(Forbidden):
        runs.run_confirm_export(run=run, actor=analyst.user, membership=analyst)
    done = runs.run_confirm_export(
        run=run, actor=admin_of(launched).user, membership=admin_of(launched)
    )
    assert done.state == PaymentRun.State.COMPLETED and done.paid_count == 2
    keyed.refresh_from_db()
    assert keyed.state == PayoutState.PAID and keyed.provider_reference == keyed.idempotency_key
    assert paid_moves([p.pk for p in payouts]) == {p.pk: 1 for p in payouts}
    with pytest.raises(Conflict):
        runs.run_confirm_export(
            run=run, actor=admin_of(launched).user, membership=admin_of(launched)
        )


# ---------------------------------------------------------------------------------------------
# The schedule


def test_the_schedule_opens_one_run_when_due_and_advances(launched: World) -> None:
    earn(launched, "100.00", "a")
    set_schedule(launched, cadence="weekly", weekday=0, run_time="09:00", time_zone="UTC")
    due_at = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday
    PaymentSchedule.objects.filter(organization=launched.cast.org).update(next_run_at=due_at)
    with time_machine.travel(due_at - timedelta(minutes=1), tick=False):
        assert runs.run_open_scheduled(organization=launched.cast.org) is None
    with time_machine.travel(due_at + timedelta(seconds=30), tick=False):
        run = runs.run_open_scheduled(organization=launched.cast.org)
        assert run is not None and run.trigger == "schedule" and run.scheduled_for == due_at
        assert runs.run_open_scheduled(organization=launched.cast.org) is None
    schedule = PaymentSchedule.objects.get(organization=launched.cast.org)
    assert schedule.next_run_at == due_at + timedelta(days=7)
    assert run.state == PaymentRun.State.PROCESSING and run.approved_by is None
    # Next week a run is still open: the slot is skipped, the schedule moves on.
    with time_machine.travel(due_at + timedelta(days=7, seconds=5), tick=False):
        assert runs.run_open_scheduled(organization=launched.cast.org) is None
    assert PaymentRun.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.next_run_at == due_at + timedelta(days=14)


def test_the_beat_task_opens_due_runs(launched: World) -> None:
    from payments.runs.tasks import open_scheduled_runs

    earn(launched, "100.00", "a")
    schedule_for(organization=launched.cast.org)
    PaymentSchedule.objects.filter(organization=launched.cast.org).update(
        next_run_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert open_scheduled_runs() == 1
    assert open_scheduled_runs() == 0
    assert PaymentRun.objects.get().trigger == "schedule"


# ---------------------------------------------------------------------------------------------
# Concurrency (committed data, real transactions, threads)


@contextmanager
def org_scope(org_id: int) -> Iterator[None]:
    with db_scope(org_ids=[org_id]):
        yield


def _threads(target: Any, count: int = 2) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def body() -> None:
        try:
            barrier.wait(timeout=10)
            target()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def launched_committed(cast_and_world_unscoped: World) -> World:
    with dangerously_unscoped():
        return launch(cast_and_world_unscoped)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_open_one_run(launched_committed: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(runs, "_enqueue", lambda run: None)
    world = launched_committed
    org = world.cast.org
    with dangerously_unscoped():
        earn(world, "100.00", "a")
        schedule_for(organization=org)
        PaymentSchedule.objects.filter(organization=org).update(
            next_run_at=datetime(2020, 1, 1, tzinfo=UTC)
        )
    opened: list[Any] = []

    def open_one() -> None:
        with org_scope(org.pk):
            opened.append(runs.run_open_scheduled(organization=org))

    assert _threads(open_one, 3) == []
    with dangerously_unscoped():
        assert PaymentRun.objects.filter(organization=org).count() == 1
    assert len([run for run in opened if run is not None]) == 1


def _many(world: World, count: int) -> list[Payout]:
    with dangerously_unscoped():
        return [
            earn(world, "10.00" if n % 2 else "12.34", f"p{n}", other=bool(n % 3 == 0))
            for n in range(count)
        ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_lock", [True, False], ids=["advisory-lock", "row-claims-only"])
def test_two_workers_on_the_same_run_pay_each_payout_once(
    launched_committed: World, monkeypatch: Any, with_lock: bool
) -> None:
    world = launched_committed
    org_id = world.cast.org.pk
    payouts = _many(world, 120)
    monkeypatch.setattr(runs, "_enqueue", lambda run: None)
    with dangerously_unscoped():
        run = start(world)  # the on-commit task is not run here: the threads do the work
    if not with_lock:
        # Without the per-run lock both workers really interleave: the row claims and the
        # conditional moves alone must keep every payout paid once.
        @contextmanager
        def no_lock(run_id: int) -> Iterator[bool]:
            yield True

        monkeypatch.setattr(processing, "_run_lock", no_lock)
    assert (
        _threads(lambda: runs.run_process(organization_id=org_id, run_id=run.pk, chunk_size=7))
        == []
    )
    with dangerously_unscoped():
        run.refresh_from_db()
        assert run.state == PaymentRun.State.COMPLETED
        assert run.paid_count == 120 and run.done_count == 120 and run.total_count == 120
        assert_paid_exactly_once(org_id, payouts)


def earn(world: World, amount: str, key: str, *, other: bool = False) -> Payout:
    enrollment = world.other_enrollment if other else world.enrollment
    return make_payout(world, amount, key, enrollment=enrollment)


def test_each_chunk_is_staged_after_the_previous_ones_last_id(launched: World) -> None:
    """Keyset staging: a chunk's read starts after the last staged id, so it never walks the
    index entries the earlier chunks left behind (quadratic in the run's size otherwise)."""
    payouts = [earn(launched, "10.00", f"chunk{n}", other=bool(n % 2)) for n in range(7)]
    run = start(launched)
    with CaptureQueriesContext(connection) as captured:
        assert process(run, chunk_size=3)
    stages = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT") and "= 'scheduled'" in q["sql"] and "LIMIT 3" in q["sql"]
    ]
    assert len(stages) == 4, stages  # 3 + 3 + 1, then the empty read that ends the loop
    assert all('"payments_payout"."id" >' in sql for sql in stages), stages
    assert_paid_exactly_once(launched.cast.org.pk, payouts)
