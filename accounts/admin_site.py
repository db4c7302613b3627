"""The platform admin: staff reach /admin/ only after two-factor sign-in in this session.

The admin sees every organization, so a password alone is not enough: a staff user (or
superuser) must have a TOTP authenticator *and* have passed it (TOTP or a recovery code) in the
current session. Django's own admin login form, which knows nothing of two-factor, is replaced
by a redirect to allauth's sign-in; without an authenticator the user is sent to set one up,
with one but not passed in this session to allauth's two-factor check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from accounts.selectors import user_has_totp


def passed_mfa_this_session(request: HttpRequest) -> bool:
    """The signed-in user confirmed a second factor (TOTP or a recovery code) in this session."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class PlatformAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and user_has_totp(user=user)
            and passed_mfa_this_session(request)
        )

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """Where the admin sends whoever lacks permission: never a password-only form."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            return _redirect("account_login", next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(gettext("The admin is for platform staff."))
        if not user_has_totp(user=user):
            messages.warning(
                request,
                gettext(
                    "The platform admin requires two-factor sign-in. "
                    "Set up an authenticator app, then open the admin again."
                ),
            )
            return _redirect("mfa_activate_totp", next_url)
        if not passed_mfa_this_session(request):
            return _redirect("mfa_reauthenticate", next_url)
        return HttpResponseRedirect(next_url)


def _redirect(url_name: str, next_url: str) -> HttpResponse:
    return HttpResponseRedirect(f"{reverse(url_name)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
