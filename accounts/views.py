"""The signed-in user's own display preferences (time zone)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PreferencesForm
from accounts.services import user_set_time_zone


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            user_set_time_zone(user=user, time_zone=form.cleaned_data["time_zone"])
            messages.success(request, _("Your preferences were saved."))
            return redirect("account_preferences")
        status = 400
    else:
        form = PreferencesForm(initial={"time_zone": getattr(user, "time_zone", "")})
        status = 200
    context = {"form": form, "active_zone": timezone.get_current_timezone_name()}
    return render(request, "accounts/preferences.html", context, status=status)
