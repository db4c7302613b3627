"""Reads of the webhook pages and API, always given the organization."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from integrations.models import WebhookDelivery, WebhookEndpoint


def endpoint_list(*, organization: Any) -> QuerySet[WebhookEndpoint]:
    """The org's endpoints, each with its count of pending and given-up deliveries."""
    return (
        WebhookEndpoint.objects.filter(organization=organization)
        .annotate(
            pending_count=Count("deliveries", filter=Q(deliveries__state="pending")),
            failed_count=Count("deliveries", filter=Q(deliveries__state="failed")),
        )
        .order_by("id")
    )


def delivery_list(
    *, organization: Any, endpoint: WebhookEndpoint | None = None
) -> QuerySet[WebhookDelivery]:
    """Newest first, with the event (type, id) each shows."""
    deliveries = WebhookDelivery.objects.filter(organization=organization).select_related("event")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    return deliveries.order_by("-created_at", "-id")
