"""The outbox writer the core's ``emit`` calls (installed by ``IntegrationsConfig.ready``).

In the caller's transaction: one SELECT of the org's active endpoints subscribed to the event
type; when there are any, the events and one pending delivery per (event, endpoint) in two bulk
INSERTs, and the delivery job queued once the transaction commits. A change that rolls back
takes its events and deliveries with it, and queues nothing. An event no endpoint subscribes to
is not stored: there is nobody to tell.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone

from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

DELIVER_ORG_TASK = "integrations.tasks.deliver_org"


def enqueue_delivery(org_id: int) -> None:
    """Queue the org's delivery job after commit (by name: services never import tasks)."""
    transaction.on_commit(lambda: current_app.signature(DELIVER_ORG_TASK, args=(org_id,)).delay())


def write_events(org_id: int, event_type: str, items: list[dict[str, Any]]) -> None:
    endpoint_ids = list(
        WebhookEndpoint.objects.filter(
            organization_id=org_id,
            state=WebhookEndpoint.State.ACTIVE,
            events__contains=[event_type],
        ).values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return
    now = timezone.now()
    events = WebhookEvent.objects.bulk_create(
        [WebhookEvent(organization_id=org_id, type=event_type, data=item) for item in items]
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                organization_id=org_id,
                endpoint_id=endpoint_id,
                event=event,
                next_attempt_at=now,
            )
            for event in events
            for endpoint_id in endpoint_ids
        ]
    )
    enqueue_delivery(org_id)
