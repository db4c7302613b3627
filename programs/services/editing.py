"""Creating, editing and cloning a program, and the deliverables its brief asks for.

Every service is keyword-only and atomic, validates before it writes (a refusal leaves nothing
half-saved) and writes an audit event.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops import validation
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.choices import Platform
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.validation import ValueInvalid
from programs.models import DeliverableSpec, Program
from programs.services.brief import (
    BRIEF_FIELDS,
    EDITABLE_STATES,
    STAFF_ROLES,
    ProgramInvalid,
    apply_brief,
    audit_changes,
    audit_value,
    clean_staff,
    current_value,
    lock,
)
from programs.states import ProgramState
from tracking.links.services import links_refresh_destination


def actor_user(actor: Any) -> Any | None:
    """The acting user when a person acts (None for the system: sweeps, beat)."""
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def program_create(
    *,
    organization: Any,
    brand: Any,
    name: str,
    actor: Any,
    assigned_ism: Any | None = None,
    assigned_bsm: Any | None = None,
    **brief: Any,
) -> Program:
    """A new draft for ``brand``; ``brief`` may set any brief field at once (validated)."""
    if brand.organization_id != organization.pk:
        raise DomainError(gettext("The brand does not belong to this organization."))
    program = Program(organization=organization, brand=brand, created_by=actor_user(actor))
    fields = {"name": name, "assigned_ism": assigned_ism, "assigned_bsm": assigned_bsm, **brief}
    apply_brief(program, fields)
    program.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_CREATED,
        target=program,
        after={"name": program.name, "brand": brand.pk}
        | {field: audit_value(current_value(program, field)) for field in brief},
    )
    return program


@transaction.atomic
def program_update(*, program: Program, actor: Any, **fields: Any) -> Program:
    """Change the brief. Before launch anything may change; from launch only the assigned BSM
    (``Conflict`` otherwise). Invalid values raise ``ProgramInvalid`` and nothing is saved.
    Changing nothing writes nothing."""
    locked = lock(program)
    changes = apply_brief(locked, fields)
    if changes:
        locked.save(update_fields=list(changes))
        before, after = audit_changes(changes)
        audit_record(
            organization=locked.organization,
            actor=actor,
            verb=AuditVerb.PROGRAM_UPDATED,
            target=locked,
            before=before,
            after=after,
        )
        if "destination_url" in changes and locked.state != ProgramState.DRAFT:
            links_refresh_destination(program=locked)
    return locked


@transaction.atomic
def program_clone(*, program: Program, actor: Any, name: str) -> Program:
    """A new draft with the same brand, brief and deliverable specs (never the enrollments)."""
    brief = {field: getattr(program, field) for field in BRIEF_FIELDS - {"name", *STAFF_ROLES}}
    for field in STAFF_ROLES:  # people who have since left (or changed role) are not copied
        try:
            brief[field] = clean_staff(field, getattr(program, field), program.organization_id)
        except ValueInvalid:
            brief[field] = None
    clone = Program(
        organization_id=program.organization_id,
        brand_id=program.brand_id,
        created_by=actor_user(actor),
        cloned_from=program,
    )
    apply_brief(clone, {**brief, "name": name})
    clone.save()
    specs = DeliverableSpec.objects.filter(
        organization_id=program.organization_id, program=program
    ).order_by("id")
    DeliverableSpec.objects.bulk_create(
        DeliverableSpec(
            organization_id=clone.organization_id,
            program=clone,
            kind=spec.kind,
            platform=spec.platform,
            count=spec.count,
            due_on=spec.due_on,
            due_offset_days=spec.due_offset_days,
            expected_hours=spec.expected_hours,
        )
        for spec in specs
    )
    audit_record(
        organization=clone.organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_CLONED,
        target=clone,
        after={"name": clone.name, "cloned_from": program.pk},
    )
    return clone


# --- deliverable specs ---


def _require_editable(program: Program, what: str) -> None:
    if program.state not in EDITABLE_STATES:
        raise Conflict(
            gettext("%(name)s is %(lower)s: its deliverables can no longer %(what)s.")
            % {"name": program.name, "lower": program.get_state_display().lower(), "what": what}
        )


def _is_int_between(value: Any, low: int, high: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def _spec_errors(
    program: Program, kind: Any, platform: Any, count: Any, due_on: Any, offset: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in DeliverableSpec.Kind.values:
        errors["kind"] = ["Choose a kind of deliverable."]
    if platform not in Platform.values:
        errors["platform"] = ["Choose a platform."]
    if not _is_int_between(count, 1, validation.DELIVERABLE_COUNT_MAX):
        errors["count"] = [f"Between 1 and {validation.DELIVERABLE_COUNT_MAX}."]
    if (due_on is None) == (offset is None):
        message = gettext("Give either a due date or a number of days after launch, not both.")
        errors["due_on"] = [message]
    elif offset is not None and not _is_int_between(offset, 0, validation.DUE_OFFSET_MAX_DAYS):
        errors["due_offset_days"] = [f"Between 0 and {validation.DUE_OFFSET_MAX_DAYS} days."]
    elif isinstance(due_on, date):
        if program.launch_on and due_on < program.launch_on:
            errors["due_on"] = [f"Must be on or after the launch date ({program.launch_on})."]
        elif program.end_on and due_on > program.end_on:
            errors["due_on"] = [f"Must be on or before the end date ({program.end_on})."]
    elif due_on is not None:
        errors["due_on"] = ["Enter a valid date."]
    return errors


@transaction.atomic
def deliverable_spec_add(
    *,
    program: Program,
    actor: Any,
    kind: str,
    platform: str,
    count: int,
    due_on: date | None = None,
    due_offset_days: int | None = None,
    expected_hours: Decimal | None = None,
) -> DeliverableSpec:
    """Add a deliverable to the brief, before launch only. Exactly one of ``due_on`` and
    ``due_offset_days`` (days after launch); ``expected_hours`` (optional) is what one of them
    should take a creator."""
    locked = lock(program)
    _require_editable(locked, "change")
    errors = _spec_errors(locked, kind, platform, count, due_on, due_offset_days)
    if expected_hours is not None and not Decimal("0.25") <= expected_hours <= Decimal("1000"):
        errors["expected_hours"] = [gettext("Between 0.25 and 1000 hours.")]
    if errors:
        raise ProgramInvalid(errors)
    spec = DeliverableSpec.objects.create(
        organization_id=locked.organization_id,
        program=locked,
        kind=kind,
        platform=platform,
        count=count,
        due_on=due_on,
        due_offset_days=due_offset_days,
        expected_hours=expected_hours,
    )
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_DELIVERABLE_ADDED,
        target=locked,
        after=_spec_audit(spec),
    )
    return spec


@transaction.atomic
def deliverable_spec_remove(*, spec: DeliverableSpec, actor: Any) -> None:
    """Remove a deliverable from the brief, before launch only."""
    locked = lock(spec.program)
    _require_editable(locked, "change")
    before = _spec_audit(spec)
    DeliverableSpec.objects.filter(organization_id=locked.organization_id, pk=spec.pk).delete()
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_DELIVERABLE_REMOVED,
        target=locked,
        before=before,
    )


def _spec_audit(spec: DeliverableSpec) -> dict[str, Any]:
    return {
        "deliverable": spec.pk,
        "kind": spec.kind,
        "platform": spec.platform,
        "count": spec.count,
        "due_on": audit_value(spec.due_on),
        "due_offset_days": spec.due_offset_days,
        "expected_hours": None if spec.expected_hours is None else str(spec.expected_hours),
    }
