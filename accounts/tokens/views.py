"""API token pages: the user's own (Preferences → API tokens: staff tokens, one org each), the
creator's in the portal, and the org admins' list with revoke. A new token's secret is shown on
the page that answers the POST, once: it is never stored, so it is never shown again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_http_methods

from accounts.models import ApiToken
from accounts.tokens import selectors, services
from accounts.tokens.forms import TokenCreateForm
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencer_ops.tenancy import activate_orgs
from influencers.access import CreatorViewMixin
from organizations import permissions
from organizations.access import MfaRequired, OrgViewMixin, resolve_membership
from organizations.selectors import memberships_of_user

PAGE_SIZE = 50


def _page(request: HttpRequest, tokens: Any) -> Any:
    return Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page"))


def _token_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("token", ""))
    except ValueError as exc:
        raise Http404(gettext("No such token.")) from exc


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request: HttpRequest) -> HttpResponse:
    """A staff member's tokens, each for one of their orgs."""
    user = request.user
    organizations = [m.organization for m in memberships_of_user(user=user)]
    here = reverse("account_api_tokens")
    form = TokenCreateForm(organizations=organizations)
    status, new = 200, None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = selectors.tokens_of_user(user=user, creator=False).filter(pk=_token_id(request))
        found = token.first()
        if found is None:
            raise Http404(gettext("No such token."))
        activate_orgs([found.organization_id or 0], user_id=user.pk)  # its org, to write
        try:
            services.token_revoke(token=found, actor=user)
        except DomainError as exc:
            return refuse_back(request, exc, here)
        messages.success(
            request, gettext("The token “%(name)s” was revoked.") % {"name": found.name}
        )
        return redirect(here)
    if request.method == "POST":
        form = TokenCreateForm(request.POST, organizations=organizations)
        status = 400
        if form.is_valid():
            try:
                organization, _membership = resolve_membership(
                    request, form.cleaned_data["organization"]
                )
            except MfaRequired:
                messages.warning(
                    request,
                    gettext(
                        "Your organization requires two-factor sign-in for your role. "
                        "Set up an authenticator app to create API tokens."
                    ),
                )
                return redirect(f"/accounts/2fa/totp/activate/?next={here}")
            try:
                new = services.token_create(
                    user=user,
                    organization=organization,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                status, form = 200, TokenCreateForm(organizations=organizations)
    context = {
        "form": form,
        "new": new,
        "page": _page(request, selectors.tokens_of_user(user=user, creator=False)),
        "creator": False,
        "has_orgs": bool(organizations),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


class PortalTokensView(CreatorViewMixin, View):
    """A creator's tokens for their own data across their orgs (/api/v1/me/)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, TokenCreateForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        here = reverse("portal_api_tokens")
        if request.POST.get("action") == "revoke":
            tokens = selectors.tokens_of_user(user=user, creator=True)
            found = tokens.filter(pk=_token_id(request)).first()
            if found is None:
                raise Http404(gettext("No such token."))
            try:
                services.token_revoke(token=found, actor=user)
            except DomainError as exc:
                return refuse_back(request, exc, here)
            messages.success(
                request, gettext("The token “%(name)s” was revoked.") % {"name": found.name}
            )
            return redirect(here)
        form = TokenCreateForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            new = services.token_create(
                user=user,
                organization=None,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as exc:
            return self._render(request, form, status=form_add_domain_error(form, exc))
        return self._render(request, TokenCreateForm(), status=200, new=new)

    def _render(
        self,
        request: HttpRequest,
        form: TokenCreateForm,
        status: int = 200,
        new: services.NewToken | None = None,
    ) -> HttpResponse:
        context = {
            "form": form,
            "new": new,
            "page": _page(request, selectors.tokens_of_user(user=request.user, creator=True)),
            "creator": True,
        }
        return render(request, "accounts/api_tokens.html", context, status=status)


class OrgTokensView(OrgViewMixin, View):
    """The org admins' list of every token made for the org, with its owner, scope and last use;
    any one may be revoked here."""

    capability = permissions.is_admin

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tokens = selectors.tokens_of_org(organization=self.organization)
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "page": _page(request, tokens),
        }
        return render(request, "accounts/org_api_tokens.html", context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        here = reverse("org_api_tokens", kwargs={"org_slug": self.organization.slug})
        tokens = selectors.tokens_of_org(organization=self.organization)
        found: ApiToken | None = tokens.filter(pk=_token_id(request)).first()
        if found is None:
            raise Http404(gettext("No such token."))
        try:
            services.token_revoke(token=found, actor=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, here)
        messages.success(
            request,
            gettext("The token “%(name)s” of %(email)s was revoked.")
            % {"name": found.name, "email": found.user.email},
        )
        return redirect(here)
