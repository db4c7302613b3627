"""The desk records a creator's away windows, program interests and click milestone."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops import validation
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.choices import Category
from influencer_ops.errors import Conflict, FieldError
from influencers.models import (
    Availability,
    CreatorProfile,
    MilestoneChange,
    ProgramInterest,
)
from influencers.services.cleaning import (
    clean_categories,
    clean_milestone,
)

# --- desk: availability, interests, milestone ---


def _clean_window(profile: CreatorProfile, away_from: date, away_to: date, note: str) -> str:
    if away_to < away_from:
        raise FieldError("away_to", gettext("The window ends before it starts."))
    note = (note or "").strip()
    if len(note) > validation.AWAY_NOTE_MAX_LENGTH:
        raise FieldError(
            "note",
            gettext("A note has at most %(AWAY_NOTE_MAX_LENGTH)s characters.")
            % {"AWAY_NOTE_MAX_LENGTH": validation.AWAY_NOTE_MAX_LENGTH},
        )
    clash = profile.availability.filter(away_from__lte=away_to, away_to__gte=away_from).first()
    if clash is not None:
        raise Conflict(
            gettext("It overlaps the away window %(away_from)s–%(away_to)s; remove that one first.")
            % {
                "away_from": format(clash.away_from, "%Y-%m-%d"),
                "away_to": format(clash.away_to, "%Y-%m-%d"),
            }
        )
    return note


@transaction.atomic
def availability_add(
    *, profile: CreatorProfile, actor: Any, away_from: date, away_to: date, note: str = ""
) -> Availability:
    """Record a window when the creator is away. Windows of one creator never overlap."""
    note = _clean_window(profile, away_from, away_to, note)
    window = Availability.objects.create(
        organization_id=profile.organization_id,
        profile=profile,
        away_from=away_from,
        away_to=away_to,
        note=note,
    )
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_AVAILABILITY_ADDED,
        target=window,
        after={"away_from": str(away_from), "away_to": str(away_to), "note": note},
    )
    return window


@transaction.atomic
def availability_remove(*, availability: Availability, actor: Any) -> None:
    audit_record(
        organization=availability.profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_AVAILABILITY_REMOVED,
        target=availability,
        before={"away_from": str(availability.away_from), "away_to": str(availability.away_to)},
    )
    availability.delete()


def _clean_interest(profile: CreatorProfile, category: str, note: str) -> tuple[str, str]:
    cleaned = clean_categories([category])
    if not cleaned:
        raise FieldError("category", gettext("Choose a category."))
    note = (note or "").strip()
    if len(note) > validation.INTEREST_NOTE_MAX_LENGTH:
        raise FieldError(
            "note",
            gettext("A note has at most %(INTEREST_NOTE_MAX_LENGTH)s characters.")
            % {"INTEREST_NOTE_MAX_LENGTH": validation.INTEREST_NOTE_MAX_LENGTH},
        )
    if profile.interests.filter(category=cleaned[0]).exists():
        raise Conflict(
            gettext("%(label)s is already on the list.") % {"label": Category(cleaned[0]).label}
        )
    return cleaned[0], note


@transaction.atomic
def interest_add(
    *, profile: CreatorProfile, actor: Any, category: str, note: str = ""
) -> ProgramInterest:
    """Record a kind of program the creator wants. One entry per category."""
    category, note = _clean_interest(profile, category, note)
    interest = ProgramInterest.objects.create(
        organization_id=profile.organization_id, profile=profile, category=category, note=note
    )
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_INTEREST_ADDED,
        target=interest,
        after={"category": category, "note": note},
    )
    return interest


@transaction.atomic
def interest_remove(*, interest: ProgramInterest, actor: Any) -> None:
    audit_record(
        organization=interest.profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_INTEREST_REMOVED,
        target=interest,
        before={"category": interest.category},
    )
    interest.delete()


@transaction.atomic
def milestone_change(
    *, profile: CreatorProfile, actor: Any, new: int, reason: str
) -> MilestoneChange:
    """Change the click milestone (it decides pay): a reason is required; history is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", gettext("Say why the milestone changes: it decides pay."))
    if len(reason) > validation.MILESTONE_REASON_MAX_LENGTH:
        raise FieldError(
            "reason",
            gettext("A reason has at most %(MILESTONE_REASON_MAX_LENGTH)s characters.")
            % {"MILESTONE_REASON_MAX_LENGTH": validation.MILESTONE_REASON_MAX_LENGTH},
        )
    new = clean_milestone(new)
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    if new == locked.click_milestone:
        raise FieldError("new", gettext("The milestone is already %(new)s.") % {"new": new})
    change = MilestoneChange.objects.create(
        organization_id=locked.organization_id,
        profile=locked,
        old=locked.click_milestone,
        new=new,
        reason=reason,
        actor=actor,
    )
    locked.click_milestone = new
    locked.save(update_fields=["click_milestone"])
    profile.click_milestone = new
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_MILESTONE_CHANGED,
        target=locked,
        before={"click_milestone": change.old},
        after={"click_milestone": new, "reason": reason},
    )
    return change
