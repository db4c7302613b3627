"""Processing a payment run (the worker body): claim, stage, send, settle, finish, resume.

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
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import CharField, Count, F, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.tenancy import db_scope
from messaging.kinds import OwnerRole, TaskKind
from messaging.services import queue
from payments import notify
from payments.ledger import payouts_move_bulk
from payments.models import PaymentRun, Payout, PayoutState
from payments.runs.hooks import before_claim
from payments.runs.providers import PayoutProvider, ProviderResult, provider_for
from payments.runs.schedule import schedule_for
from payments.runs.selectors import adoptable_payouts, due_payout_ids
from payments.runs.states import RunState, run_move

log = logging.getLogger(__name__)

CHUNK = 1000
# pg advisory lock namespace of "a worker is processing run <id>".
RUN_LOCK_CLASS = 7_320_001


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


def notify_after_commit(
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


def chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class _Processor:
    def __init__(self, organization_id: int, run: PaymentRun, chunk_size: int) -> None:
        self.org_id = organization_id
        self.run = run
        self.chunk = max(1, chunk_size)
        self.provider: PayoutProvider = provider_for(run.provider)
        self.memo = gettext("Payment run #%(pk)s") % {"pk": run.pk}

    def scope(self) -> Any:
        return db_scope(org_ids=[self.org_id])

    # (a) claim ------------------------------------------------------------------------------
    def claim(self) -> None:
        with self.scope():
            schedule = schedule_for(organization=self.run.organization)
            self.max_failures = schedule.max_failures
            before_claim(self.run.organization, self.run)  # e.g. commission due now
            # Payouts left processing by an earlier run (a lost answer) are this run's now:
            # it sends them again with their stored key. Scheduled ones left by an earlier run
            # (or scheduled by hand) are this run's too. Only one run of an org is open at a
            # time (a database constraint), so no other live run owns them.
            adoptable_payouts(organization_id=self.org_id, run_id=self.run.pk).update(
                run_id=self.run.pk
            )
            ids = due_payout_ids(
                organization=self.run.organization, schedule=schedule, exclude_run_id=self.run.pk
            )
        for chunk in chunks(ids, self.chunk):
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
                notify_after_commit(notify.payouts_scheduled, self.org_id, moved)
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
                memo=(gettext("%(error)s — retried in the next run") % {"error": error}),
            )
            hold_reason = gettext(
                "Failed %(max_failures)s times (last: %(error)s); a success manager "
                "checks the payout details."
            ) % {"max_failures": self.max_failures, "error": error}
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
        notify_after_commit(notify.payouts_paid, self.org_id, paid)
        notify_after_commit(notify.payouts_held, self.org_id, held)

    def open_tasks(self, payout_ids: list[int]) -> None:
        for payout in Payout.objects.filter(pk__in=payout_ids).select_related(
            "creator", "enrollment"
        ):
            queue.task_create(
                organization=self.run.organization,
                kind=TaskKind.PAYOUT_FAILED,
                title=gettext(
                    "Payout of %(amount)s %(currency)s to %(display_name)s is on hold "
                    "after failed attempts"
                )
                % {
                    "amount": payout.amount,
                    "currency": payout.currency,
                    "display_name": payout.creator.display_name,
                },
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
            # Still staging (another worker), or — unless the provider confirms later — an answer
            # was lost: the run stays processing, and the resume job re-sends those payouts with
            # their stored keys. A run is completed only when none of its payouts is processing.
            waiting = [PayoutState.SCHEDULED]
            if not self.provider.confirms_later:
                waiting.append(PayoutState.PROCESSING)
            if Payout.objects.filter(
                organization_id=self.org_id, run_id=run.pk, state__in=waiting
            ).exists():
                return
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
                run_move(run, RunState.AWAITING_CONFIRMATION, export_file=export)
            else:
                run_move(run, RunState.COMPLETED, finished_at=timezone.now())

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
