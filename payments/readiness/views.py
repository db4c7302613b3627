"""Payout readiness pages: the creator's payout details and tax forms in the portal, and the
team's view of one creator's readiness, where admins and BSMs verify or reject tax forms.

Staff pages need ``can_view_payouts`` (403 otherwise); deciding needs ``can_manage_payouts``
(the service refuses, the page answers 403). Another org's creator or form is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencers.models import CreatorProfile
from influencers.portal_pages import PortalMixin
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_manage_payouts, can_view_payouts
from payments.models import PayoutDetails, PayoutState, TaxForm
from payments.readiness import services as readiness
from payments.readiness.forms import PayoutDetailsForm, TaxFormForm, TaxFormRejectForm


def _details(creator: CreatorProfile) -> PayoutDetails | None:
    try:
        return creator.payout_details
    except ObjectDoesNotExist:
        return None


def _show_error(exc: DomainError, form: forms.Form) -> None:
    """A 403 is the page's 403; field errors go next to their fields, the rest on top. The page
    answers 400 whatever the refusal, as it always has."""
    if exc.status_code == 403:
        raise PermissionDenied(str(exc)) from exc
    form_add_domain_error(form, exc)


# --- the team's side ---


class ReadinessMixin(OrgViewMixin, View):
    capability = can_view_payouts
    request: HttpRequest

    def creator(self, pk: Any) -> CreatorProfile:
        found = CreatorProfile.objects.select_related("payout_details")
        return get_for_org(found, self.organization, pk)

    def back_url(self, creator: CreatorProfile) -> str:
        return reverse(
            "creator_payout_readiness",
            kwargs={"org_slug": self.organization.slug, "pk": creator.pk},
        )

    def back(self, creator: CreatorProfile) -> HttpResponse:
        return redirect(self.back_url(creator))

    def render_page(
        self,
        creator: CreatorProfile,
        bound: TaxFormRejectForm | None = None,
        bound_for: int | None = None,
        status: int = 200,
    ) -> HttpResponse:
        details = _details(creator)
        tax_forms = list(
            TaxForm.objects.filter(organization=self.organization, creator=creator)
            .select_related("decided_by")
            .order_by("-received_at", "-id")
        )
        found = readiness.readiness_from(details, tax_forms)
        may_decide = can_manage_payouts(self.membership)
        for form in tax_forms:
            chosen = bound if bound is not None and bound_for == form.pk else None
            form.reject_form = chosen or TaxFormRejectForm(prefix=f"reject-{form.pk}")  # type: ignore[attr-defined]
        held = creator.payouts.filter(
            organization=self.organization,
            state=PayoutState.ON_HOLD,
            hold_reason__startswith=readiness.READINESS_HOLD,
        ).count()
        context = {
            "organization": self.organization,
            "membership": self.membership,
            "creator": creator,
            "details": details,
            "tax_forms": tax_forms,
            "readiness": found,
            "may_decide": may_decide,
            "held_count": held,
        }
        return render(self.request, "payments/readiness_staff.html", context, status=status)


class CreatorReadinessView(ReadinessMixin):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(self.creator(kwargs["pk"]))


class TaxFormVerifyView(ReadinessMixin):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        tax_form = get_for_org(
            TaxForm.objects.filter(creator=creator), self.organization, kwargs["form_pk"]
        )
        try:
            readiness.tax_form_verify(
                tax_form=tax_form, actor=request.user, membership=self.membership
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied(str(exc)) from exc
            return refuse_back(request, exc, self.back_url(creator))
        messages.success(
            request, gettext("%(kind)s verified.") % {"kind": tax_form.get_kind_display()}
        )
        return self.back(creator)


class TaxFormRejectView(ReadinessMixin):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        tax_form = get_for_org(
            TaxForm.objects.filter(creator=creator), self.organization, kwargs["form_pk"]
        )
        if not can_manage_payouts(self.membership):
            raise PermissionDenied(gettext("Only admins and BSMs verify or reject tax forms."))
        form = TaxFormRejectForm(request.POST, prefix=f"reject-{tax_form.pk}")
        if form.is_valid():
            try:
                readiness.tax_form_reject(
                    tax_form=tax_form,
                    actor=request.user,
                    membership=self.membership,
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                _show_error(exc, form)
            else:
                messages.success(
                    request,
                    gettext("%(kind)s rejected; the creator sees why.")
                    % {"kind": tax_form.get_kind_display()},
                )
                return self.back(creator)
        return self.render_page(creator, bound=form, bound_for=tax_form.pk, status=400)


# --- the creator's side ---


class PortalPayoutDetailsView(PortalMixin):
    title = "Payout details"
    url_name = "portal_payout_details"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        return self._render(request, profile)

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        if request.POST.get("action") == "tax_form":
            return self._tax_form(request, profile)
        return self._details(request, profile)

    def _details(self, request: HttpRequest, profile: CreatorProfile) -> HttpResponse:
        form = PayoutDetailsForm(request.POST, prefix="details")
        if form.is_valid():
            try:
                saved = readiness.payout_details_set(
                    creator=profile, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                _show_error(exc, form)
            else:
                messages.success(
                    request, gettext("Payout details saved: %(saved)s.") % {"saved": saved}
                )
                return self.back(profile)
        return self._render(request, profile, details_form=form, status=400)

    def _tax_form(self, request: HttpRequest, profile: CreatorProfile) -> HttpResponse:
        form = TaxFormForm(request.POST, prefix="tax")
        if form.is_valid():
            try:
                readiness.tax_form_submit(creator=profile, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _show_error(exc, form)
            else:
                messages.success(
                    request, gettext("Tax form sent; we will tell you once it is verified.")
                )
                return self.back(profile)
        return self._render(request, profile, tax_form=form, status=400)

    def _render(
        self,
        request: HttpRequest,
        profile: CreatorProfile,
        details_form: PayoutDetailsForm | None = None,
        tax_form: TaxFormForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        details = PayoutDetails.objects.filter(
            organization_id=profile.organization_id, creator=profile
        ).first()
        tax_forms = list(
            TaxForm.objects.filter(organization_id=profile.organization_id, creator=profile)
        )
        if details_form is None:
            initial = (
                {"method": details.method, "account_name": details.account_name} if details else {}
            )
            details_form = PayoutDetailsForm(prefix="details", initial=initial)
        return self.page(
            request,
            "payments/readiness_portal.html",
            status,
            profile=profile,
            details=details,
            tax_forms=tax_forms,
            readiness=readiness.readiness_from(details, tax_forms),
            details_form=details_form,
            tax_form=tax_form or TaxFormForm(prefix="tax"),
        )
