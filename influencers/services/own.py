"""The portal: the creator edits their own profile; changes that matter reach the ISM as
requests. Each service refuses anyone but the creator whose profile it is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import FieldError, Forbidden
from influencers.models import (
    Availability,
    CreatorProfile,
    ProgramInterest,
)
from influencers.services.cleaning import (
    clean_categories,
    clean_languages,
    clean_location,
    clean_rate,
)
from influencers.services.profiles import profile_snapshot
from influencers.services.roster import (
    availability_add,
    availability_remove,
    interest_add,
    interest_remove,
)
from messaging.kinds import Topic
from messaging.services.requests import request_create

# --- portal: the creator edits their own profile; changes that matter reach the ISM ---


def _require_own(profile: CreatorProfile, user: Any) -> None:
    if profile.user_id is None or profile.user_id != user.pk:
        raise Forbidden(gettext("This is not your profile."))


@transaction.atomic
def profile_update_own(
    *,
    profile: CreatorProfile,
    user: Any,
    location: str,
    languages: Iterable[str],
    categories: Iterable[str],
    rate_per_post: Decimal | str | None,
) -> CreatorProfile:
    """The creator edits what is theirs: location, languages, categories, rate per post."""
    _require_own(profile, user)
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    fields = ["location", "languages", "categories", "rate_per_post"]
    before = {f: v for f, v in profile_snapshot(locked).items() if f in fields}
    locked.location = clean_location(location)
    locked.languages = clean_languages(languages)
    locked.categories = clean_categories(categories)
    locked.rate_per_post = clean_rate(rate_per_post)
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.CREATOR_PROFILE_UPDATED_BY_CREATOR,
        target=locked,
        before=before,
        after={f: v for f, v in profile_snapshot(locked).items() if f in fields},
    )
    return locked


def _route(profile: CreatorProfile, user: Any, topic: str, text: str, note: str = "") -> None:
    if note:
        text = gettext("%(text)s\nTheir note: %(note)s") % {"text": text, "note": note}
    request_create(creator=profile, user=user, topic=topic, text=text)


def _window_text(away_from: date, away_to: date) -> str:
    return f"{away_from:%a %d %b %Y} to {away_to:%a %d %b %Y}"


@transaction.atomic
def availability_set_own(
    *, profile: CreatorProfile, user: Any, away_from: date, away_to: date, note: str = ""
) -> Availability:
    """The creator adds a window when they are away; the ISM gets it as a request."""
    _require_own(profile, user)
    if away_to < timezone.localdate():
        raise FieldError("away_to", gettext("That window is already over."))
    window = availability_add(
        profile=profile, actor=user, away_from=away_from, away_to=away_to, note=note
    )
    text = gettext("%(display_name)s will be away from %(window_text)s.") % {
        "display_name": profile.display_name,
        "window_text": _window_text(away_from, away_to),
    }
    _route(profile, user, Topic.AVAILABILITY, text, note=window.note)
    return window


@transaction.atomic
def availability_remove_own(*, availability: Availability, user: Any) -> None:
    """The creator withdraws an away window; the ISM gets it as a request."""
    profile = availability.profile
    _require_own(profile, user)
    window = _window_text(availability.away_from, availability.away_to)
    availability_remove(availability=availability, actor=user)
    text = gettext("%(display_name)s is no longer away from %(window)s: available again.") % {
        "display_name": profile.display_name,
        "window": window,
    }
    _route(profile, user, Topic.AVAILABILITY, text)


@transaction.atomic
def interest_add_own(
    *, profile: CreatorProfile, user: Any, category: str, note: str = ""
) -> ProgramInterest:
    """The creator asks for a kind of program; the ISM gets it as a program request."""
    _require_own(profile, user)
    interest = interest_add(profile=profile, actor=user, category=category, note=note)
    label = interest.get_category_display()
    text = gettext("%(display_name)s would like %(label)s programs.") % {
        "display_name": profile.display_name,
        "label": label,
    }
    _route(profile, user, Topic.PROGRAM_REQUEST, text, note=interest.note)
    return interest


@transaction.atomic
def interest_remove_own(*, interest: ProgramInterest, user: Any) -> None:
    """The creator no longer wants a kind of program; the ISM gets it as a program request."""
    profile = interest.profile
    _require_own(profile, user)
    label = interest.get_category_display()
    interest_remove(interest=interest, actor=user)
    text = gettext("%(display_name)s no longer wants %(label)s programs.") % {
        "display_name": profile.display_name,
        "label": label,
    }
    _route(profile, user, Topic.PROGRAM_REQUEST, text)
