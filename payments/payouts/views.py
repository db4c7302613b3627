"""Payout pages: the org's payouts (list, one payout with its ledger and audit trail, and the
staff actions on it) and the creator's own payouts in the portal.

Staff need ``can_view_payouts`` to read (403 otherwise) and ``can_manage_payouts`` to act; a
payout of another org is a 404, like a missing one. A creator sees only their own payouts.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError
from influencer_ops.tables import bad_filter, build_table, table_csv, wants_csv
from influencers.access import CreatorViewMixin
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_manage_payouts, can_view_payouts
from payments.models import Payout
from payments.notify import payout_details_url
from payments.payouts import selectors, services
from payments.payouts.forms import PayoutAdjustForm, PayoutBulkForm, PayoutReasonForm
from payments.payouts.services import ADJUSTABLE_STATES
from payments.payouts.tables import PayoutFilter, PayoutTable
from payments.record.selectors import payment_record


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
    """The org's payouts: search, filters, sortable columns, CSV, and (for those who may manage
    payouts) hold or release the ticked rows at once."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filterset = self.filterset(request)
        if wants_csv(request) and filterset.is_valid():
            return table_csv(
                request,
                table_class=PayoutTable,
                filterset=filterset,
                filename=f"payouts-{self.organization.slug}.csv",
                **self.table_kwargs(),
            )
        return self.render_list(request, filterset=filterset)

    def filterset(self, request: HttpRequest) -> PayoutFilter:
        payouts = selectors.payouts_for_org(organization=self.organization)
        return PayoutFilter(request.GET, queryset=payouts, organization=self.organization)

    def table_kwargs(self) -> dict[str, Any]:
        return {
            "org_slug": self.organization.slug,
            "can_manage": can_manage_payouts(self.membership),
        }

    def render_list(
        self,
        request: HttpRequest,
        *,
        filterset: PayoutFilter,
        bulk_form: PayoutBulkForm | None = None,
        refusals: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        listing = build_table(
            request, table_class=PayoutTable, filterset=filterset, **self.table_kwargs()
        )
        if bad_filter(listing):
            status = 400
        context = {
            "organization": self.organization,
            "listing": listing,
            "totals": self.totals(filterset, listing.rows),
            "can_manage": can_manage_payouts(self.membership),
            "bulk_form": bulk_form or PayoutBulkForm(auto_id="bulk_%s"),
            "refusals": refusals or [],
            "record": payment_record(organization=self.organization),
        }
        return render(request, "payments/payout_list.html", context, status=status)

    def totals(self, filterset: PayoutFilter, rows: Any) -> list[selectors.PayoutTotal]:
        """Unfiltered (or by state only): the totals the database keeps, a few rows. Other
        filters: summed over the rows they keep."""
        if not filterset.is_valid():
            return []
        applied = {name for name, value in filterset.form.cleaned_data.items() if value}
        if applied <= {"state"}:
            return selectors.payout_totals_for_org(
                organization=self.organization, state=filterset.form.cleaned_data.get("state")
            )
        return selectors.payout_totals(payouts=rows)


class PayoutCreatorSearchView(PayoutMixin, View):
    """The creator field's suggestions (htmx, as the user types): at most 10 of the org's
    creators, each a link to the list filtered by them, keeping the other filters."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        text = request.GET.get("creator_name", "")[:100]
        creators = selectors.creator_search(organization=self.organization, text=text)
        for creator in creators:
            query = request.GET.copy()
            for key in ("page", "format", "creator", "creator_name"):
                query.pop(key, None)
            query["creator"] = str(creator.pk)
            query["creator_name"] = creator.display_name
            creator.query = query.urlencode()  # type: ignore[attr-defined]
        context = {"creators": creators, "text": text.strip()}
        return render(request, "payments/_creator_picks.html", context)


class PayoutBulkView(PayoutListView):
    """POST only: hold or release the ticked payouts, all or none (``can_manage_payouts``).
    The list's query string rides along, so the page comes back as it was."""

    capability = can_manage_payouts

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseNotAllowed(["POST"])

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PayoutBulkForm(request.POST, auto_id="bulk_%s")
        if not form.is_valid():
            return self._again(request, form, status=400)
        data = form.cleaned_data
        try:
            if data["action"] == "hold":
                count = services.payouts_hold(
                    organization=self.organization,
                    payout_ids=data["payout"],
                    actor=request.user,
                    reason=data["reason"],
                )
            else:
                count = services.payouts_release(
                    organization=self.organization, payout_ids=data["payout"], actor=request.user
                )
        except DomainError as exc:
            if exc.status_code == 404:
                raise Http404(str(exc)) from exc
            form.add_error(None, str(exc))
            refusals = getattr(exc, "refusals", [])
            return self._again(request, form, status=exc.status_code, refusals=refusals)
        done = (
            gettext("put on hold; each creator has been told why")
            if data["action"] == "hold"
            else (gettext("released: the next run will pick them up"))
        )
        messages.success(
            request,
            gettext("%(count)s payout%(pluralize)s %(done)s.")
            % {"count": count, "pluralize": pluralize(count), "done": done},
        )
        url = reverse("payout_list", kwargs={"org_slug": self.organization.slug})
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url)

    def _again(
        self,
        request: HttpRequest,
        form: PayoutBulkForm,
        *,
        status: int,
        refusals: list[str] | None = None,
    ) -> HttpResponse:
        return self.render_list(
            request,
            filterset=self.filterset(request),
            bulk_form=form,
            refusals=refusals,
            status=status,
        )


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


PORTAL_PAGE_SIZE = 50


class PortalPayoutsView(CreatorViewMixin, View):
    """The creator's own payouts, across the orgs they work with."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = Paginator(selectors.creator_payouts(user=request.user), PORTAL_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"payouts": page, "page": page, "payout_details_url": payout_details_url()}
        return render(request, "portal/payouts.html", context)
