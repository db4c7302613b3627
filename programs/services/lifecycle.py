"""A program's lifecycle: draft → recruiting → launched → completed → closed (or cancelled).

Every move goes through ``states.PROGRAM_TRANSITIONS``, re-checked under a row lock, and writes
an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops import validation
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict
from messaging.services.queue import task_handover_program
from payments.earning import payouts_earn_for_program
from programs.deadlines.delivery import deliverables_create_for_program
from programs.models import Enrollment, Program
from programs.services.brief import ProgramInvalid, lock
from programs.states import PROGRAM_TRANSITIONS, EnrollmentState, ProgramState, check_transition
from tracking.links.services import links_create_for_program


def brief_missing(program: Program) -> list[str]:
    """What a complete brief still lacks, in words a user understands; empty when complete."""
    missing = [
        label
        for field, label in (
            ("goals", "goals"),
            ("platforms", "platforms"),
            ("categories", "categories"),
            ("launch_on", "a launch date"),
            ("end_on", "an end date"),
        )
        if not getattr(program, field)
    ]
    if not program.deliverable_specs.all():
        missing.append(gettext("at least one deliverable"))
    if program.flat_fee is None and program.per_click_rate is None:
        missing.append(gettext("compensation (a flat fee or a per-click rate)"))
    if not program.guidelines:
        missing.append("guidelines")
    return missing


def program_launch_blockers(program: Program) -> list[str]:
    """Why ``program`` cannot launch now (the brief, then the roster); empty when it can."""
    blockers = brief_missing(program)
    confirmed = Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state=EnrollmentState.CONFIRMED
    )
    if not confirmed.exists():
        blockers.append(gettext("at least one confirmed creator"))
    return blockers


_STAMPS = {
    ProgramState.LAUNCHED: "launched_at",
    ProgramState.COMPLETED: "completed_at",
    ProgramState.CANCELLED: "cancelled_at",
}


def _program_move(
    program: Program, target: str, actor: Any, extra: dict[str, Any] | None = None
) -> Program:
    locked = lock(program)
    check_transition(PROGRAM_TRANSITIONS, locked.state, target, "program")
    before = locked.state
    locked.state = target
    fields = ["state"]
    stamp = _STAMPS.get(ProgramState(target))
    if stamp is not None:
        setattr(locked, stamp, timezone.now())
        fields.append(stamp)
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb(f"program.{target}"),
        target=locked,
        before={"state": before},
        after={"state": target, **(extra or {})},
    )
    return locked


@transaction.atomic
def program_open_recruiting(*, program: Program, actor: Any) -> Program:
    return _program_move(program, ProgramState.RECRUITING, actor)


@transaction.atomic
def program_launch(*, program: Program, actor: Any) -> Program:
    """Launch: needs a complete brief and a confirmed creator (``Conflict`` naming everything
    missing). Confirmed enrollments become active, and every open ISM task about the program
    is handed to its BSM with its history."""
    locked = lock(program)
    check_transition(PROGRAM_TRANSITIONS, locked.state, ProgramState.LAUNCHED, "program")
    blockers = program_launch_blockers(locked)
    if blockers:
        raise Conflict(
            gettext("%(name)s cannot launch yet. It needs %(join)s.")
            % {"name": locked.name, "join": _join(blockers)}
        )
    launched = _program_move(locked, ProgramState.LAUNCHED, actor)
    Enrollment.objects.filter(
        organization_id=launched.organization_id,
        program=launched,
        state=EnrollmentState.CONFIRMED,
    ).update(state=EnrollmentState.ACTIVE)
    deliverables_create_for_program(program=launched)
    links_create_for_program(program=launched)
    task_handover_program(program=launched, actor=actor)
    return launched


@transaction.atomic
def program_complete(*, program: Program, actor: Any) -> Program:
    """Completion: open tasks stay with the BSM. Every active or completed creator earns what
    their terms pay at the end (clicks, milestone bonus), in the same transaction."""
    completed = _program_move(program, ProgramState.COMPLETED, actor)
    payouts_earn_for_program(program=completed, actor=actor)
    return completed


@transaction.atomic
def program_close(*, program: Program, actor: Any) -> Program:
    """Close a completed program: the end of its lifecycle."""
    return _program_move(program, ProgramState.CLOSED, actor)


@transaction.atomic
def program_cancel(*, program: Program, actor: Any, reason: str) -> Program:
    """Cancel any time before completion, with a reason kept in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise ProgramInvalid({"reason": ["Say why the program is cancelled."]})
    if len(reason) > validation.REASON_MAX_LENGTH:
        raise ProgramInvalid({"reason": [f"At most {validation.REASON_MAX_LENGTH} characters."]})
    return _program_move(program, ProgramState.CANCELLED, actor, extra={"reason": reason})


def _join(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
