"""The brief: what may be set, how each value is checked, and setting it all-or-nothing.

The values are checked by the shared cleaners of ``influencer_ops.validation``, so the page, the
API and the services refuse the same input with the same words.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from influencer_ops import validation
from influencer_ops.choices import Category, Platform
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.validation import ValueInvalid
from organizations.models import Membership
from organizations.roles import Role
from programs.models import Enrollment, Program
from programs.states import PLACE_HOLDING_STATES, ProgramState

FIELD_LABELS: dict[str, str] = {
    "name": N_("Name"),
    "goals": N_("Goals"),
    "audience_demographics": N_("Audience demographics"),
    "audience_interests": N_("Audience interests"),
    "audience_locations": N_("Audience locations"),
    "platforms": N_("Platforms"),
    "categories": N_("Categories"),
    "min_audience": N_("Smallest audience"),
    "max_audience": N_("Largest audience"),
    "guidelines": N_("Guidelines"),
    "disclosure_rule": N_("Disclosure rule"),
    "disclosure_advisory": N_("Disclosure check only advises"),
    "nda_required": N_("NDA required"),
    "destination_url": N_("Destination of tracked links"),
    "recruit_by": N_("Recruit by"),
    "launch_on": N_("Launch date"),
    "content_due_on": N_("Content due date"),
    "end_on": N_("End date"),
    "capacity": N_("Capacity"),
    "budget_amount": N_("Budget"),
    "currency": N_("Currency"),
    "flat_fee": N_("Flat fee"),
    "per_click_rate": N_("Per-click rate"),
    "click_milestone": N_("Click milestone"),
    "milestone_bonus": N_("Milestone bonus"),
    "prorate_if_missed": N_("Prorate if the milestone is missed"),
    "commission_percent": N_("Commission (% of net order value)"),
    "commission_fixed": N_("Commission per order"),
    "commission_window_days": N_("Attribution window (days after the end)"),
    "commission_holding_days": N_("Commission holding period (days)"),
    "commission_cap": N_("Commission cap per creator"),
    "assigned_ism": N_("Assigned ISM"),
    "assigned_bsm": N_("Assigned BSM"),
}
BRIEF_FIELDS = frozenset(FIELD_LABELS)


def field_label(field: str) -> str:
    """A brief field's label in the active language ("Launch date")."""
    if field in FIELD_LABELS:
        return gettext(FIELD_LABELS[field])
    return field.replace("_", " ").capitalize()


EDITABLE_STATES = frozenset({ProgramState.DRAFT, ProgramState.RECRUITING})
# From launch on the brief is what creators accepted; its owner (the BSM) may still change, and
# whether the disclosure check blocks or only advises (a compliance call, audited).
POST_LAUNCH_EDITABLE = frozenset({"assigned_bsm", "destination_url", "disclosure_advisory"})
DATE_ORDER = ("recruit_by", "launch_on", "content_due_on", "end_on")
TEXT_LIMITS = {
    "name": validation.NAME_MAX_LENGTH,
    "goals": validation.PROGRAM_GOALS_MAX_LENGTH,
    "guidelines": validation.LONG_TEXT_MAX_LENGTH,
    "audience_demographics": validation.SHORT_TEXT_MAX_LENGTH,
    "disclosure_rule": validation.DISCLOSURE_RULE_MAX_LENGTH,
}
REQUIRED_TEXT = frozenset({"name", "disclosure_rule"})
# (max_digits, decimal_places) of each amount, as in the model.
MONEY_FIELDS = {
    "budget_amount": validation.AMOUNT_DIGITS,
    "flat_fee": validation.AMOUNT_DIGITS,
    "milestone_bonus": validation.AMOUNT_DIGITS,
    "per_click_rate": validation.RATE_DIGITS,
    "commission_percent": (5, 2),
    "commission_fixed": validation.AMOUNT_DIGITS,
    "commission_cap": validation.AMOUNT_DIGITS,
}
# Field name → smallest allowed value; None is allowed except for capacity.
INT_FIELDS = {"min_audience": 0, "max_audience": 0, "click_milestone": 1, "capacity": 1}
# Whole days (0 to 10 years), always set.
DAY_FIELDS = frozenset({"commission_window_days", "commission_holding_days"})
CHOICE_LISTS = {"platforms": Platform.values, "categories": Category.values}
FREE_LISTS = frozenset({"audience_interests", "audience_locations"})
BOOL_FIELDS = frozenset({"nda_required", "prorate_if_missed", "disclosure_advisory"})
STAFF_ROLES = {
    "assigned_ism": (Role.ISM, Role.ADMIN),
    "assigned_bsm": (Role.BSM, Role.ADMIN),
}


class ProgramInvalid(DomainError):
    """Field-by-field reasons why a write was refused; nothing was saved."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(
            " ".join(
                f"{field_label(field)}: {message}"
                for field, messages in errors.items()
                for message in messages
            )
        )

    def field_errors(self) -> dict[str | None, list[str]]:
        return {field: messages for field, messages in self.errors.items()}


def clean_staff(field: str, value: Any, organization_id: int) -> Any:
    """A member of the org with a role that may hold ``field``; ``ValueInvalid`` otherwise."""
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
        raise ValueInvalid(
            gettext("Choose a member who is an %(names)s of this organization.") % {"names": names}
        )
    return value


def _clean_value(field: str, value: Any, organization_id: int) -> Any:
    if field in TEXT_LIMITS:
        return validation.clean_text(
            value, limit=TEXT_LIMITS[field], required=field in REQUIRED_TEXT
        )
    if field == "commission_percent":
        percent = validation.clean_money(value, digits=MONEY_FIELDS[field])
        if percent is not None and percent > 100:
            raise ValueInvalid(gettext("At most 100."))
        return percent
    if field in MONEY_FIELDS:
        return validation.clean_money(value, digits=MONEY_FIELDS[field])
    if field in DAY_FIELDS:  # empty: the default, 30 days
        days = validation.clean_int(value, minimum=0, maximum=3650)
        return 30 if days is None else days
    if field in INT_FIELDS:
        return validation.clean_int(value, minimum=INT_FIELDS[field], required=field == "capacity")
    if field in DATE_ORDER:
        return validation.check_date_bounds(
            validation.clean_date(value), today=timezone.localdate()
        )
    if field in CHOICE_LISTS:
        return validation.clean_choice_list(value, CHOICE_LISTS[field])
    if field in FREE_LISTS:
        return validation.clean_free_list(value)
    if field in STAFF_ROLES:
        return clean_staff(field, value, organization_id)
    if field == "currency":
        return validation.clean_currency(value)
    if field == "destination_url":
        return validation.clean_url(value)
    if field in BOOL_FIELDS and isinstance(value, bool):
        return value
    raise ValueInvalid(gettext("Choose yes or no."))


def _cross_field_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    low, high = values.get("min_audience"), values.get("max_audience")
    if low is not None and high is not None and high < low:
        errors["max_audience"] = ["The largest audience must be at least the smallest."]
    for later_index, later in enumerate(DATE_ORDER):
        for earlier in DATE_ORDER[:later_index]:
            first, second = values.get(earlier), values.get(later)
            if first is not None and second is not None and second < first:
                message = gettext("Must be on or after the %(lower)s (%(first)s).") % {
                    "lower": field_label(earlier).lower(),
                    "first": first,
                }
                errors.setdefault(later, [message])
                break
    return errors


def audit_value(value: Any) -> Any:
    """A value as the audit trail stores it (JSON): dates and amounts as text, objects by id."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_meta"):
        return value.pk
    return value


def current_value(program: Program, field: str) -> Any:
    """The stored value of a brief field (a staff field by id)."""
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


def _clean_all(
    program: Program, fields: dict[str, Any], unknown: list[str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {field: ["This field cannot be set."] for field in unknown}
    cleaned: dict[str, Any] = {}
    for field, value in fields.items():
        if field in unknown:
            continue
        try:
            cleaned[field] = _clean_value(field, value, program.organization_id)
        except ValueInvalid as exc:
            errors[field] = [str(exc)]
    return cleaned, errors


def _places_held(program: Program) -> int:
    return Enrollment.objects.filter(
        organization_id=program.organization_id,
        program=program,
        state__in=PLACE_HOLDING_STATES,
    ).count()


def apply_brief(program: Program, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Validate ``fields`` against ``program`` and set them; returns {field: (before, after)}.

    Raises ``Conflict`` when the state does not allow a change, ``ProgramInvalid`` with every
    field error otherwise. Nothing is set unless everything is valid."""
    unknown = sorted(set(fields) - BRIEF_FIELDS)
    cleaned, errors = _clean_all(program, fields, unknown)
    changed = {
        field
        for field, value in cleaned.items()
        if _comparable(field, value) != current_value(program, field)
    } | set(errors)
    frozen = changed - program_editable_fields(program) - set(unknown)
    if frozen:
        names = ", ".join(field_label(f).lower() for f in sorted(frozen))
        raise Conflict(
            gettext("%(name)s is %(lower)s: its %(names)s can no longer change.")
            % {"name": program.name, "lower": program.get_state_display().lower(), "names": names}
        )
    merged = {field: current_value(program, field) for field in BRIEF_FIELDS} | {
        field: _comparable(field, value) for field, value in cleaned.items()
    }
    for field, messages in _cross_field_errors(merged).items():
        if field not in errors:
            errors[field] = messages
    if "capacity" in changed and program.pk is not None and "capacity" not in errors:
        held = _places_held(program)
        if cleaned["capacity"] < held:
            errors["capacity"] = [f"{held} places are already taken or offered."]
    if errors:
        raise ProgramInvalid(errors)
    changes = {}
    for field in sorted(changed):
        changes[field] = (current_value(program, field), _comparable(field, cleaned[field]))
        setattr(program, field, cleaned[field])
    return changes


def audit_changes(changes: dict[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    before = {field: audit_value(old) for field, (old, _new) in changes.items()}
    after = {field: audit_value(new) for field, (_old, new) in changes.items()}
    return before, after


def lock(program: Program) -> Program:
    """The program, re-read under a row lock (its state is checked again under the lock)."""
    return Program.objects.select_for_update(of=("self",)).get(
        organization_id=program.organization_id, pk=program.pk
    )
