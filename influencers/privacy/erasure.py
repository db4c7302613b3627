"""A creator's erasure: their personal data removed or pseudonymised in every org, their login
disabled, while the ledger and the audit trail keep their integrity (amounts and ids stay,
names and contact details go), and each org's admins are told.

Refused (409, nothing changed) while any of their payouts is unsettled. Idempotent: a profile
already erased is not erased, audited or announced again. Call in the creator's scope (the
portal's door): every write below is filtered by their login or their profiles' orgs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Func, Model, Q, TextField, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, Forbidden
from influencer_ops.models import AuditEvent
from influencers.models import (
    Availability,
    CreatorExclusion,
    CreatorLink,
    CreatorProfile,
    CreatorValues,
    DataExport,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from influencers.privacy.selectors import erasure_blocker
from messaging.kinds import NotificationKind
from messaging.models import Message, Notification, NotificationPreference, Request, Task, TaskEvent
from messaging.models import Thread as MessageThread
from messaging.services.notifications import notify_many
from organizations.selectors import admin_users
from payments.models import Payout, PayoutDetails, TaxForm
from programs.models import (
    CaseAction,
    ComplianceCase,
    Deliverable,
    Enrollment,
    Extension,
    Review,
    Submission,
    SubmissionMedia,
)

ERASED = "[erased]"
ERASED_DOMAIN = "erased.invalid"
# Shorter strings would match inside unrelated words.
MIN_NAME_LENGTH = 3
# Keys of audit details that hold personal data whatever their value.
PERSONAL_KEYS = {
    "display_name",
    "email",
    "name",
    "location",
    "languages",
    "handle",
    "handles",
    "account_name",
    "account_identifier",
    "reference",
    "note",
    "text",
    "caption",
}
# Text the teams wrote that may name the creator: their name becomes the pseudonym there.
STAFF_TEXT: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (Task, ("title", "resolution")),
    (TaskEvent, ("note",)),
    (MessageThread, ("title",)),
    (Message, ("text",)),
    (Notification, ("title", "body")),
    (Review, ("comment", "internal_note")),
    (CaseAction, ("text",)),
    (ComplianceCase, ("evidence",)),
    (Payout, ("explanation", "hold_reason")),
    (Extension, ("decision_note",)),
    (Enrollment, ("end_reason",)),
    (MilestoneChange, ("reason",)),
)


def pseudonym(profile: CreatorProfile) -> str:
    return f"Erased creator #{profile.pk}"


def _personal_strings(user: Any, profiles: list[CreatorProfile]) -> list[str]:
    handles = SocialHandle.objects.filter(profile__in=profiles).values_list("handle", flat=True)
    found = {user.email, user.name, *(p.display_name for p in profiles)}
    found |= {p.email for p in profiles} | {f"@{h}" for h in handles} | set(handles)
    # Longest first, so "Cara Creator" goes before "Cara".
    return sorted((s for s in found if len(s) >= MIN_NAME_LENGTH), key=len, reverse=True)


def _pattern(strings: Iterable[str]) -> str:
    """One regular expression for the personal strings, as whole words only ("Leo" never
    inside "Leonie"); understood alike by Python and PostgreSQL."""
    words = "|".join(re.escape(s) for s in strings)
    return rf"(?<![A-Za-z0-9_])({words})(?![A-Za-z0-9_])"


def _scrub_text(text: str, pattern: str, replacement: str) -> str:
    return re.sub(pattern, lambda _match: replacement, text)


def _scrub_details(value: Any, pattern: str, replacement: str, *, keys: bool) -> Any:
    """Strings naming the creator get the pseudonym; with ``keys`` (an event about their own
    profile, handles or payment details, or made by them) personal fields go whole."""
    if isinstance(value, dict):
        return {
            key: ERASED
            if keys and key in PERSONAL_KEYS
            else _scrub_details(item, pattern, replacement, keys=keys)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrub_details(item, pattern, replacement, keys=keys) for item in value]
    if isinstance(value, str):
        return _scrub_text(value, pattern, replacement)
    return value


def _replace_in_staff_text(org_id: int, strings: list[str], replacement: str) -> None:
    """One UPDATE per text column: the personal strings become the pseudonym, as whole words,
    in the rows naming one."""
    if not strings:
        return
    pattern = _pattern(strings)
    for model, fields in STAFF_TEXT:
        for field in fields:
            replaced = Func(
                F(field), Value(pattern), Value(replacement), Value("g"), function="regexp_replace"
            )
            model._default_manager.filter(
                organization_id=org_id, **{f"{field}__regex": pattern}
            ).update(**{field: replaced})


def _scrub_audit(
    user: Any, org_id: int, strings: list[str], replacement: str, own: set[tuple[str, str]]
) -> int:
    """Rewrite the labels and details of the org's audit events that name the creator or that
    they made (``own``: the (target_type, target_id) of their personal records). The trigger
    allows exactly this inside a transaction that set ``app.erasure``."""
    pattern = _pattern(strings)
    naming = Q(actor=user) | Q(target_label__regex=pattern)
    naming |= Q(before_text__regex=pattern) | Q(after_text__regex=pattern)
    events = list(
        AuditEvent.objects.filter(organization_id=org_id)
        .annotate(before_text=Cast("before", TextField()), after_text=Cast("after", TextField()))
        .filter(naming)
    )
    for event in events:
        keys = event.actor_id == user.pk or (event.target_type, event.target_id) in own
        if event.actor_id == user.pk:
            event.actor_label = replacement
        event.actor_label = _scrub_text(event.actor_label, pattern, replacement)
        event.target_label = _scrub_text(event.target_label, pattern, replacement)[:200]
        event.before = _scrub_details(event.before, pattern, replacement, keys=keys)
        event.after = _scrub_details(event.after, pattern, replacement, keys=keys)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.erasure', 'on', true)")
        AuditEvent.objects.bulk_update(
            events, ["actor_label", "target_label", "before", "after"], batch_size=500
        )
        cursor.execute("SELECT set_config('app.erasure', '', true)")
    return len(events)


def _own_records(profiles: list[CreatorProfile]) -> set[tuple[str, str]]:
    """The audit targets that are the creator's personal records, before they are deleted."""
    own = {("influencers.creatorprofile", str(p.pk)) for p in profiles}
    for model, owner in (
        (SocialHandle, "profile__in"),
        (Availability, "profile__in"),
        (ProgramInterest, "profile__in"),
        (PayoutDetails, "creator__in"),
        (TaxForm, "creator__in"),
    ):
        label = model._meta.label_lower
        own |= {
            (label, str(pk))
            for pk in model.objects.filter(**{owner: profiles}).values_list("pk", flat=True)
        }
    return own


def _erase_own_writing(user: Any, profiles: list[CreatorProfile]) -> list[str]:
    """What the creator wrote becomes "[erased]"; what they uploaded goes. Returns the storage
    names to delete once the transaction commits."""
    mine = Q(deliverable__enrollment__creator__in=profiles)
    Message.objects.filter(author=user).update(text=ERASED)
    Request.objects.filter(creator__in=profiles).update(text=ERASED)
    CaseAction.objects.filter(actor=user).update(text=ERASED)
    Extension.objects.filter(requested_by=user).update(reason=ERASED)
    Submission.objects.filter(mine).update(caption=ERASED, links=[], media_url="")
    Deliverable.objects.filter(enrollment__creator__in=profiles).exclude(
        published_caption=""
    ).update(published_caption=ERASED)
    Deliverable.objects.filter(enrollment__creator__in=profiles).update(live_url="")
    media = SubmissionMedia.objects.filter(
        submission__deliverable__enrollment__creator__in=profiles
    )
    files = [name for pair in media.values_list("file", "thumbnail") for name in pair if name]
    media.delete()
    return files


def _erase_profiles(profiles: list[CreatorProfile], now: Any) -> None:
    SocialHandle.objects.filter(profile__in=profiles).delete()
    Availability.objects.filter(profile__in=profiles).delete()
    ProgramInterest.objects.filter(profile__in=profiles).delete()
    CreatorLink.objects.filter(profile__in=profiles).delete()
    PayoutDetails.objects.filter(creator__in=profiles).delete()
    TaxForm.objects.filter(creator__in=profiles).update(reference=ERASED, note="")
    for profile in profiles:
        profile.display_name = pseudonym(profile)
        profile.email = f"erased-{profile.pk}@{ERASED_DOMAIN}"
        profile.location = ""
        profile.languages = []
        profile.rate_per_post = None
        profile.internal_notes = ""
        profile.max_audience = 0
        profile.erased_at = now
    CreatorProfile.objects.bulk_update(
        profiles,
        [
            "display_name",
            "email",
            "location",
            "languages",
            "rate_per_post",
            "internal_notes",
            "max_audience",
            "erased_at",
        ],
    )


def _disable_login(user: Any) -> list[str]:
    """The login goes: pseudonymised, no password, inactive. Returns export files to delete."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).delete()
    exports = DataExport.objects.filter(user=user)
    files = [name for name in exports.values_list("file", flat=True) if name]
    exports.delete()
    user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
    user.name = ""
    user.time_zone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["email", "name", "time_zone", "is_active", "password"])
    return files


def _tell_org(profile: CreatorProfile, user: Any) -> None:
    organization = profile.organization
    audit_record(
        organization=organization,
        actor=user,
        verb=AuditVerb.CREATOR_ERASED,
        target=profile,
        after={"erased_at": profile.erased_at.isoformat() if profile.erased_at else None},
    )
    admins = admin_users(organization_id=organization.pk)
    notify_many(
        recipients=admins,
        organization=organization,
        kind=NotificationKind.PRIVACY,
        event_key=f"creator-erased:{profile.pk}",
        title=gettext("%(name)s had their personal data erased") % {"name": pseudonym(profile)},
        body=gettext(
            "At the creator's request: their name, contact and payment details, handles, "
            "messages and uploads are gone. Payouts, the ledger and the history keep amounts "
            "and ids."
        ),
        url=reverse("creator_detail", kwargs={"org_slug": organization.slug, "pk": profile.pk}),
    )


@transaction.atomic
def creator_erase(*, user: Any) -> list[CreatorProfile]:
    """Erase the creator's personal data in every org they belong to; returns the profiles
    erased now (none when already erased). Refused (409) while a payout is unsettled."""
    if not getattr(user, "is_creator", False):
        raise Forbidden(gettext("Erasure from the portal is for creators."))
    profiles = list(
        CreatorProfile.objects.select_for_update(of=("self",))
        .filter(user=user)
        .select_related("organization")
        .order_by("organization_id")
    )
    blocker = erasure_blocker(user=user)
    if blocker:
        raise Conflict(gettext("Your data cannot be erased yet: %(reason)s") % {"reason": blocker})
    fresh = [p for p in profiles if p.erased_at is None]
    strings = _personal_strings(user, profiles)
    own = _own_records(profiles)
    files = _erase_own_writing(user, profiles)
    for profile in fresh:
        _replace_in_staff_text(profile.organization_id, strings, pseudonym(profile))
        _scrub_audit(user, profile.organization_id, strings, pseudonym(profile), own)
    _erase_profiles(fresh, timezone.now())
    # What they won't promote belongs to their login: it goes with their personal data.
    CreatorExclusion.objects.filter(user=user).delete()
    CreatorValues.objects.filter(user=user).delete()
    files += _disable_login(user)
    for profile in fresh:
        _tell_org(profile, user)
    transaction.on_commit(lambda: _delete_files(files))
    return fresh


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
