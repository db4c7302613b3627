"""Payout pages: the org's payouts (list, one payout with its ledger and audit trail, and the
staff actions on it) and the creator's own payouts in the portal.

Staff need ``can_view_payouts`` to read (403 otherwise) and ``can_manage_payouts`` to act; a
payout of another org is a 404, like a missing one. A creator sees only their own payouts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from influencer_ops.errors import DomainError
from influencers.access import CreatorViewMixin
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_manage_payouts, can_view_payouts
from payments.models import Payout
from payments.notify import payout_details_url
from payments.payouts import selectors, services
from payments.payouts.forms import PayoutAdjustForm, PayoutFilterForm, PayoutReasonForm
from payments.payouts.services import ADJUSTABLE_STATES

PAGE_SIZE = 50


class PayoutMixin(OrgViewMixin):
    capability = can_view_payouts

    def payout(self, pk: Any) -> Payout:
        return get_for_org(selectors.payout_detail_queryset(), self.organization, pk)

    def render_detail(
        self,
        request: HttpRequest,
        payout: Payout,
        *,
        status: int = 200,
        adjust_form: PayoutAdjustForm | None = None,
        hold_form: PayoutReasonForm | None = None,
        cancel_form: PayoutReasonForm | None = None,
    ) -> HttpResponse:
        initial = {"amount": payout.amount, "explanation": payout.explanation}
        context = {
            "organization": self.organization,
            "payout": payout,
            "ledger": payout.ledger.all(),
            "audit": selectors.payout_audit(payout=payout).select_related("actor"),
            "can_manage": can_manage_payouts(self.membership),
            "adjustable": payout.state in ADJUSTABLE_STATES,
            "adjust_form": adjust_form or PayoutAdjustForm(initial=initial),
            "hold_form": hold_form or PayoutReasonForm(prefix="hold"),
            "cancel_form": cancel_form or PayoutReasonForm(prefix="cancel"),
        }
        return render(request, "payments/payout_detail.html", context, status=status)


class PayoutListView(PayoutMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PayoutFilterForm(
            request.GET or None,
            programs=selectors.program_choices(organization=self.organization),
            creators=selectors.creator_choices(organization=self.organization),
        )
        payouts = selectors.payouts_for_org(
            organization=self.organization, filters=form.to_filters()
        )
        page = Paginator(payouts, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "organization": self.organization,
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "totals": selectors.payout_totals(payouts=payouts),
        }
        return render(request, "payments/payout_list.html", context)


class PayoutDetailView(PayoutMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_detail(request, self.payout(kwargs["pk"]))


class PayoutActionView(PayoutMixin, View):
    """POST only: one staff action on one payout, through its service."""

    capability = can_manage_payouts
    action: ClassVar[str] = ""
    done: ClassVar[dict[str, str]] = {
        "adjust": "Payout updated.",
        "hold": "Payout put on hold; the creator has been told why.",
        "release": "Payout released: the next run will pick it up.",
        "cancel": "Payout cancelled.",
    }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payout = self.payout(kwargs["pk"])
        form: PayoutAdjustForm | PayoutReasonForm | None = None
        try:
            if self.action == "adjust":
                form = PayoutAdjustForm(request.POST)
                if form.is_valid():
                    services.payout_adjust(
                        payout=payout,
                        actor=request.user,
                        amount=form.cleaned_data["amount"],
                        explanation=form.cleaned_data["explanation"],
                    )
            elif self.action == "release":
                services.payout_release(payout=payout, actor=request.user)
            else:
                form = PayoutReasonForm(request.POST, prefix=self.action)
                if form.is_valid():
                    service = (
                        services.payout_hold if self.action == "hold" else services.payout_cancel
                    )
                    service(payout=payout, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            return self._refused(request, payout, form, exc)
        if form is not None and not form.is_valid():
            return self._invalid(request, payout, form, status=400)
        messages.success(request, self.done[self.action])
        return redirect(
            reverse("payout_detail", kwargs={"org_slug": self.organization.slug, "pk": payout.pk})
        )

    def _refused(
        self, request: HttpRequest, payout: Payout, form: Any, exc: DomainError
    ) -> HttpResponse:
        # Shown as a page message: the form it came from may no longer apply (e.g. once paid).
        messages.error(request, str(exc))
        return self._invalid(request, payout, form, status=exc.status_code)

    def _invalid(
        self, request: HttpRequest, payout: Payout, form: Any, status: int
    ) -> HttpResponse:
        payout = self.payout(payout.pk)
        key = {"adjust": "adjust_form", "hold": "hold_form", "cancel": "cancel_form"}
        if form is None or self.action not in key:
            return self.render_detail(request, payout, status=status)
        return self.render_detail(request, payout, status=status, **{key[self.action]: form})


class PortalPayoutsView(CreatorViewMixin, View):
    """The creator's own payouts, across the orgs they work with."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        payouts = selectors.creator_payouts(user=request.user)
        context = {"payouts": payouts, "payout_details_url": payout_details_url()}
        return render(request, "portal/payouts.html", context)
