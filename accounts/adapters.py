"""allauth hooks: public sign-up makes a creator account; staff join through invitations;
the client's address (for the sign-in rate limits) read behind the trusted proxies."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from influencer_ops.proxies import client_ip

# The address of a request that has none (gunicorn on a unix socket with no proxy in front):
# such requests share one rate-limit bucket per address, and are still served.
UNKNOWN_CLIENT = "unknown"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.is_creator = True
        if commit:
            user.save()
        return user

    def get_client_ip(self, request: HttpRequest) -> str:
        """``TRUSTED_PROXY_COUNT``'s reading of X-Forwarded-For (allauth's own would refuse a
        request without ``REMOTE_ADDR`` with a 403)."""
        return client_ip(request) or UNKNOWN_CLIENT
