"""Payment runs, the staff's side: start (by hand or by the schedule), approve, cancel, confirm
an export. The worker's side — paying each due payout exactly once — is ``processing``.

Opening a run to processing enqueues its worker after commit, by the task's pinned name: the
tasks module calls into this one, so this one does not import it.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, Forbidden
from organizations.permissions import can_run_payments
from payments import notify
from payments.ledger import payouts_move_bulk
from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutState
from payments.runs.processing import CHUNK, chunks, notify_after_commit, run_process
from payments.runs.schedule import next_run_after, schedule_for
from payments.runs.selectors import (
    CarriedPayout,
    RunPreview,
    carried_payouts,
    due_payout_ids,
    due_payouts,
    due_totals,
    needs_approval,
    open_run,
    run_preview,
    run_progress,
)
from payments.runs.states import RunState, run_move

# The pinned Celery name of ``payments.runs.tasks.run_process_task`` (never change it).
RUN_PROCESS_TASK = "payments.tasks.run_process_task"


def _enqueue(run: PaymentRun) -> None:
    """Queue the run's worker once the run is committed (by name: see the module docstring)."""
    org_id, run_id = run.organization_id, run.pk
    transaction.on_commit(
        lambda: current_app.signature(RUN_PROCESS_TASK, args=(org_id, run_id)).delay()
    )


def _check_admin(membership: Any, action: str, organization_id: int) -> None:
    if not can_run_payments(membership) or membership.organization_id != organization_id:
        raise Forbidden(gettext("Only an admin can %(action)s payment runs.") % {"action": action})


class StalePreview(Conflict):
    """The payouts a run would pay changed since the preview the admin confirmed."""

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "The payouts due changed since this preview (a payout was earned, held, released "
                "or changed): nothing was started. Check the new preview and confirm again."
            )
        )


def _check_fingerprint(preview: RunPreview, fingerprint: str | None) -> None:
    if fingerprint is not None and fingerprint != preview.fingerprint:
        raise StalePreview()


@transaction.atomic
def run_start(
    *, organization: Any, actor: Any, membership: Any, fingerprint: str | None = None
) -> PaymentRun:
    """An admin starts a run now. Above the schedule's approval threshold (any one currency's
    due total), it waits for a second admin; otherwise it starts processing.

    ``fingerprint`` is the one of the preview the admin confirmed (``run_preview``): if what
    is due changed since, ``StalePreview`` (409) and nothing starts."""
    _check_admin(membership, "start", organization.pk)
    if open_run(organization=organization) is not None:
        raise Conflict(gettext("Another payment run is open: finish or cancel it first."))
    schedule = schedule_for(organization=organization)
    preview = run_preview(organization=organization, schedule=schedule)
    _check_fingerprint(preview, fingerprint)
    totals = preview.totals
    approval = needs_approval(schedule, totals)
    now = timezone.now()
    try:
        with transaction.atomic():
            run = PaymentRun.objects.create(
                organization=organization,
                state=RunState.AWAITING_APPROVAL if approval else RunState.PROCESSING,
                trigger=PaymentRun.Trigger.MANUAL,
                provider=schedule.provider,
                started_by=actor,
                started_at=None if approval else now,
                totals={currency: str(total) for currency, total in sorted(totals.items())},
            )
    except IntegrityError:
        raise Conflict(gettext("Another payment run is open: finish or cancel it first.")) from None
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.PAYMENT_RUN_STARTED,
        target=run,
        after={"state": run.state, "totals": run.totals, "payouts": preview.count},
    )
    if not approval:
        _enqueue(run)
    return run


def _locked_run(run: PaymentRun) -> PaymentRun:
    return (
        PaymentRun.objects.select_for_update()
        .select_related("organization")
        .get(pk=run.pk, organization_id=run.organization_id)
    )


@transaction.atomic
def run_approve(
    *, run: PaymentRun, actor: Any, membership: Any, fingerprint: str | None = None
) -> PaymentRun:
    """A second admin approves a run above the threshold; it starts processing. With the
    ``fingerprint`` of the preview the approver saw, a change since is ``StalePreview``."""
    _check_admin(membership, "approve", run.organization_id)
    locked = _locked_run(run)
    if locked.started_by_id is not None and locked.started_by_id == getattr(actor, "pk", None):
        raise Forbidden(gettext("You started this run: another admin has to approve it."))
    if locked.state != RunState.AWAITING_APPROVAL:
        raise Conflict(gettext("This run is not waiting for approval."))
    _check_fingerprint(run_preview(organization=locked.organization), fingerprint)
    run_move(locked, RunState.PROCESSING, actor=actor, approved_by=actor, started_at=timezone.now())
    _enqueue(locked)
    return locked


@transaction.atomic
def run_cancel(*, run: PaymentRun, actor: Any, membership: Any) -> PaymentRun:
    """Cancel a run that waits for approval (nothing was claimed yet)."""
    _check_admin(membership, "cancel", run.organization_id)
    locked = _locked_run(run)
    if locked.state != RunState.AWAITING_APPROVAL:
        raise Conflict(gettext("Only a run waiting for approval can be cancelled."))
    run_move(locked, RunState.CANCELLED, actor=actor, finished_at=timezone.now())
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


@transaction.atomic
def run_confirm_export(*, run: PaymentRun, actor: Any, membership: Any) -> PaymentRun:
    """An admin confirms the bank accepted the export: its payouts are paid, the run done."""
    _check_admin(membership, "confirm", run.organization_id)
    locked = _locked_run(run)
    if locked.state != RunState.AWAITING_CONFIRMATION:
        raise Conflict(gettext("This run has no export waiting for confirmation."))
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
    for chunk in chunks(ids, CHUNK):
        paid += payouts_move_bulk(
            organization_id=locked.organization_id,
            payout_ids=chunk,
            source=PayoutState.PROCESSING,
            target=PayoutState.PAID,
            actor=actor,
            run=locked,
            memo=(gettext("Payment run #%(pk)s: export confirmed") % {"pk": locked.pk}),
            paid_at=timezone.now(),
            provider_reference=F("idempotency_key"),
        )
    run_move(
        locked,
        RunState.COMPLETED,
        actor=actor,
        finished_at=timezone.now(),
        done_count=F("done_count") + len(paid),
        paid_count=F("paid_count") + len(paid),
    )
    locked.refresh_from_db()
    notify_after_commit(notify.payouts_paid, locked.organization_id, paid)
    return locked


__all__ = [
    "CHUNK",
    "CarriedPayout",
    "RunPreview",
    "StalePreview",
    "carried_payouts",
    "due_payout_ids",
    "due_payouts",
    "due_totals",
    "open_run",
    "run_approve",
    "run_cancel",
    "run_confirm_export",
    "run_open_scheduled",
    "run_preview",
    "run_process",
    "run_progress",
    "run_start",
]
