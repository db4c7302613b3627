"""The webhook pages (admins): the endpoints with the event catalogue, and each endpoint's
settings, secret and delivery log with replay."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error
from influencer_ops.events import EventType
from influencer_ops.tables import bad_filter, build_table, table_csv, wants_csv
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks import selectors, services
from integrations.webhooks.delivery import MAX_ATTEMPTS
from integrations.webhooks.forms import EndpointEditForm, EndpointForm
from integrations.webhooks.signing import REPLAY_WINDOW_SECONDS
from integrations.webhooks.tables import DeliveryFilter, DeliveryTable
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_manage_webhooks


def _detail_url(organization: Any, pk: int) -> str:
    return reverse("webhook_detail", kwargs={"org_slug": organization.slug, "pk": pk})


class WebhookListView(OrgViewMixin, View):
    capability = can_manage_webhooks

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, EndpointForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = EndpointForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                endpoint = services.endpoint_create(
                    organization=self.organization,
                    actor=request.user,
                    url=form.cleaned_data["url"],
                    description=form.cleaned_data["description"],
                    events=form.cleaned_data["events"],
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Endpoint registered. Copy its signing secret below to verify events."),
                )
                return redirect(_detail_url(self.organization, endpoint.pk))
        return self._render(request, form, status=status)

    def _render(self, request: HttpRequest, form: EndpointForm, status: int = 200) -> HttpResponse:
        context = {
            "organization": self.organization,
            "endpoints": selectors.endpoint_list(organization=self.organization),
            "catalogue": EventType.choices,
            "form": form,
        }
        return render(request, "integrations/webhook_list.html", context, status=status)


class WebhookDetailView(OrgViewMixin, View):
    capability = can_manage_webhooks

    def endpoint(self, pk: Any) -> WebhookEndpoint:
        return get_for_org(WebhookEndpoint.objects.all(), self.organization, pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        endpoint = self.endpoint(kwargs["pk"])
        filterset = self._filterset(request, endpoint)
        if wants_csv(request) and filterset.is_valid():
            return table_csv(
                request,
                table_class=DeliveryTable,
                filterset=filterset,
                filename=f"webhook-{endpoint.pk}-deliveries.csv",
                **self._table_kwargs(request, endpoint),
            )
        form = EndpointEditForm(initial=EndpointEditForm.initial_for(endpoint))
        return self._render(request, endpoint, form, filterset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        endpoint = self.endpoint(kwargs["pk"])
        form = EndpointEditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.endpoint_update(
                    endpoint=endpoint,
                    actor=request.user,
                    url=form.cleaned_data["url"],
                    description=form.cleaned_data["description"],
                    events=form.cleaned_data["events"],
                    state=form.cleaned_data["state"],
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Endpoint saved."))
                return redirect(_detail_url(self.organization, endpoint.pk))
        filterset = self._filterset(request, endpoint)
        return self._render(request, endpoint, form, filterset, status=status)

    def _filterset(self, request: HttpRequest, endpoint: WebhookEndpoint) -> DeliveryFilter:
        deliveries = selectors.delivery_list(organization=self.organization, endpoint=endpoint)
        return DeliveryFilter(request.GET, queryset=deliveries)

    def _table_kwargs(self, request: HttpRequest, endpoint: WebhookEndpoint) -> dict[str, Any]:
        return {
            "http_request": request,
            "org_slug": self.organization.slug,
            "endpoint_id": endpoint.pk,
        }

    def _render(
        self,
        request: HttpRequest,
        endpoint: WebhookEndpoint,
        form: EndpointEditForm,
        filterset: DeliveryFilter,
        status: int = 200,
    ) -> HttpResponse:
        listing = build_table(
            request,
            table_class=DeliveryTable,
            filterset=filterset,
            **self._table_kwargs(request, endpoint),
        )
        if bad_filter(listing):
            status = 400
        context = {
            "organization": self.organization,
            "endpoint": endpoint,
            "form": form,
            "listing": listing,
            "max_attempts": MAX_ATTEMPTS,
            "replay_window": REPLAY_WINDOW_SECONDS // 60,
        }
        return render(request, "integrations/webhook_detail.html", context, status=status)


class WebhookActionView(OrgViewMixin, View):
    """The one-click actions on an endpoint: rotate its secret, delete it."""

    capability = can_manage_webhooks
    action = ""  # "rotate" or "delete", set by the URL

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        endpoint = get_for_org(WebhookEndpoint.objects.all(), self.organization, kwargs["pk"])
        if self.action == "rotate":
            services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
            messages.success(request, gettext("New signing secret made: update your receiver."))
            return redirect(_detail_url(self.organization, endpoint.pk))
        services.endpoint_delete(endpoint=endpoint, actor=request.user)
        messages.success(request, gettext("Endpoint deleted."))
        return redirect(reverse("webhook_list", kwargs={"org_slug": self.organization.slug}))


class WebhookReplayView(OrgViewMixin, View):
    capability = can_manage_webhooks

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        endpoint = get_for_org(WebhookEndpoint.objects.all(), self.organization, kwargs["pk"])
        delivery = get_for_org(
            WebhookDelivery.objects.filter(endpoint=endpoint),
            self.organization,
            kwargs["delivery_pk"],
        )
        services.delivery_replay(delivery=delivery, actor=request.user)
        messages.success(request, gettext("Replay queued: it appears at the top of the log."))
        return redirect(_detail_url(self.organization, endpoint.pk))
