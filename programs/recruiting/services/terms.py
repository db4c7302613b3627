"""Terms: the snapshot a creator accepts, its versions, and amendments by the team.

Terms never change silently: every version is a new TermsVersion the creator accepts.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError
from programs.models import Enrollment, Program, TermsVersion
from programs.recruiting.services.places import lock, notify_creator
from programs.states import PLACE_HOLDING_STATES, EnrollmentState

# Terms fields an amendment may change.
AMENDABLE = (
    "fee",
    "per_click_rate",
    "click_milestone",
    "milestone_bonus",
    "prorate_if_missed",
    "commission_percent",
    "commission_fixed",
    "commission_window_days",
    "commission_holding_days",
    "commission_cap",
    "guidelines",
    "disclosure_rule",
    "nda_required",
    "deliverables",
)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _due_on(spec: Any, program: Program) -> str | None:
    if spec.due_on:
        return spec.due_on.isoformat()
    if spec.due_offset_days is not None and program.launch_on:
        return (program.launch_on + timedelta(days=spec.due_offset_days)).isoformat()
    return None


# Decimal terms an amendment may change, and the quantum each is kept to.
DECIMAL_TERMS = {
    "fee": "0.01",
    "per_click_rate": "0.0001",
    "milestone_bonus": "0.01",
    "commission_percent": "0.01",
    "commission_fixed": "0.01",
    "commission_cap": "0.01",
}
DAY_TERMS = ("commission_window_days", "commission_holding_days")


def commission_terms(program: Program) -> dict[str, Any]:
    """The commission part of the terms (commerce reads it from the accepted snapshot):
    percent of the attributed net order value and/or a fixed amount per order (null: none),
    the attribution window and holding period in days, and the cap (null: none)."""
    return {
        "commission_percent": _money(program.commission_percent),
        "commission_fixed": _money(program.commission_fixed),
        "commission_window_days": program.commission_window_days,
        "commission_holding_days": program.commission_holding_days,
        "commission_cap": _money(program.commission_cap),
    }


def terms_snapshot(*, program: Program, creator: Any) -> dict[str, Any]:
    """What the creator is asked to accept, frozen: money as strings, dates as ISO dates."""
    return {
        "program": program.name,
        "brand": program.brand.name,
        "currency": program.currency,
        "fee": _money(program.flat_fee),
        "per_click_rate": None if program.per_click_rate is None else str(program.per_click_rate),
        "click_milestone": program.click_milestone or creator.click_milestone,
        "milestone_bonus": _money(program.milestone_bonus),
        "prorate_if_missed": program.prorate_if_missed,
        **commission_terms(program),
        "deliverables": [
            {
                "kind": spec.kind,
                "platform": spec.platform,
                "count": spec.count,
                "due_on": _due_on(spec, program),
                "due_offset_days": spec.due_offset_days,
                "spec": spec.pk,
            }
            for spec in program.deliverable_specs.all()
        ],
        "guidelines": program.guidelines,
        "disclosure_rule": program.disclosure_rule,
        "nda_required": program.nda_required,
        "launch_on": program.launch_on.isoformat() if program.launch_on else None,
        "end_on": program.end_on.isoformat() if program.end_on else None,
    }


def new_terms(
    enrollment: Enrollment, snapshot: dict[str, Any], actor: Any, reason: str = ""
) -> TermsVersion:
    number = (
        TermsVersion.objects.filter(enrollment=enrollment).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    return TermsVersion.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        number=number,
        snapshot=snapshot,
        reason=reason,
        created_by=actor,
    )


def latest_terms(enrollment: Enrollment) -> TermsVersion | None:
    return TermsVersion.objects.filter(enrollment=enrollment).order_by("-number").first()


@transaction.atomic
def terms_amend(
    *, enrollment: Enrollment, actor: Any, reason: str, changes: dict[str, Any]
) -> TermsVersion:
    """A new terms version with ``changes``; the creator must accept it (both sides see the
    history). Refused for places that have ended."""
    locked = lock(enrollment)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("An amendment needs a reason the creator will read."))
    unknown = set(changes) - set(AMENDABLE)
    if unknown:
        raise DomainError(
            gettext("These terms cannot be amended: %(join)s.")
            % {"join": ", ".join(sorted(unknown))}
        )
    if locked.state in (
        EnrollmentState.WAITLISTED,
        *(s for s in EnrollmentState if s not in PLACE_HOLDING_STATES),
    ):
        raise Conflict(
            gettext("This place is %(lower)s.") % {"lower": locked.get_state_display().lower()}
        )
    current = latest_terms(locked)
    assert current is not None
    snapshot = {**current.snapshot, **_clean_changes(changes)}
    if snapshot == current.snapshot:
        raise DomainError(gettext("The amendment changes nothing."))
    version = new_terms(locked, snapshot, actor, reason)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.TERMS_AMENDED,
        target=version,
        before=current.snapshot,
        after=snapshot,
    )
    notify_creator(
        locked,
        f"terms:{version.number}",
        (
            gettext("New terms for %(name)s (version %(number)s)")
            % {"name": locked.program.name, "number": version.number}
        ),
        reason,
    )
    return version


def _clean_changes(changes: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key in DECIMAL_TERMS and value is not None:
            try:
                amount = Decimal(str(value))
            except InvalidOperation as exc:
                raise DomainError(
                    gettext("%(replace)s must be a number.") % {"replace": key.replace("_", " ")}
                ) from exc
            if not amount.is_finite() or amount < 0:  # NaN cannot be compared: check it first
                raise DomainError(
                    gettext("%(replace)s cannot be negative.") % {"replace": key.replace("_", " ")}
                )
            if key == "commission_percent" and amount > 100:
                raise DomainError(gettext("A commission percent is at most 100."))
            clean[key] = str(amount.quantize(Decimal(DECIMAL_TERMS[key])))
        elif key in DAY_TERMS:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3650:
                raise DomainError(gettext("A number of days is a whole number from 0 to 3650."))
            clean[key] = value
        elif key == "click_milestone":
            if not isinstance(value, int) or value < 1:
                raise DomainError(
                    gettext("The click milestone is a whole number of clicks, at least 1.")
                )
            clean[key] = value
        else:
            clean[key] = value
    return clean
