"""Payment runs: open (by hand or by the schedule), approve, process, confirm, watch.

A run pays each due payout exactly once, even when its job is retried, runs twice at the same
time or dies halfway:

1. **claim** — the due earned payouts move to ``scheduled`` with the run (conditional bulk moves
   with ``SKIP LOCKED``: a payout is claimed by one run, once);
2. **stage** — a chunk moves ``scheduled → processing`` and, in the same UPDATE, gets its
   idempotency key ``<org>-<payout>-<attempt>``; this is committed *before* the provider is
   called;
3. **send** — the provider is called with the stored key, outside any transaction;
4. **settle** — ``processing → paid`` (or ``failed → earned`` / ``on_hold``), conditional on the
   payout still being ``processing``: two workers that both sent a payout settle it once.

A run that dies between 3 and 4 leaves its payouts ``processing`` with their key; the next
``run_process`` (the same run, re-delivered, or the org's next run) sends them again with the
same key, which the provider recognises: paid once. A session advisory lock per run keeps a
second worker from re-sending a live worker's chunk (it returns at once); the lock goes with
the worker's connection when the worker dies. Every payout state change goes through
``payments.ledger``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, Forbidden
from influencer_ops.tenancy import db_scope
from messaging.kinds import OwnerRole, TaskKind
from messaging.services import queue
from organizations.permissions import can_run_payments
from payments import notify
from payments.ledger import payouts_move_bulk
from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutDetails, PayoutState, TaxForm
from payments.runs.providers import PayoutProvider, ProviderResult, provider_for
from payments.runs.schedule import next_run_after, schedule_for

log = logging.getLogger(__name__)

CHUNK = 1000
RunState = PaymentRun.State
OPEN_RUN_STATES = (
    RunState.AWAITING_APPROVAL,
    RunState.PROCESSING,
    RunState.AWAITING_CONFIRMATION,
)
RUN_TRANSITIONS: dict[str, frozenset[str]] = {
    RunState.AWAITING_APPROVAL: frozenset({RunState.PROCESSING, RunState.CANCELLED}),
    RunState.PROCESSING: frozenset({RunState.AWAITING_CONFIRMATION, RunState.COMPLETED}),
    RunState.AWAITING_CONFIRMATION: frozenset({RunState.COMPLETED}),
    RunState.COMPLETED: frozenset(),
    RunState.CANCELLED: frozenset(),
}
# pg advisory lock namespace of "a worker is processing run <id>".
RUN_LOCK_CLASS = 7_320_001


# ---------------------------------------------------------------------------------------------
# Selectors: what is due, what waits and why


def _earned(organization_id: int, exclude_run_id: int | None) -> QuerySet[Payout]:
    qs = Payout.objects.filter(organization_id=organization_id, state=PayoutState.EARNED)
    if exclude_run_id is not None:
        # Failed in this run and put back to earned: the next run retries them.
        qs = qs.exclude(run_id=exclude_run_id)
    return qs


def _readiness(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        has_details=Exists(PayoutDetails.objects.filter(creator_id=OuterRef("creator_id"))),
        has_tax_form=Exists(
            TaxForm.objects.filter(creator_id=OuterRef("creator_id"), state=TaxForm.State.VERIFIED)
        ),
    )


def _creator_total(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        creator_total=Window(Sum("amount"), partition_by=[F("creator_id"), F("currency")])
    )


def due_payouts(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> QuerySet[Payout]:
    """The earned payouts a run would pay now: the creator is ready (payout details and a
    verified tax form, when the schedule requires it) and the creator's due total in the
    payout's currency reaches the schedule's minimum (smaller totals wait for a later run)."""
    schedule = schedule or schedule_for(organization=organization)
    qs = _earned(organization.pk, exclude_run_id)
    if schedule.require_readiness:
        qs = _readiness(qs).filter(**{"has_details": True, "has_tax_form": True})
    if schedule.minimum_amount and schedule.minimum_amount > 0:
        qs = _creator_total(qs).filter(**{"creator_total__gte": schedule.minimum_amount})
    return qs


def due_payout_ids(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> list[int]:
    qs = due_payouts(organization=organization, schedule=schedule, exclude_run_id=exclude_run_id)
    return sorted(qs.values_list("pk", flat=True))


def due_totals(*, organization: Any, schedule: PaymentSchedule | None = None) -> dict[str, Decimal]:
    """{currency: total} of what is due now."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in due_payouts(organization=organization, schedule=schedule).values_list(
        "currency", "amount"
    ):
        totals[currency] += amount
    return dict(totals)


@dataclass(frozen=True)
class CarriedPayout:
    payout_id: int
    creator_id: int
    amount: Decimal
    currency: str
    creator_total: Decimal
    reason: str


def carried_payouts(*, organization: Any) -> list[CarriedPayout]:
    """The earned payouts the next run leaves earned, each with the reason shown to staff."""
    schedule = schedule_for(organization=organization)
    minimum = schedule.minimum_amount or Decimal("0")
    qs = _creator_total(_readiness(_earned(organization.pk, None))).order_by("creator_id", "pk")
    carried = []
    payout: Any
    for payout in qs:
        reasons = []
        if schedule.require_readiness and not payout.has_details:
            reasons.append("The creator has no payout details yet.")
        if schedule.require_readiness and not payout.has_tax_form:
            reasons.append("The creator has no verified tax form yet.")
        if minimum > 0 and payout.creator_total < minimum:
            reasons.append(
                f"Below the minimum: the creator's due total is {payout.creator_total} "
                f"{payout.currency}, the minimum is {minimum}; it carries to a later run."
            )
        if reasons:
            carried.append(
                CarriedPayout(
                    payout_id=payout.pk,
                    creator_id=payout.creator_id,
                    amount=payout.amount,
                    currency=payout.currency,
                    creator_total=payout.creator_total,
                    reason=" ".join(reasons),
                )
            )
    return carried


def open_run(*, organization: Any) -> PaymentRun | None:
    return PaymentRun.objects.filter(
        organization_id=organization.pk, state__in=OPEN_RUN_STATES
    ).first()


def run_progress(run: PaymentRun) -> dict[str, Any]:
    run.refresh_from_db()
    return {
        "state": run.state,
        "total": run.total_count,
        "done": run.done_count,
        "paid": run.paid_count,
        "failed": run.failed_count,
        "percent": run.percent_done,
        "totals": dict(run.totals or {}),
    }


# ---------------------------------------------------------------------------------------------
# Run states


def _run_move(run: PaymentRun, target: str, *, actor: Any | None = None, **fields: Any) -> bool:
    """Move the run from its current state (as read) to ``target``, conditionally; audited.
    Returns False if someone moved it first."""
    source = run.state
    if target not in RUN_TRANSITIONS.get(source, frozenset()):
        raise Conflict(
            f"A run that is {RunState(source).label.lower()} cannot become "
            f"{RunState(target).label.lower()}."
        )
    moved = PaymentRun.objects.filter(pk=run.pk, state=source).update(state=target, **fields)
    if not moved:
        return False
    run.state = target
    for name, value in fields.items():
        setattr(run, name, value)
    audit_record(
        organization=run.organization,
        actor=actor,
        verb=AuditVerb(f"payment_run.{target}"),
        target=run,
        before={"state": source},
        after={"state": target},
    )
    return True


def _enqueue(run: PaymentRun) -> None:
    from payments.runs.tasks import run_process_task

    org_id, run_id = run.organization_id, run.pk
    transaction.on_commit(lambda: run_process_task.delay(org_id, run_id))


def _check_admin(membership: Any, action: str, organization_id: int) -> None:
    if not can_run_payments(membership) or membership.organization_id != organization_id:
        raise Forbidden(f"Only an admin can {action} payment runs.")


def _above_threshold(schedule: PaymentSchedule, totals: dict[str, Decimal]) -> bool:
    threshold = schedule.approval_threshold
    return threshold is not None and any(total > threshold for total in totals.values())


@transaction.atomic
def run_start(*, organization: Any, actor: Any, membership: Any) -> PaymentRun:
    """An admin starts a run now. Above the schedule's approval threshold (any one currency's
    due total), it waits for a second admin; otherwise it starts processing."""
    _check_admin(membership, "start", organization.pk)
    if open_run(organization=organization) is not None:
        raise Conflict("Another payment run is open: finish or cancel it first.")
    schedule = schedule_for(organization=organization)
    totals = due_totals(organization=organization, schedule=schedule)
    needs_approval = _above_threshold(schedule, totals)
    now = timezone.now()
    try:
        with transaction.atomic():
            run = PaymentRun.objects.create(
                organization=organization,
                state=RunState.AWAITING_APPROVAL if needs_approval else RunState.PROCESSING,
                trigger=PaymentRun.Trigger.MANUAL,
                provider=schedule.provider,
                started_by=actor,
                started_at=None if needs_approval else now,
                totals={currency: str(total) for currency, total in totals.items()},
            )
    except IntegrityError:
        raise Conflict("Another payment run is open: finish or cancel it first.") from None
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.PAYMENT_RUN_STARTED,
        target=run,
        after={"state": run.state, "totals": run.totals},
    )
    if not needs_approval:
        _enqueue(run)
    return run


def _locked_run(run: PaymentRun) -> PaymentRun:
    return (
        PaymentRun.objects.select_for_update()
        .select_related("organization")
        .get(pk=run.pk, organization_id=run.organization_id)
    )


@transaction.atomic
def run_approve(*, run: PaymentRun, actor: Any, membership: Any) -> PaymentRun:
    """A second admin approves a run above the threshold; it starts processing."""
    _check_admin(membership, "approve", run.organization_id)
    locked = _locked_run(run)
    if locked.started_by_id is not None and locked.started_by_id == getattr(actor, "pk", None):
        raise Forbidden("You started this run: another admin has to approve it.")
    if locked.state != RunState.AWAITING_APPROVAL:
        raise Conflict("This run is not waiting for approval.")
    _run_move(
        locked, RunState.PROCESSING, actor=actor, approved_by=actor, started_at=timezone.now()
    )
    _enqueue(locked)
    return locked


@transaction.atomic
def run_cancel(*, run: PaymentRun, actor: Any, membership: Any) -> PaymentRun:
    """Cancel a run that waits for approval (nothing was claimed yet)."""
    _check_admin(membership, "cancel", run.organization_id)
    locked = _locked_run(run)
    if locked.state != RunState.AWAITING_APPROVAL:
        raise Conflict("Only a run waiting for approval can be cancelled.")
    _run_move(locked, RunState.CANCELLED, actor=actor, finished_at=timezone.now())
    return locked


@transaction.atomic
def run_open_scheduled(*, organization: Any, now: Any | None = None) -> PaymentRun | None:
    """If the org's schedule is due, open a schedule-triggered run (no approval) unless a run
    is open, and advance the schedule. Two openers at once: the schedule row is claimed with
    ``FOR UPDATE SKIP LOCKED``, so one opens and the other does nothing."""
    now = now or timezone.now()
    schedule = (
        PaymentSchedule.objects.select_for_update(skip_locked=True)
        .filter(organization_id=organization.pk, next_run_at__lte=now)
        .first()
    )
    if schedule is None:
        return None
    run = None
    if open_run(organization=organization) is None:
        try:
            with transaction.atomic():
                run = PaymentRun.objects.create(
                    organization=organization,
                    state=RunState.PROCESSING,
                    trigger=PaymentRun.Trigger.SCHEDULE,
                    provider=schedule.provider,
                    scheduled_for=schedule.next_run_at,
                    started_at=now,
                )
        except IntegrityError:
            run = None
    # A slot that finds a run open is skipped: that run takes what is due.
    PaymentSchedule.objects.filter(pk=schedule.pk).update(next_run_at=next_run_after(schedule, now))
    if run is not None:
        audit_record(
            organization=organization,
            actor=None,
            verb=AuditVerb.PAYMENT_RUN_STARTED,
            target=run,
            after={"state": run.state, "trigger": run.trigger},
        )
        _enqueue(run)
    return run


# ---------------------------------------------------------------------------------------------
# Processing (the worker body)


@contextmanager
def _run_lock(run_id: int) -> Iterator[bool]:
    """A session advisory lock: one worker processes a run at a time; it is released when the
    worker's connection goes, so a killed worker never blocks the re-run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, run_id % 2**31])
        got = bool(cursor.fetchone()[0])
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, run_id % 2**31]
                )


def _after_commit(
    func: Callable[..., None], organization_id: int, payout_ids: Sequence[int]
) -> None:
    if not payout_ids:
        return
    ids = list(payout_ids)

    def call() -> None:
        try:
            with db_scope(org_ids=[organization_id]):
                func(organization_id=organization_id, payout_ids=ids)
        except Exception:  # a notification must never undo or stop a payment
            log.exception("payout notification %s failed", getattr(func, "__name__", func))

    transaction.on_commit(call)


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Processor:
    def __init__(self, organization_id: int, run: PaymentRun, chunk_size: int) -> None:
        self.org_id = organization_id
        self.run = run
        self.chunk = max(1, chunk_size)
        self.provider: PayoutProvider = provider_for(run.provider)
        self.memo = f"Payment run #{run.pk}"

    def scope(self) -> Any:
        return db_scope(org_ids=[self.org_id])

    # (a) claim ------------------------------------------------------------------------------
    def claim(self) -> None:
        with self.scope():
            schedule = schedule_for(organization=self.run.organization)
            self.max_failures = schedule.max_failures
            # Payouts left processing by an earlier run (a lost answer) are this run's now:
            # it sends them again with their stored key. Scheduled ones left by an earlier run
            # (or scheduled by hand) are this run's too. Only one run of an org is open at a
            # time (a database constraint), so no other live run owns them.
            Payout.objects.filter(
                organization_id=self.org_id,
                state__in=[PayoutState.PROCESSING, PayoutState.SCHEDULED],
            ).exclude(run_id=self.run.pk).update(run_id=self.run.pk)
            ids = due_payout_ids(
                organization=self.run.organization, schedule=schedule, exclude_run_id=self.run.pk
            )
        for chunk in _chunks(ids, self.chunk):
            with self.scope():
                moved = payouts_move_bulk(
                    organization_id=self.org_id,
                    payout_ids=chunk,
                    source=PayoutState.EARNED,
                    target=PayoutState.SCHEDULED,
                    run=self.run,
                    memo=self.memo,
                    run_id=self.run.pk,
                )
                _after_commit(notify.payouts_scheduled, self.org_id, moved)
        with self.scope():
            totals: dict[str, Decimal] = defaultdict(Decimal)
            count = 0
            rows = (
                Payout.objects.filter(organization_id=self.org_id, run_id=self.run.pk)
                .values("currency")
                .annotate(total=Sum("amount"), n=Count("pk"))
            )
            for row in rows:
                totals[row["currency"]] += row["total"]
                count += row["n"]
            PaymentRun.objects.filter(pk=self.run.pk).update(
                total_count=count, totals={c: str(t) for c, t in sorted(totals.items())}
            )

    # (b) stage -------------------------------------------------------------------------------
    def stage(self) -> list[int]:
        """Next chunk: scheduled → processing, storing key and attempt in the same UPDATE."""
        with self.scope():
            ids = list(
                Payout.objects.filter(
                    organization_id=self.org_id, run_id=self.run.pk, state=PayoutState.SCHEDULED
                )
                .order_by("pk")
                .values_list("pk", flat=True)[: self.chunk]
            )
            if not ids:
                return []
            key = Concat(
                Value(f"{self.org_id}-"),
                Cast(F("id"), CharField()),
                Value("-"),
                Cast(F("attempts") + 1, CharField()),
                output_field=CharField(),
            )
            staged = payouts_move_bulk(
                organization_id=self.org_id,
                payout_ids=ids,
                source=PayoutState.SCHEDULED,
                target=PayoutState.PROCESSING,
                run=self.run,
                memo=self.memo,
                idempotency_key=key,
                attempts=F("attempts") + 1,
            )
            # Rows another worker holds are skipped: that worker stages them. If it holds them
            # all, stop here rather than spin; ``finish`` leaves the run to that worker.
            return staged

    def processing(self, ids: Iterable[int] | None = None, after: int = 0) -> list[Payout]:
        with self.scope():
            qs = Payout.objects.filter(
                organization_id=self.org_id,
                run_id=self.run.pk,
                state=PayoutState.PROCESSING,
                idempotency_key__isnull=False,
            ).only(
                "pk",
                "organization_id",
                "creator_id",
                "amount",
                "currency",
                "idempotency_key",
                "failure_count",
            )
            if ids is not None:
                return list(qs.filter(pk__in=list(ids)).order_by("pk"))
            return list(qs.filter(pk__gt=after).order_by("pk")[: self.chunk])

    # (c) send and settle ---------------------------------------------------------------------
    def send(self, payouts: list[Payout]) -> None:
        if not payouts:
            return
        results = self.provider.pay_many(payouts)  # outside any transaction
        if self.provider.confirms_later:
            return
        with self.scope():
            self.settle(payouts, results)

    def settle(self, payouts: list[Payout], results: dict[int, ProviderResult | None]) -> None:
        now = timezone.now()
        ok = {p.pk: r for p in payouts if (r := results.get(p.pk)) is not None and r.ok}
        keys = {p.pk: str(p.idempotency_key) for p in payouts}
        # References made of a fixed prefix and the key (the sandbox's, most providers') are
        # written by the move's own UPDATE; others by one UPDATE from the chunk's values.
        prefixes = {
            r.reference[: -len(keys[pk])] if r.reference.endswith(keys[pk]) else None
            for pk, r in ok.items()
        }
        prefix = prefixes.pop() if len(prefixes) == 1 else None
        if prefix is not None and len(prefix) > 40:  # prefix + key (≤ 80) fit the column
            prefix = None
        reference: dict[str, Any] = {}
        if prefix is not None:
            reference["provider_reference"] = Concat(
                Value(prefix), F("idempotency_key"), output_field=CharField()
            )
        paid = payouts_move_bulk(
            organization_id=self.org_id,
            payout_ids=list(ok),
            source=PayoutState.PROCESSING,
            target=PayoutState.PAID,
            run=self.run,
            memo=self.memo,
            paid_at=now,
            **reference,
        )
        if paid and prefix is None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE payments_payout p SET provider_reference = v.ref "
                    "FROM unnest(%s::bigint[], %s::text[]) AS v(id, ref) "
                    "WHERE p.id = v.id AND p.organization_id = %s",
                    [paid, [ok[pk].reference[:120] for pk in paid], self.org_id],
                )
        by_error: dict[str, list[Payout]] = defaultdict(list)
        for payout in payouts:
            result = results.get(payout.pk)
            if result is not None and not result.ok:
                by_error[result.error[:500] or "Refused by the provider."].append(payout)
        failed: list[int] = []
        held: list[int] = []
        for error, group in by_error.items():
            moved = set(
                payouts_move_bulk(
                    organization_id=self.org_id,
                    payout_ids=[p.pk for p in group],
                    source=PayoutState.PROCESSING,
                    target=PayoutState.FAILED,
                    run=self.run,
                    memo=f"{self.memo}: {error}",
                    failure_count=F("failure_count") + 1,
                    failure_reason=error,
                )
            )
            failed.extend(moved)
            hold_ids = {
                p.pk for p in group if p.pk in moved and p.failure_count + 1 >= self.max_failures
            }
            retry = [p.pk for p in group if p.pk in moved and p.pk not in hold_ids]
            payouts_move_bulk(
                organization_id=self.org_id,
                payout_ids=retry,
                source=PayoutState.FAILED,
                target=PayoutState.EARNED,
                run=self.run,
                memo=f"{error} — retried in the next run",
            )
            hold_reason = (
                f"Failed {self.max_failures} times (last: {error}); a success manager checks "
                "the payout details."
            )
            holding = payouts_move_bulk(
                organization_id=self.org_id,
                payout_ids=sorted(hold_ids),
                source=PayoutState.FAILED,
                target=PayoutState.ON_HOLD,
                run=self.run,
                memo=hold_reason,
                hold_reason=hold_reason[:500],
            )
            held.extend(holding)
        if held:
            self.open_tasks(held)
        PaymentRun.objects.filter(pk=self.run.pk).update(
            done_count=F("done_count") + len(paid) + len(failed),
            paid_count=F("paid_count") + len(paid),
            failed_count=F("failed_count") + len(failed),
        )
        _after_commit(notify.payouts_paid, self.org_id, paid)
        _after_commit(notify.payouts_held, self.org_id, held)

    def open_tasks(self, payout_ids: list[int]) -> None:
        for payout in Payout.objects.filter(pk__in=payout_ids).select_related(
            "creator", "enrollment"
        ):
            queue.task_create(
                organization=self.run.organization,
                kind=TaskKind.PAYOUT_FAILED,
                title=f"Payout of {payout.amount} {payout.currency} to "
                f"{payout.creator.display_name} is on hold after failed attempts",
                owner_role=OwnerRole.BSM,
                dedupe_key=f"payout-failed:{payout.pk}",
                enrollment=payout.enrollment,
                creator=payout.creator,
                source_event=f"payout:{payout.pk}",
                note=payout.hold_reason or payout.failure_reason,
            )

    # (e) finish ------------------------------------------------------------------------------
    def finish(self) -> None:
        with self.scope():
            run = PaymentRun.objects.select_related("organization").get(pk=self.run.pk)
            if run.state != RunState.PROCESSING:
                return
            if Payout.objects.filter(
                organization_id=self.org_id, run_id=run.pk, state=PayoutState.SCHEDULED
            ).exists():
                return  # another worker is still staging
            if self.provider.confirms_later:
                payouts = (
                    Payout.objects.filter(
                        organization_id=self.org_id,
                        run_id=run.pk,
                        state=PayoutState.PROCESSING,
                    )
                    .select_related("creator")
                    .order_by("pk")
                )
                export = self.provider.export(run=run, payouts=payouts)  # type: ignore[attr-defined]
                _run_move(run, RunState.AWAITING_CONFIRMATION, export_file=export)
            else:
                _run_move(run, RunState.COMPLETED, finished_at=timezone.now())

    def process(self) -> None:
        self.claim()
        # Payouts already processing (a crash, a lost answer) go first, with their stored key.
        after = 0
        while batch := self.processing(after=after):
            self.send(batch)
            after = batch[-1].pk
        while staged := self.stage():
            self.send(self.processing(ids=staged))
        self.finish()


def run_process(*, organization_id: int, run_id: int, chunk_size: int = CHUNK) -> bool:
    """Process the run (resumable; safe to call twice at once). Call it outside a transaction
    in production: each chunk commits on its own. Returns False if another worker holds the
    run (it will finish it) or the run is not processing."""
    with _run_lock(run_id) as got:
        if not got:
            return False
        with db_scope(org_ids=[organization_id]):
            run = (
                PaymentRun.objects.select_related("organization")
                .filter(pk=run_id, organization_id=organization_id)
                .first()
            )
        if run is None or run.state != RunState.PROCESSING:
            return False
        _Processor(organization_id, run, chunk_size).process()
        return True


@transaction.atomic
def run_confirm_export(*, run: PaymentRun, actor: Any, membership: Any) -> PaymentRun:
    """An admin confirms the bank accepted the export: its payouts are paid, the run done."""
    _check_admin(membership, "confirm", run.organization_id)
    locked = _locked_run(run)
    if locked.state != RunState.AWAITING_CONFIRMATION:
        raise Conflict("This run has no export waiting for confirmation.")
    ids = list(
        Payout.objects.filter(
            organization_id=locked.organization_id,
            run_id=locked.pk,
            state=PayoutState.PROCESSING,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    paid: list[int] = []
    for chunk in _chunks(ids, CHUNK):
        paid += payouts_move_bulk(
            organization_id=locked.organization_id,
            payout_ids=chunk,
            source=PayoutState.PROCESSING,
            target=PayoutState.PAID,
            actor=actor,
            run=locked,
            memo=f"Payment run #{locked.pk}: export confirmed",
            paid_at=timezone.now(),
            provider_reference=F("idempotency_key"),
        )
    _run_move(
        locked,
        RunState.COMPLETED,
        actor=actor,
        finished_at=timezone.now(),
        done_count=F("done_count") + len(paid),
        paid_count=F("paid_count") + len(paid),
    )
    locked.refresh_from_db()
    _after_commit(notify.payouts_paid, locked.organization_id, paid)
    return locked


__all__ = [
    "CarriedPayout",
    "carried_payouts",
    "due_payout_ids",
    "due_payouts",
    "due_totals",
    "open_run",
    "run_approve",
    "run_cancel",
    "run_confirm_export",
    "run_open_scheduled",
    "run_process",
    "run_progress",
    "run_start",
]
