"""Front door pages: landing/home routing, the portal shell, health, and error pages."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app
from influencer_ops.outages import RETRY_AFTER_SECONDS, outage_message, outage_of
from organizations.roles import SUCCESS_ROLES
from organizations.selectors import memberships_of_user


def home(request: HttpRequest) -> HttpResponse:
    """Anonymous: the landing page. Signed in: the place that fits who you are."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    memberships = list(memberships_of_user(user=request.user))
    if memberships:
        current = request.session.get("current_org")
        chosen = next((m for m in memberships if m.organization.slug == current), memberships[0])
        name = "org_desk" if chosen.role in SUCCESS_ROLES else "org_home"
        return redirect(reverse(name, kwargs={"org_slug": chosen.organization.slug}))
    if getattr(request.user, "is_creator", False):
        return redirect("portal_home")
    return render(request, "no_workspace.html")


@login_required
def org_switcher(request: HttpRequest) -> HttpResponse:
    memberships = memberships_of_user(user=request.user)
    return render(request, "org_switcher.html", {"memberships": memberships})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Runs outside the request's transaction (``NO_TRANSACTION_PREFIXES``): answers JSON even
    when the database is down, 503 naming what is down."""
    checks: dict[str, Any] = {"database": _database_ok(), "broker": _broker_ok()}
    down = [name for name, ok in checks.items() if not ok]
    checks["broker_transport"] = settings.CELERY_BROKER_URL.split("://")[0]
    response = JsonResponse(
        {"status": "unhealthy" if down else "ok", **checks, "down": down},
        status=503 if down else 200,
    )
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):  # a path no API route matches: answer like the API does
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": gettext("You do not have permission to do this.")}, status=403
        )
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors, which read the session and the
    memberships from the database: this page must work when the database does not. An outage of
    the database or the broker answers 503 with ``Retry-After`` instead."""
    outage = outage_of(sys.exc_info()[1])  # the error being handled
    if outage is not None:
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _is_api(request):
            body = {"detail": outage_message(outage), "unavailable": outage}
            return JsonResponse(body, status=503, headers=headers)
        page = render_to_string("503.html", {"message": outage_message(outage)})
        return HttpResponse(page, status=503, headers=headers)
    if _is_api(request):
        return JsonResponse({"detail": gettext("Something went wrong on our side.")}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)
