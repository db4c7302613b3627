"""Program writes: the brief, deliverable specs, cloning, the lifecycle and the date sweep.

Every service is keyword-only and atomic, validates before it writes (a refusal leaves nothing
half-saved), moves state only through ``states.PROGRAM_TRANSITIONS`` and writes an audit event.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.choices import Category, Platform
from influencer_ops.errors import Conflict, DomainError
from organizations.models import Membership
from organizations.roles import Role
from programs.models import DeliverableSpec, Enrollment, Program
from programs.states import (
    PLACE_HOLDING_STATES,
    PROGRAM_TRANSITIONS,
    EnrollmentState,
    ProgramState,
    check_transition,
)

logger = logging.getLogger(__name__)

# --- the brief: what may be set, and how each value is checked ---

FIELD_LABELS: dict[str, str] = {
    "name": "Name",
    "goals": "Goals",
    "audience_demographics": "Audience demographics",
    "audience_interests": "Audience interests",
    "audience_locations": "Audience locations",
    "platforms": "Platforms",
    "categories": "Categories",
    "min_audience": "Smallest audience",
    "max_audience": "Largest audience",
    "guidelines": "Guidelines",
    "disclosure_rule": "Disclosure rule",
    "nda_required": "NDA required",
    "destination_url": "Destination of tracked links",
    "recruit_by": "Recruit by",
    "launch_on": "Launch date",
    "content_due_on": "Content due date",
    "end_on": "End date",
    "capacity": "Capacity",
    "budget_amount": "Budget",
    "currency": "Currency",
    "flat_fee": "Flat fee",
    "per_click_rate": "Per-click rate",
    "click_milestone": "Click milestone",
    "milestone_bonus": "Milestone bonus",
    "prorate_if_missed": "Prorate if the milestone is missed",
    "assigned_ism": "Assigned ISM",
    "assigned_bsm": "Assigned BSM",
}
BRIEF_FIELDS = frozenset(FIELD_LABELS)
EDITABLE_STATES = frozenset({ProgramState.DRAFT, ProgramState.RECRUITING})
# From launch on the brief is what creators accepted; only its owner (the BSM) may change.
POST_LAUNCH_EDITABLE = frozenset({"assigned_bsm", "destination_url"})
DATE_ORDER = ("recruit_by", "launch_on", "content_due_on", "end_on")
TEXT_LIMITS = {
    "name": 150,
    "goals": 5000,
    "guidelines": 10000,
    "audience_demographics": 300,
    "disclosure_rule": 200,
}
REQUIRED_TEXT = frozenset({"name", "disclosure_rule"})
# (max_digits, decimal_places) of each amount, as in the model.
MONEY_FIELDS = {
    "budget_amount": (12, 2),
    "flat_fee": (12, 2),
    "milestone_bonus": (12, 2),
    "per_click_rate": (8, 4),
}
# Field name → smallest allowed value; None is allowed except for capacity.
INT_FIELDS = {"min_audience": 0, "max_audience": 0, "click_milestone": 1, "capacity": 1}
CHOICE_LISTS = {"platforms": Platform.values, "categories": Category.values}
FREE_LISTS = frozenset({"audience_interests", "audience_locations"})
BOOL_FIELDS = frozenset({"nda_required", "prorate_if_missed"})
STAFF_ROLES = {
    "assigned_ism": (Role.ISM, Role.ADMIN),
    "assigned_bsm": (Role.BSM, Role.ADMIN),
}
MAX_INT = 2_147_483_647


class ProgramInvalid(DomainError):
    """Field-by-field reasons why a write was refused; nothing was saved."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(
            " ".join(
                f"{FIELD_LABELS.get(field, field.replace('_', ' ').capitalize())}: {message}"
                for field, messages in errors.items()
                for message in messages
            )
        )


class _Bad(Exception):
    """One value was refused; the message is for the user."""


def _clean_text(field: str, value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if field in REQUIRED_TEXT and not text:
        raise _Bad("This field is required.")
    if len(text) > TEXT_LIMITS[field]:
        raise _Bad(f"At most {TEXT_LIMITS[field]} characters.")
    return text


def _clean_money(field: str, value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Bad("Enter an amount.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise _Bad("Enter an amount.") from exc
    max_digits, places = MONEY_FIELDS[field]
    if not amount.is_finite():
        raise _Bad("Enter an amount.")
    if amount < 0:
        raise _Bad("The amount cannot be negative.")
    if amount >= Decimal(10) ** (max_digits - places):
        raise _Bad("The amount is too large.")
    exponent = amount.as_tuple().exponent  # an int: the amount is finite
    if isinstance(exponent, int) and exponent < -places and amount != round(amount, places):
        raise _Bad(f"At most {places} decimal places.")
    return amount


def _clean_int(field: str, value: Any) -> int | None:
    if value is None or value == "":
        if field == "capacity":
            raise _Bad("This field is required.")
        return None
    if isinstance(value, bool):
        raise _Bad("Enter a whole number.")
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _Bad("Enter a whole number.") from exc
    if number != value and not isinstance(value, str):
        raise _Bad("Enter a whole number.")
    if number < INT_FIELDS[field]:
        raise _Bad(f"At least {INT_FIELDS[field]}.")
    if number > MAX_INT:
        raise _Bad("The number is too large.")
    return number


def _clean_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _Bad("Enter a valid date.") from exc


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise _Bad("Enter a list.")
    return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))


def _clean_choice_list(field: str, value: Any) -> list[str]:
    items = _as_list(value)
    unknown = [item for item in items if item not in CHOICE_LISTS[field]]
    if unknown:
        raise _Bad(f"Unknown choice: {', '.join(unknown)}.")
    return items


def _clean_free_list(value: Any) -> list[str]:
    items = _as_list(value)
    if len(items) > 50 or any(len(item) > 60 for item in items):
        raise _Bad("At most 50 entries of 60 characters each.")
    return items


def _clean_currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise _Bad("Use a three-letter ISO 4217 code, e.g. USD or EUR.")
    return code


def _clean_staff(field: str, value: Any, organization_id: int) -> Any:
    if value is None:
        return None
    allowed = STAFF_ROLES[field]
    user_id = getattr(value, "pk", None)
    is_member = user_id is not None and (
        Membership.objects.filter(
            organization_id=organization_id, user_id=user_id, role__in=allowed
        ).exists()
    )
    if not is_member:
        names = " or ".join(Role(role).label.lower() for role in allowed)
        raise _Bad(f"Choose a member who is an {names} of this organization.")
    return value


def _clean_value(field: str, value: Any, organization_id: int) -> Any:
    if field in TEXT_LIMITS:
        return _clean_text(field, value)
    if field in MONEY_FIELDS:
        return _clean_money(field, value)
    if field in INT_FIELDS:
        return _clean_int(field, value)
    if field in DATE_ORDER:
        return _clean_date(value)
    if field in CHOICE_LISTS:
        return _clean_choice_list(field, value)
    if field in FREE_LISTS:
        return _clean_free_list(value)
    if field in STAFF_ROLES:
        return _clean_staff(field, value, organization_id)
    if field == "currency":
        return _clean_currency(value)
    if field == "destination_url":
        return _clean_url(value)
    if field in BOOL_FIELDS and isinstance(value, bool):
        return value
    raise _Bad("Choose yes or no.")


def _clean_url(value: Any) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > 1000:
        raise _Bad("At most 1000 characters.")
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as exc:
        raise _Bad("Enter a web address starting with http:// or https://.") from exc
    return text


def _cross_field_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    low, high = values.get("min_audience"), values.get("max_audience")
    if low is not None and high is not None and high < low:
        errors["max_audience"] = ["The largest audience must be at least the smallest."]
    for later_index, later in enumerate(DATE_ORDER):
        for earlier in DATE_ORDER[:later_index]:
            first, second = values.get(earlier), values.get(later)
            if first is not None and second is not None and second < first:
                message = f"Must be on or after the {FIELD_LABELS[earlier].lower()} ({first})."
                errors.setdefault(later, [message])
                break
    return errors


def _audit_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_meta"):
        return value.pk
    return value


def _current(program: Program, field: str) -> Any:
    if field in STAFF_ROLES:
        return getattr(program, f"{field}_id")
    return getattr(program, field)


def _comparable(field: str, value: Any) -> Any:
    return getattr(value, "pk", None) if field in STAFF_ROLES and value is not None else value


def program_editable_fields(program: Program) -> frozenset[str]:
    """What may still change: the whole brief before launch, the BSM from launch to the end."""
    if program.state in EDITABLE_STATES:
        return BRIEF_FIELDS
    if program.state in (ProgramState.LAUNCHED, ProgramState.COMPLETED):
        return POST_LAUNCH_EDITABLE
    return frozenset()


def _apply_brief(program: Program, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Validate ``fields`` against ``program`` and set them; returns {field: (before, after)}.

    Raises ``Conflict`` when the state does not allow a change, ``ProgramInvalid`` with every
    field error otherwise. Nothing is set unless everything is valid."""
    unknown = sorted(set(fields) - BRIEF_FIELDS)
    errors: dict[str, list[str]] = {field: ["This field cannot be set."] for field in unknown}
    cleaned: dict[str, Any] = {}
    for field, value in fields.items():
        if field in unknown:
            continue
        try:
            cleaned[field] = _clean_value(field, value, program.organization_id)
        except _Bad as exc:
            errors[field] = [str(exc)]
    changed = {
        field
        for field, value in cleaned.items()
        if _comparable(field, value) != _current(program, field)
    } | set(errors)
    frozen = changed - program_editable_fields(program) - set(unknown)
    if frozen:
        names = ", ".join(FIELD_LABELS.get(f, f).lower() for f in sorted(frozen))
        raise Conflict(
            f"{program.name} is {program.get_state_display().lower()}: "
            f"its {names} can no longer change."
        )
    merged = {field: _current(program, field) for field in BRIEF_FIELDS} | {
        field: _comparable(field, value) for field, value in cleaned.items()
    }
    for field, messages in _cross_field_errors(merged).items():
        if field not in errors:
            errors[field] = messages
    if "capacity" in changed and program.pk is not None and "capacity" not in errors:
        held = Enrollment.objects.filter(
            organization_id=program.organization_id,
            program=program,
            state__in=PLACE_HOLDING_STATES,
        ).count()
        if cleaned["capacity"] < held:
            errors["capacity"] = [f"{held} places are already taken or offered."]
    if errors:
        raise ProgramInvalid(errors)
    changes = {}
    for field in sorted(changed):
        changes[field] = (_current(program, field), _comparable(field, cleaned[field]))
        setattr(program, field, cleaned[field])
    return changes


def _audit_changes(changes: dict[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    before = {field: _audit_value(old) for field, (old, _new) in changes.items()}
    after = {field: _audit_value(new) for field, (_old, new) in changes.items()}
    return before, after


def _lock(program: Program) -> Program:
    return Program.objects.select_for_update(of=("self",)).get(
        organization_id=program.organization_id, pk=program.pk
    )


def _actor_user(actor: Any) -> Any | None:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- creating, editing and cloning ---


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
        raise DomainError("The brand does not belong to this organization.")
    program = Program(organization=organization, brand=brand, created_by=_actor_user(actor))
    fields = {"name": name, "assigned_ism": assigned_ism, "assigned_bsm": assigned_bsm, **brief}
    _apply_brief(program, fields)
    program.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_CREATED,
        target=program,
        after={"name": program.name, "brand": brand.pk}
        | {field: _audit_value(_current(program, field)) for field in brief},
    )
    return program


@transaction.atomic
def program_update(*, program: Program, actor: Any, **fields: Any) -> Program:
    """Change the brief. Before launch anything may change; from launch only the assigned BSM
    (``Conflict`` otherwise). Invalid values raise ``ProgramInvalid`` and nothing is saved.
    Changing nothing writes nothing."""
    locked = _lock(program)
    changes = _apply_brief(locked, fields)
    if changes:
        locked.save(update_fields=list(changes))
        before, after = _audit_changes(changes)
        audit_record(
            organization=locked.organization,
            actor=actor,
            verb=AuditVerb.PROGRAM_UPDATED,
            target=locked,
            before=before,
            after=after,
        )
        if "destination_url" in changes and locked.state != ProgramState.DRAFT:
            from tracking.links.services import links_refresh_destination

            links_refresh_destination(program=locked)
    return locked


@transaction.atomic
def program_clone(*, program: Program, actor: Any, name: str) -> Program:
    """A new draft with the same brand, brief and deliverable specs (never the enrollments)."""
    brief = {field: getattr(program, field) for field in BRIEF_FIELDS - {"name", *STAFF_ROLES}}
    for field in STAFF_ROLES:  # people who have since left (or changed role) are not copied
        try:
            brief[field] = _clean_staff(field, getattr(program, field), program.organization_id)
        except _Bad:
            brief[field] = None
    clone = Program(
        organization_id=program.organization_id,
        brand_id=program.brand_id,
        created_by=_actor_user(actor),
        cloned_from=program,
    )
    _apply_brief(clone, {**brief, "name": name})
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
            f"{program.name} is {program.get_state_display().lower()}: "
            f"its deliverables can no longer {what}."
        )


def _spec_errors(
    program: Program, kind: Any, platform: Any, count: Any, due_on: Any, offset: Any
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in DeliverableSpec.Kind.values:
        errors["kind"] = ["Choose a kind of deliverable."]
    if platform not in Platform.values:
        errors["platform"] = ["Choose a platform."]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
        errors["count"] = ["Between 1 and 100."]
    if (due_on is None) == (offset is None):
        message = "Give either a due date or a number of days after launch, not both."
        errors["due_on"] = [message]
    elif offset is not None and (
        isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= 3650
    ):
        errors["due_offset_days"] = ["Between 0 and 3650 days."]
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
) -> DeliverableSpec:
    """Add a deliverable to the brief, before launch only. Exactly one of ``due_on`` and
    ``due_offset_days`` (days after launch)."""
    locked = _lock(program)
    _require_editable(locked, "change")
    errors = _spec_errors(locked, kind, platform, count, due_on, due_offset_days)
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
    locked = _lock(spec.program)
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
        "due_on": _audit_value(spec.due_on),
        "due_offset_days": spec.due_offset_days,
    }


# --- the lifecycle ---


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
        missing.append("at least one deliverable")
    if program.flat_fee is None and program.per_click_rate is None:
        missing.append("compensation (a flat fee or a per-click rate)")
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
        blockers.append("at least one confirmed creator")
    return blockers


def _program_move(
    program: Program, target: str, actor: Any, extra: dict[str, Any] | None = None
) -> Program:
    locked = _lock(program)
    check_transition(PROGRAM_TRANSITIONS, locked.state, target, "program")
    before = locked.state
    locked.state = target
    fields = ["state"]
    stamp = {
        ProgramState.LAUNCHED: "launched_at",
        ProgramState.COMPLETED: "completed_at",
        ProgramState.CANCELLED: "cancelled_at",
    }.get(ProgramState(target))
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
    from messaging.services.queue import task_handover_program
    from programs.deadlines.delivery import deliverables_create_for_program
    from tracking.links.services import links_create_for_program

    locked = _lock(program)
    check_transition(PROGRAM_TRANSITIONS, locked.state, ProgramState.LAUNCHED, "program")
    blockers = program_launch_blockers(locked)
    if blockers:
        raise Conflict(f"{locked.name} cannot launch yet. It needs {_join(blockers)}.")
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
    from payments.earning import payouts_earn_for_program

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
    if len(reason) > 500:
        raise ProgramInvalid({"reason": ["At most 500 characters."]})
    return _program_move(program, ProgramState.CANCELLED, actor, extra={"reason": reason})


def _join(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# --- the date sweep ---


@dataclass(frozen=True)
class DateSweepResult:
    launched: int
    completed: int


@transaction.atomic
def program_date_sweep(*, organization: Any, today: date) -> DateSweepResult:
    """Launch recruiting programs whose launch date has come (when they can launch; the others
    wait, untouched) and complete launched programs past their end date once their work is done
    (``deadlines.program_auto_complete_sweep``: every deliverable published, excused or
    cancelled, or its enrollment ended).

    Idempotent and safe to run twice at once: rows are claimed with SKIP LOCKED and each move
    re-checks the state under the lock."""
    due_to_launch = list(
        Program.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(organization=organization, state=ProgramState.RECRUITING, launch_on__lte=today)
        .order_by("pk")
    )
    launched = sum(_sweep_move(program, program_launch) for program in due_to_launch)
    from programs.deadlines.services import program_auto_complete_sweep

    completed = program_auto_complete_sweep(organization=organization, today=today)
    return DateSweepResult(launched=launched, completed=completed)


def _sweep_move(program: Program, move: Callable[..., Program]) -> int:
    try:
        with transaction.atomic():  # a refusal rolls back this program only
            move(program=program, actor=None)
    except DomainError as exc:
        logger.info("Date sweep left program %s as it is: %s", program.pk, exc)
        return 0
    return 1
