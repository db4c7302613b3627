"""The order pages: the org's order settings (the Shopify webhook's addresses and secret,
the clawback policy; admins), the CSV import (admins, BSMs), and the discount-code actions of
an enrollment's page. Thin: parse, call one service, render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from commerce import services
from commerce.commission.services import settings_for
from commerce.forms import DiscountCodeForm, OrderSettingsForm, OrdersImportForm
from commerce.models import DiscountCode
from commerce.orders.csv_import import IMPORT_COLUMNS, MAX_ROWS, orders_import_csv
from commerce.permissions import can_manage_order_settings, can_manage_orders
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from organizations.access import OrgViewMixin, get_for_org
from programs.models import Enrollment


class OrderSettingsView(OrgViewMixin, View):
    capability = can_manage_order_settings

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = settings_for(organization_id=self.organization.pk)
        form = OrderSettingsForm(initial={"clawback_commissions": found.clawback_commissions})
        return self._render(request, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "rotate":
            services.secret_rotate(organization=self.organization, actor=request.user)
            messages.success(request, gettext("New secret made: paste it into Shopify now."))
            return redirect(self._url())
        form = OrderSettingsForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        services.settings_update(
            organization=self.organization,
            actor=request.user,
            clawback_commissions=form.cleaned_data["clawback_commissions"],
        )
        messages.success(request, gettext("Order settings saved."))
        return redirect(self._url())

    def _url(self) -> str:
        return reverse("commerce_settings", kwargs={"org_slug": self.organization.slug})

    def _render(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        slug = self.organization.slug
        hooks = {
            topic: request.build_absolute_uri(
                reverse(f"shopify_{topic}", kwargs={"org_slug": slug})
            )
            for topic in ("orders", "refunds")
        }
        context = {
            "settings_row": settings_for(organization_id=self.organization.pk),
            "form": form,
            "hooks": hooks,
            "can_import": can_manage_orders(self.membership),
        }
        return render(request, "commerce/settings.html", context, status=status)


class OrdersImportView(OrgViewMixin, View):
    capability = can_manage_orders

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, OrdersImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = OrdersImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            report = orders_import_csv(
                organization=self.organization,
                actor=request.user,
                file_text=form.cleaned_data["csv_text"],
            )
        except DomainError as exc:
            return self._render(request, form, status=form_add_domain_error(form, exc))
        if not report.ok:
            return self._render(request, form, report=report, status=400)
        messages.success(
            request,
            gettext("Imported %(rows)s rows: %(created)s new, %(unchanged)s already there.")
            % {"rows": report.rows, "created": report.created, "unchanged": report.unchanged},
        )
        return redirect(reverse("orders_import", kwargs={"org_slug": self.organization.slug}))

    def _render(
        self, request: HttpRequest, form: Any, report: Any = None, status: int = 200
    ) -> HttpResponse:
        context = {
            "form": form,
            "report": report,
            "columns": IMPORT_COLUMNS,
            "max_rows": MAX_ROWS,
        }
        return render(request, "commerce/orders_import.html", context, status=status)


def enrollment_url(enrollment: Enrollment) -> str:
    return reverse(
        "enrollment_detail",
        kwargs={"org_slug": enrollment.organization.slug, "pk": enrollment.pk},
    )


class DiscountCodeAddView(OrgViewMixin, View):
    """POST from the enrollment's page: give it a code."""

    capability = can_manage_orders

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrollment = get_for_org(Enrollment.objects.all(), self.organization, kwargs["pk"])
        back = enrollment_url(enrollment) + "#discount-codes"
        form = DiscountCodeForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
            return redirect(back)
        try:
            services.discount_code_add(
                enrollment=enrollment, code=form.cleaned_data["code"], actor=request.user
            )
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, gettext("Discount code added."))
        return redirect(back)


class DiscountCodeDeactivateView(OrgViewMixin, View):
    capability = can_manage_orders

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        codes = DiscountCode.objects.filter(enrollment_id=kwargs["pk"])
        code = get_for_org(codes, self.organization, kwargs["code_pk"])
        back = enrollment_url(code.enrollment) + "#discount-codes"
        try:
            services.discount_code_deactivate(code=code, actor=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, gettext("Discount code deactivated."))
        return redirect(back)
