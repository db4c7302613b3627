"""The app's URLs plus the baselines of ``bench/redirect.py`` (never part of the app):

- ``/r/bare/<code>``: the same 302 as a tracked link (same decorators and headers, under
  ``/r/`` so the same middleware path, routed just before the tracked links so that URL
  resolution costs the same) without looking anything up or recording anything;
- ``/r/ping/<code>``: the same plus one Redis round trip (a PING on the click store's client),
  the least that any redirect recording its clicks in Redis has to add;
- ``/r/django/<code>``: the tracked redirect's Django view itself (``tracked_redirect``), as it
  answered before the lean entry point took ``/r/<code>`` (which this prefix does not match).
"""

from __future__ import annotations

import os
from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as app_patterns
from tracking.clicks.views import tracked_redirect
from tracking.links.services import click_redis

DESTINATION = os.environ.get("BENCH_BARE_DESTINATION", "https://example.com/")


def _redirect() -> HttpResponse:
    response = HttpResponseRedirect(DESTINATION)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
@require_safe
def bare_redirect(request: HttpRequest, code: str) -> HttpResponse:
    return _redirect()


@login_not_required
@never_cache
@require_safe
def ping_redirect(request: HttpRequest, code: str) -> HttpResponse:
    click_redis().ping()
    return _redirect()


def _with_bare(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """``patterns`` with the bare redirect inserted just before the include of the tracked one."""
    bench = [
        path("r/bare/<str:code>", bare_redirect, name="bench_bare_redirect"),
        path("r/ping/<str:code>", ping_redirect, name="bench_ping_redirect"),
        path("r/django/<str:code>", tracked_redirect, name="bench_django_redirect"),
    ]
    for index, pattern in enumerate(patterns):
        names = getattr(pattern, "reverse_dict", {})
        if isinstance(pattern, URLResolver) and "tracked_redirect" in names:
            return [*patterns[:index], path("", include(bench)), *patterns[index:]]
    raise LookupError("the tracked redirect is not routed")


urlpatterns = _with_bare(cast(list[URLPattern | URLResolver], app_patterns))
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
