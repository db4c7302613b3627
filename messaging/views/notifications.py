"""The signed-in user's notifications (the bell and its list) and their preferences.

Notifications belong to a user across orgs: these pages carry no org in the URL, and every read
and write is filtered by ``recipient=request.user`` (row-level security lets a user read their
own rows through the ``recipient_id = app_user_id()`` clause).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging.kinds import NotificationKind
from messaging.selectors import notification_list
from messaging.services.notifications import (
    notification_mark_read,
    notification_set_preferences,
    preferences_for,
)

PAGE_SIZE = 25
# htmx stops polling when it receives this status (the user signed out in another tab).
HTMX_STOP_POLLING = 286
BELL_TEMPLATE = "messaging/_bell.html"
CHANNELS = (("in_app", "In the app"), ("email", "By e-mail"))


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _safe_link(request: HttpRequest, url: str) -> str:
    """Only local or same-host links: a stored URL never becomes a javascript: or foreign link."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return ""


def _parse_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


@require_GET
def notifications_bell(request: HttpRequest) -> HttpResponse:
    """The bell fragment, polled by htmx every minute."""
    if not request.user.is_authenticated:
        if _is_htmx(request):
            return HttpResponse(status=HTMX_STOP_POLLING)
        return redirect_to_login(request.get_full_path())
    return render(request, BELL_TEMPLATE)


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [(notification, _safe_link(request, notification.url)) for notification in page]
    return render(request, "messaging/notifications.html", {"page": page, "items": items})


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark the posted ``id`` values (or, without any, all) as read; others' ids are ignored."""
    ids = _parse_ids(request.POST.getlist("id")) if "id" in request.POST else None
    marked = notification_mark_read(user=request.user, notification_ids=ids)
    if _is_htmx(request):
        return render(request, BELL_TEMPLATE)
    if marked:
        noun = "notification" if marked == 1 else "notifications"
        messages.success(
            request,
            gettext("Marked %(marked)s %(noun)s as read.") % {"marked": marked, "noun": noun},
        )
    return redirect("notifications")


class NotificationPreferencesForm(forms.Form):
    """Two checkboxes per kind: ``<kind>__in_app`` and ``<kind>__email``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            for channel, channel_label in CHANNELS:
                self.fields[f"{kind.value}__{channel}"] = forms.BooleanField(
                    required=False, label=f"{kind.label}: {channel_label.lower()}"
                )

    @classmethod
    def initial_for(cls, choices: dict[str, tuple[bool, bool]]) -> dict[str, bool]:
        initial: dict[str, bool] = {}
        for kind in NotificationKind.values:
            in_app, email = choices.get(kind, (True, True))
            initial[f"{kind}__in_app"] = in_app
            initial[f"{kind}__email"] = email
        return initial

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            kind: (data[f"{kind}__in_app"], data[f"{kind}__email"])
            for kind in NotificationKind.values
        }

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(kind label, [in-app field, e-mail field]) for the table."""
        return [
            (str(kind.label), [self[f"{kind.value}__{channel}"] for channel, _ in CHANNELS])
            for kind in NotificationKind
        ]


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST)
        if form.is_valid():
            notification_set_preferences(user=request.user, choices=form.choices())
            messages.success(request, gettext("Your notification preferences were saved."))
            return redirect("notification_preferences")
        status = 400
    else:
        initial = NotificationPreferencesForm.initial_for(preferences_for(user=request.user))
        form = NotificationPreferencesForm(initial=initial)
        status = 200
    context = {"form": form, "channels": [label for _, label in CHANNELS]}
    return render(request, "messaging/notification_preferences.html", context, status=status)
