"""Reads of API tokens: the user's own, an org's (for its admins), and one by its secret."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.db.models import QuerySet

from accounts.models import ApiToken
from influencer_ops.tenancy import dangerously_unscoped

TOKEN_PREFIX = "io_"
_PREFIX_RE = re.compile(r"[0-9a-f]{12}")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_prefix(raw: str) -> str | None:
    """The public id inside ``io_<prefix>_<secret>``; None when the text is not shaped so."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    parts = raw.split("_", 2)
    if len(parts) != 3 or not _PREFIX_RE.fullmatch(parts[1]) or not parts[2]:
        return None
    return parts[1]


def token_for_secret(raw: str) -> ApiToken | None:
    """The token whose secret this is, revoked or expired ones included (the caller says why it
    refuses them); None for an unknown or wrong secret. A lookup by secret, across orgs."""
    prefix = token_prefix(raw)
    if prefix is None:
        return None
    with dangerously_unscoped():
        token = (
            ApiToken.objects.select_related("user", "organization").filter(prefix=prefix).first()
        )
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(raw)):
        return None
    return token


def tokens_of_user(*, user: Any, creator: bool) -> QuerySet[ApiToken]:
    """The user's own tokens: their staff tokens (one org each), or their creator tokens."""
    tokens = ApiToken.objects.select_related("organization").filter(user=user)
    return tokens.filter(organization__isnull=creator).order_by("-created_at", "-id")


def tokens_of_org(*, organization: Any) -> QuerySet[ApiToken]:
    """Every token made for the org, with its owner and who revoked it (one query)."""
    return (
        ApiToken.objects.select_related("user", "revoked_by")
        .filter(organization=organization)
        .order_by("-created_at", "-id")
    )
