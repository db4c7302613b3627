"""Writes of API tokens: create (shown once, stored hashed), revoke, and record a use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ApiToken
from accounts.selectors import user_has_totp
from accounts.tokens.selectors import TOKEN_PREFIX, token_hash
from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, FieldError, Forbidden, NotFound
from influencer_ops.validation import (
    API_TOKEN_MAX_DAYS,
    API_TOKEN_NAME_MAX_LENGTH,
    ValueInvalid,
    clean_text,
)
from influencers.models import CreatorProfile
from organizations.models import Organization
from organizations.permissions import is_admin, requires_mfa
from organizations.selectors import membership_for

# A token's last use is written at most once a minute: a busy script does not write per call.
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole ``io_…`` text: shown once, never stored


@transaction.atomic
def token_create(
    *,
    user: Any,
    organization: Organization | None,
    name: str,
    scope: str,
    expires_in_days: int,
) -> NewToken:
    """A token of ``user`` for one org they belong to (staff) or, without an org, for their own
    creator data. The org's two-factor rule for the user's role applies, as at sign-in."""
    try:
        name = clean_text(name, limit=API_TOKEN_NAME_MAX_LENGTH, required=True)
    except ValueInvalid as exc:
        raise FieldError("name", str(exc)) from exc
    if scope not in ApiToken.Scope.values:
        raise FieldError("scope", gettext("Choose read only or read and write."))
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= API_TOKEN_MAX_DAYS:
        raise FieldError(
            "expires_in_days",
            gettext("A token expires within 1 to %(days)s days.") % {"days": API_TOKEN_MAX_DAYS},
        )
    if organization is None:
        if not getattr(user, "is_creator", False):
            raise Forbidden(gettext("Only creators have portal data to reach with a token."))
    else:
        membership = membership_for(user=user, organization=organization)
        if membership is None:
            raise NotFound(gettext("No such organization."))
        if requires_mfa(membership) and not user_has_totp(user=user):
            raise Forbidden(
                gettext(
                    "Your organization requires two-factor sign-in for your role: set up an "
                    "authenticator app before you create an API token."
                )
            )
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        organization=organization,
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=token_hash(raw),
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    after = {"name": name, "scope": scope, "expires_at": token.expires_at.isoformat()}
    _audit(token, user, AuditVerb.API_TOKEN_CREATED, after)
    return NewToken(token, raw)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Its owner, or an admin of its org, revokes it; at once, for good."""
    if token.user_id != actor.pk:
        membership = (
            membership_for(user=actor, organization=token.organization)
            if token.organization is not None
            else None
        )
        if not is_admin(membership):
            raise NotFound(gettext("No such token."))
    now = timezone.now()
    moved = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor
    )
    if not moved:
        raise Conflict(gettext("This token was already revoked."))
    token.revoked_at, token.revoked_by = now, actor
    _audit(token, actor, AuditVerb.API_TOKEN_REVOKED, {"revoked_at": now.isoformat()})
    return token


def _audit(token: ApiToken, actor: Any, verb: AuditVerb, after: dict[str, Any]) -> None:
    """In the token's org; a creator's token reaches their data in each of their orgs, so each
    of those orgs' trails records it."""
    if token.organization_id is not None:
        org_ids = [token.organization_id]
    else:
        org_ids = list(
            CreatorProfile.objects.filter(user_id=token.user_id)
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
        )
    for org_id in org_ids:
        audit_record(
            organization=Organization(pk=org_id), actor=actor, verb=verb, target=token, after=after
        )


def token_mark_used(*, token: ApiToken, at: datetime) -> None:
    """Record a use, at most once per ``LAST_USED_EVERY`` (a conditional UPDATE, no read)."""
    if token.last_used_at is not None and token.last_used_at > at - LAST_USED_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=at - LAST_USED_EVERY)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=at)
    token.last_used_at = at
