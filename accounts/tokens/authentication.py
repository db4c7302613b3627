"""``Authorization: Bearer io_…``: the REST API's token door, first in
``DEFAULT_AUTHENTICATION_CLASSES`` (a request without the header goes on to the session, which
keeps its CSRF check; a token request needs none, a browser never sends the header by itself).

A token is refused with 401 when it is unknown, revoked or expired, when its user is inactive or
no longer a member of its org, and when the request is for another org's endpoints (a creator's
token reaches only /api/v1/me/). A read-only token asking to write gets 403. What the token may do
beyond that is its user's current role: the org door checks the capability on every request."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.tokens.selectors import token_for_secret
from accounts.tokens.services import token_mark_used
from influencer_ops.tenancy import activate_orgs, dangerously_unscoped
from organizations.selectors import membership_for

KEYWORD = b"bearer"
CREATOR_API_PREFIX = "/api/v1/me/"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate_header(self, request: Request) -> str | None:
        """A refused token is a 401 that names the scheme; a request without one keeps the
        session's answer (403, as before tokens existed)."""
        parts = get_authorization_header(request).split()
        return 'Bearer realm="api"' if parts and parts[0].lower() == KEYWORD else None

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                gettext("Send the header as: Authorization: Bearer io_…")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(gettext("Invalid token.")) from exc
        token = token_for_secret(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(gettext("Invalid token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(gettext("This token was revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(gettext("This token has expired."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(gettext("This token's user is inactive."))
        with dangerously_unscoped():
            self._check_reach(request, token)
            if token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
                raise exceptions.PermissionDenied(gettext("This token is read-only."))
            token_mark_used(token=token, at=now)
        # The request's scope starts as the session's would: the user's own rows, no org yet.
        activate_orgs((), user_id=user.pk)
        return user, token

    def _check_reach(self, request: Request, token: ApiToken) -> None:
        django_request = request._request
        if token.organization is None:
            if not django_request.path_info.startswith(CREATOR_API_PREFIX):
                raise exceptions.AuthenticationFailed(
                    gettext("This token reaches your creator data only (/api/v1/me/).")
                )
            if not token.user.is_creator:
                raise exceptions.AuthenticationFailed(
                    gettext("This token's user is not a creator.")
                )
            return
        match = django_request.resolver_match
        slug = match.kwargs.get("org_slug") if match is not None else None
        if slug != token.organization.slug:
            raise exceptions.AuthenticationFailed(
                gettext("This token is for another organization.")
            )
        if membership_for(user=token.user, organization=token.organization) is None:
            raise exceptions.AuthenticationFailed(
                gettext("This token's user is no longer a member.")
            )


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Declares the bearer scheme in the OpenAPI schema."""

    target_class = "accounts.tokens.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "io_<id>_<secret>",
            "description": (
                "A personal API token (Preferences → API tokens, or API tokens in the creator "
                "portal): for one organization's endpoints, or a creator's /api/v1/me/ ones."
            ),
        }
