"""The desk edits a creator's profile and handles (ISM, admin)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, FieldError
from influencers.models import (
    DEFAULT_CLICK_MILESTONE,
    CreatorProfile,
    SocialHandle,
)
from influencers.services.cleaning import (
    clean_categories,
    clean_currency,
    clean_display_name,
    clean_email,
    clean_handle,
    clean_handles,
    clean_languages,
    clean_location,
    clean_milestone,
    clean_notes,
    clean_rate,
)

PROFILE_FIELDS = (
    "display_name",
    "email",
    "categories",
    "languages",
    "location",
    "rate_per_post",
    "rate_currency",
    "internal_notes",
)


def _email_taken(organization: Any, email: str, exclude_pk: int | None = None) -> bool:
    found = CreatorProfile.objects.filter(organization=organization, email__iexact=email)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.exists()


def _refresh_max_audience(profile: CreatorProfile) -> None:
    top = profile.handles.aggregate(top=Max("audience_size"))["top"] or 0
    if profile.max_audience != top:
        profile.max_audience = top
        profile.save(update_fields=["max_audience"])


def profile_snapshot(profile: CreatorProfile) -> dict[str, Any]:
    values = {f: getattr(profile, f) for f in PROFILE_FIELDS if f != "internal_notes"}
    values["rate_per_post"] = None if profile.rate_per_post is None else str(profile.rate_per_post)
    return values


# --- desk: profiles and handles ---


@transaction.atomic
def creator_create(
    *,
    organization: Any,
    actor: Any,
    display_name: str,
    email: str,
    categories: Iterable[str] = (),
    languages: Iterable[str] = (),
    location: str = "",
    rate_per_post: Decimal | str | None = None,
    rate_currency: str = "",
    click_milestone: int = DEFAULT_CLICK_MILESTONE,
    internal_notes: str = "",
    handles: Iterable[Mapping[str, Any]] = (),
) -> CreatorProfile:
    """Add a creator to the org's roster (no login yet). E-mails are unique per org."""
    email = clean_email(email)
    handle_list = clean_handles(handles)
    if _email_taken(organization, email):
        raise FieldError(
            "email", gettext("A creator with %(email)s already exists.") % {"email": email}
        )
    profile = CreatorProfile(
        organization=organization,
        display_name=clean_display_name(display_name),
        email=email,
        categories=clean_categories(categories),
        languages=clean_languages(languages),
        location=clean_location(location),
        rate_per_post=clean_rate(rate_per_post),
        rate_currency=clean_currency(rate_currency or organization.default_currency),
        click_milestone=clean_milestone(click_milestone),
        internal_notes=clean_notes(internal_notes),
        max_audience=max((h["audience_size"] for h in handle_list), default=0),
    )
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:
        raise Conflict(
            gettext("A creator with %(email)s already exists.") % {"email": email}
        ) from exc
    SocialHandle.objects.bulk_create(
        SocialHandle(organization=organization, profile=profile, **h) for h in handle_list
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.CREATOR_CREATED,
        target=profile,
        after=profile_snapshot(profile) | {"handles": [h["platform"] for h in handle_list]},
    )
    return profile


@transaction.atomic
def creator_update(
    *,
    profile: CreatorProfile,
    actor: Any,
    display_name: str,
    email: str,
    categories: Iterable[str],
    languages: Iterable[str],
    location: str,
    rate_per_post: Decimal | str | None,
    rate_currency: str,
    internal_notes: str,
    handles: Iterable[Mapping[str, Any]] | None = None,
) -> CreatorProfile:
    """Change the profile; ``handles`` (if given) becomes the full set of handles.
    The click milestone is not changed here: see ``milestone_change`` (it needs a reason)."""
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    email = clean_email(email)
    if _email_taken(locked.organization_id, email, exclude_pk=locked.pk):
        raise FieldError(
            "email", gettext("A creator with %(email)s already exists.") % {"email": email}
        )
    before = profile_snapshot(locked)
    notes_changed = clean_notes(internal_notes) != locked.internal_notes
    locked.display_name = clean_display_name(display_name)
    locked.email = email
    locked.categories = clean_categories(categories)
    locked.languages = clean_languages(languages)
    locked.location = clean_location(location)
    locked.rate_per_post = clean_rate(rate_per_post)
    locked.rate_currency = clean_currency(rate_currency)
    locked.internal_notes = clean_notes(internal_notes)
    locked.save(update_fields=list(PROFILE_FIELDS))
    if handles is not None:
        _sync_handles(locked, clean_handles(handles), actor)
    after = profile_snapshot(locked) | ({"internal_notes": "changed"} if notes_changed else {})
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_UPDATED,
        target=locked,
        before=before,
        after=after,
    )
    return locked


def _sync_handles(profile: CreatorProfile, wanted: list[dict[str, Any]], actor: Any) -> None:
    keep = {h["platform"] for h in wanted}
    for existing in list(profile.handles.all()):
        if existing.platform not in keep:
            handle_remove(profile=profile, actor=actor, platform=existing.platform)
    current = {h.platform: h for h in profile.handles.all()}
    for data in wanted:
        found = current.get(data["platform"])
        if found is None or any(getattr(found, k) != v for k, v in data.items()):
            handle_set(profile=profile, actor=actor, **data)


@transaction.atomic
def handle_set(
    *,
    profile: CreatorProfile,
    actor: Any,
    platform: str,
    handle: str,
    audience_size: int | str | None = None,
    engagement_rate: Decimal | str | None = None,
) -> SocialHandle:
    """Add or replace the profile's handle on ``platform``; keeps ``max_audience``."""
    data = clean_handle(
        {
            "platform": platform,
            "handle": handle,
            "audience_size": audience_size,
            "engagement_rate": engagement_rate,
        }
    )
    old = profile.handles.filter(platform=data["platform"]).first()
    before = None if old is None else {"handle": old.handle, "audience_size": old.audience_size}
    saved, _created = SocialHandle.objects.update_or_create(
        organization_id=profile.organization_id,
        profile=profile,
        platform=data["platform"],
        defaults={k: v for k, v in data.items() if k != "platform"},
    )
    _refresh_max_audience(profile)
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_HANDLE_SET,
        target=saved,
        before=before,
        after={"handle": saved.handle, "audience_size": saved.audience_size},
    )
    return saved


@transaction.atomic
def handle_remove(*, profile: CreatorProfile, actor: Any, platform: str) -> None:
    old = profile.handles.filter(platform=platform).first()
    if old is None:
        raise DomainError(gettext("The creator has no handle on that platform."))
    old.delete()
    _refresh_max_audience(profile)
    audit_record(
        organization=profile.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_HANDLE_REMOVED,
        target=profile,
        before={"platform": platform, "handle": old.handle, "audience_size": old.audience_size},
    )
