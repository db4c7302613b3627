"""Activates the viewer's time zone for the request, so every page shows times where they are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.selectors import viewer_time_zone
from influencer_ops.tenancy import NO_TRANSACTION_PREFIXES


class ViewerTimeZoneMiddleware:
    """The signed-in user's preference, else the org in the URL (or the last one they opened).

    Runs in ``process_view``: the URL's ``org_slug`` is known and the request's transaction (with
    the user's own RLS clause) is open. Anonymous visitors and the hot paths (tracked links,
    health) keep UTC and cost no query. The zone is deactivated when the response is done.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> None:
        if request.path.startswith(NO_TRANSACTION_PREFIXES):
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        org_slug = view_kwargs.get("org_slug") or request.session.get("current_org")
        timezone.activate(viewer_time_zone(user=user, org_slug=org_slug))
