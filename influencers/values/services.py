"""Every write of a creator's exclusions and values statement. Only the creator writes them
(the portal and ``/api/v1/me/``); each change is audited in every org the creator works with,
on their profile there, so each team's history shows it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.choices import Category
from influencer_ops.errors import FieldError, Forbidden
from influencer_ops.validation import (
    EXCLUSION_VALUE_MAX_LENGTH,
    EXCLUSIONS_MAX_ITEMS,
    VALUES_STATEMENT_MAX_LENGTH,
)
from influencers.models import CreatorExclusion, CreatorProfile, CreatorValues, ExclusionKind
from influencers.values.selectors import match_key


def _own_profiles(user: Any) -> list[CreatorProfile]:
    if not getattr(user, "is_creator", False):
        raise Forbidden(gettext("Only a creator keeps what they won't promote."))
    return list(CreatorProfile.objects.filter(user_id=user.pk).select_related("organization"))


def _audit(user: Any, verb: AuditVerb, after: dict[str, Any] | None) -> None:
    for profile in _own_profiles(user):
        audit_record(
            organization=profile.organization, actor=user, verb=verb, target=profile, after=after
        )


def _clean(kind: str, value: str) -> tuple[str, str]:
    if kind not in ExclusionKind.values:
        raise FieldError("kind", gettext("Choose a category, brand, product or topic."))
    value = " ".join(str(value).split())
    if kind == ExclusionKind.CATEGORY:
        if value not in Category.values:
            raise FieldError("value", gettext("Choose one of the categories."))
        return value, value
    if not value or not match_key(value):
        raise FieldError("value", gettext("Say what you won't promote, in a word or a few."))
    if len(value) > EXCLUSION_VALUE_MAX_LENGTH:
        raise FieldError(
            "value",
            gettext("At most %(limit)s characters.") % {"limit": EXCLUSION_VALUE_MAX_LENGTH},
        )
    return value, match_key(value)


@transaction.atomic
def exclusion_add_own(*, user: Any, kind: str, value: str) -> CreatorExclusion:
    """The creator adds something they won't promote. Refused: not a creator (403), an empty or
    unknown value, the same one twice, more than ``EXCLUSIONS_MAX_ITEMS`` (400)."""
    _own_profiles(user)
    value, key = _clean(kind, value)
    existing = CreatorExclusion.objects.select_for_update().filter(user_id=user.pk)
    if any(e.kind == kind and e.match_key == key for e in existing):
        raise FieldError("value", gettext("You already listed this."))
    if len(existing) >= EXCLUSIONS_MAX_ITEMS:
        raise FieldError(
            "value", gettext("At most %(limit)s exclusions.") % {"limit": EXCLUSIONS_MAX_ITEMS}
        )
    exclusion = CreatorExclusion.objects.create(user=user, kind=kind, value=value, match_key=key)
    _audit(user, AuditVerb.CREATOR_EXCLUSION_ADDED, {"kind": kind, "value": exclusion.label})
    return exclusion


@transaction.atomic
def exclusion_remove_own(*, exclusion: CreatorExclusion, user: Any) -> None:
    """The creator takes an exclusion back; another creator's is refused (the views 404)."""
    if exclusion.user_id != user.pk:
        raise Forbidden(gettext("This is not yours."))
    after = {"kind": exclusion.kind, "value": exclusion.label}
    exclusion.delete()
    _audit(user, AuditVerb.CREATOR_EXCLUSION_REMOVED, after)


@transaction.atomic
def values_update_own(*, user: Any, statement: str) -> CreatorValues:
    """The creator writes (or clears) their values statement."""
    _own_profiles(user)
    statement = str(statement).strip()
    if len(statement) > VALUES_STATEMENT_MAX_LENGTH:
        raise FieldError(
            "statement",
            gettext("At most %(limit)s characters.") % {"limit": VALUES_STATEMENT_MAX_LENGTH},
        )
    values, _created = CreatorValues.objects.select_for_update().get_or_create(user=user)
    before = values.statement
    values.statement = statement
    values.save(update_fields=["statement", "updated_at"])
    if before != statement:
        # The words stay out of the trail (which outlives an erasure); the change is recorded.
        _audit(user, AuditVerb.CREATOR_VALUES_UPDATED, {"statement_length": len(statement)})
    return values
