"""Program and enrollment lifecycle writes. Issue #4 adds briefs, terms and recruiting."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from influencer_ops.audit import audit_record
from influencer_ops.errors import Conflict, DomainError

from .models import Enrollment, Program
from .states import (
    ENROLLMENT_TRANSITIONS,
    PROGRAM_TRANSITIONS,
    EnrollmentState,
    ProgramState,
    check_transition,
)


@transaction.atomic
def program_create(
    *,
    organization: Any,
    brand: Any,
    name: str,
    actor: Any,
    assigned_ism: Any | None = None,
    assigned_bsm: Any | None = None,
) -> Program:
    if brand.organization_id != organization.pk:
        raise DomainError("The brand does not belong to this organization.")
    if not name.strip():
        raise DomainError("A program needs a name.")
    program = Program.objects.create(
        organization=organization,
        brand=brand,
        name=name.strip(),
        assigned_ism=assigned_ism,
        assigned_bsm=assigned_bsm,
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb="program.created",
        target=program,
        after={"name": program.name, "brand": brand.pk},
    )
    return program


def _program_move(program: Program, target: str, actor: Any) -> Program:
    locked = Program.objects.select_for_update().get(pk=program.pk)
    check_transition(PROGRAM_TRANSITIONS, locked.state, target, "program")
    before = locked.state
    locked.state = target
    fields = ["state"]
    if target == ProgramState.LAUNCHED:
        locked.launched_at = timezone.now()
        fields.append("launched_at")
    if target == ProgramState.COMPLETED:
        locked.completed_at = timezone.now()
        fields.append("completed_at")
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=f"program.{target}",
        target=locked,
        before={"state": before},
        after={"state": target},
    )
    return locked


@transaction.atomic
def program_open_recruiting(*, program: Program, actor: Any) -> Program:
    return _program_move(program, ProgramState.RECRUITING, actor)


@transaction.atomic
def program_launch(*, program: Program, actor: Any) -> Program:
    """Launch: needs a confirmed creator; confirmed enrollments become active, and every open
    ISM task about the program is handed to its BSM with its history."""
    from messaging.services.queue import task_handover_program

    confirmed = Enrollment.objects.filter(
        organization_id=program.organization_id, program=program, state=EnrollmentState.CONFIRMED
    )
    if not confirmed.exists():
        raise Conflict("A program launches with at least one confirmed creator.")
    launched = _program_move(program, ProgramState.LAUNCHED, actor)
    confirmed.update(state=EnrollmentState.ACTIVE)
    task_handover_program(program=launched, actor=actor)
    return launched


@transaction.atomic
def program_complete(*, program: Program, actor: Any) -> Program:
    """Completion: open tasks stay with the BSM."""
    return _program_move(program, ProgramState.COMPLETED, actor)


@transaction.atomic
def enrollment_invite(*, program: Program, creator: Any, actor: Any) -> Enrollment:
    if creator.organization_id != program.organization_id:
        raise DomainError("The creator does not belong to this organization.")
    if Enrollment.objects.filter(program=program, creator=creator).exists():
        raise Conflict(f"{creator.display_name} is already in {program.name}.")
    enrollment = Enrollment.objects.create(
        organization_id=program.organization_id, program=program, creator=creator
    )
    audit_record(
        organization=program.organization, actor=actor, verb="enrollment.invited", target=enrollment
    )
    return enrollment


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, target: str, actor: Any) -> Enrollment:
    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    check_transition(ENROLLMENT_TRANSITIONS, locked.state, target, "creator's enrollment")
    before = locked.state
    locked.state = target
    locked.save(update_fields=["state"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=f"enrollment.{target}",
        target=locked,
        before={"state": before},
        after={"state": target},
    )
    return locked
