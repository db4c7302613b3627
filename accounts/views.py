"""Account pages of our own: two-factor set-up that ends where the user was going (not on the
recovery-codes page), and the signed-in user's display preferences (time zone)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.totp.views import ActivateTOTPView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import PreferencesForm
from accounts.services import user_set_time_zone

# allauth's form posts back without the query string: the page to return to waits here.
NEXT_KEY = "mfa_setup_next"


class ActivateTOTPThenHomeView(ActivateTOTPView):
    """allauth's TOTP activation; afterwards the page the user was sent from (``next``) or their
    home. The recovery codes made with the first authenticator stay one link away (Security)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        target = request.GET.get("next", "")
        if target and self._safe(target):
            request.session[NEXT_KEY] = target
        return super().get(request, *args, **kwargs)

    def _safe(self, url: str) -> bool:
        return url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )

    def get_success_url(self) -> str:
        target = self.request.session.pop(NEXT_KEY, "")
        if getattr(self, "did_generate_recovery_codes", False):
            messages.success(
                self.request,
                format_html(
                    'Two-factor sign-in is on. Keep your <a href="{}">recovery codes</a> '
                    "somewhere safe: they let you in if you lose your phone.",
                    reverse("mfa_view_recovery_codes"),
                ),
            )
        return target if target and self._safe(target) else reverse("home")


activate_totp = ActivateTOTPThenHomeView.as_view()


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
