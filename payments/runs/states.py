"""The payment run's state machine: which moves are legal, and the one function that makes them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict
from influencer_ops.events import EventType, emit
from payments.models import PaymentRun

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


def run_move(run: PaymentRun, target: str, *, actor: Any | None = None, **fields: Any) -> bool:
    """Move the run from its current state (as read) to ``target``, conditionally; audited.
    Returns False if someone moved it first."""
    source = run.state
    if target not in RUN_TRANSITIONS.get(source, frozenset()):
        raise Conflict(
            gettext("A run that is %(lower)s cannot become %(lower2)s.")
            % {"lower": RunState(source).label.lower(), "lower2": RunState(target).label.lower()}
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
    if target == RunState.COMPLETED:
        emit(
            run.organization_id,
            EventType.PAYMENT_RUN_COMPLETED,
            {"payment_run_id": run.pk, "trigger": run.trigger, "provider": run.provider},
        )
    return True
