"""Linking a creator's login to the org's profile: a one-time link sent by e-mail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict
from influencer_ops.site import absolute_url
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from influencers.models import (
    CreatorLink,
    CreatorProfile,
)
from messaging.services.notifications import email_address_after_commit

CREATOR_LINK_DAYS = 14

# --- linking a creator's login to the org's profile ---


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def creator_link_url(token: str) -> str:
    return reverse("creator_link_accept", kwargs={"token": token})


@transaction.atomic
def creator_link_invite(*, profile: CreatorProfile, actor: Any) -> tuple[CreatorLink, str]:
    """E-mail the creator a one-time link (valid 14 days) to connect their login. Earlier
    unused links of the profile stop working. Returns the link and its token (mailed)."""
    locked = CreatorProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.user_id is not None:
        raise Conflict(
            gettext("%(display_name)s already has a portal login.")
            % {"display_name": locked.display_name}
        )
    now = timezone.now()
    CreatorLink.objects.filter(profile=locked, accepted_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    link = CreatorLink.objects.create(
        organization_id=locked.organization_id,
        profile=locked,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=CREATOR_LINK_DAYS),
    )
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.CREATOR_PORTAL_INVITED,
        target=link,
        after={"email": locked.email, "expires_at": link.expires_at.isoformat()},
    )
    org_name = locked.organization.name
    subject = gettext("%(org_name)s invites you to the Influencer Ops creator portal") % {
        "org_name": org_name
    }
    body = gettext(
        "Hello %(display_name)s,\n\n%(display_name2)s at %(org_name)s invites "
        "you to the creator portal, where you keep your profile and "
        "availability, see your programs and payments, and message your "
        "success manager.\n\nConnect your login: %(absolute_url)s\n\nThe link "
        "works once and expires on %(expires_at)s UTC."
    ) % {
        "display_name": locked.display_name,
        "display_name2": actor.display_name,
        "org_name": org_name,
        "absolute_url": absolute_url(creator_link_url(token)),
        "expires_at": format(link.expires_at, "%Y-%m-%d %H:%M"),
    }
    email_address_after_commit(
        organization=locked.organization, address=locked.email, subject=subject, body=body
    )
    return link, token


def creator_link_by_token(token: str) -> CreatorLink | None:
    """Find a link by its secret token, whatever the org: the token is the credential."""
    with dangerously_unscoped():
        return (
            CreatorLink.objects.select_related("organization", "profile")
            .filter(token_hash=_token_hash(token))
            .first()
        )


@transaction.atomic
def creator_link_accept(*, link: CreatorLink, user: Any) -> CreatorProfile:
    """Connect ``user`` (signed in with the link) to the profile and open the portal to them.
    Refused when the link is used or expired, the profile has another login, or the user
    already has a profile in that org."""
    organization = link.organization
    with db_scope(org_ids=[organization.pk], user_id=user.pk):
        locked = CreatorLink.objects.select_for_update().get(pk=link.pk)
        if locked.accepted_at is not None:
            raise Conflict(gettext("This link has been used already."))
        if locked.expires_at <= timezone.now():
            raise Conflict(
                gettext("This link has expired. Ask your success manager for a new one.")
            )
        profile = CreatorProfile.objects.select_for_update().get(pk=locked.profile_id)
        if profile.user_id is not None:
            raise Conflict(gettext("This profile is already connected to another login."))
        mine = CreatorProfile.objects.filter(organization=organization, user=user)
        if mine.exists():
            raise Conflict(
                gettext("You already have a creator profile with %(name)s.")
                % {"name": organization.name}
            )
        profile.user = user
        profile.save(update_fields=["user"])
        if not user.is_creator:
            user.is_creator = True
            user.save(update_fields=["is_creator"])
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit_record(
            organization=organization,
            actor=user,
            verb=AuditVerb.CREATOR_PORTAL_LINKED,
            target=profile,
            after={"user": user.email},
        )
        return profile
