"""Retention of the outbox: delivered and given-up deliveries older than
``settings.WEBHOOK_RETENTION_DAYS`` (default 30) are deleted, then the events left without any
delivery. Pending deliveries (and so their events) are kept whatever their age."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef

from influencer_ops.tenancy import db_scope
from integrations.models import WebhookDelivery, WebhookEvent

CHUNK = 5_000


def retention_days() -> int:
    return int(getattr(settings, "WEBHOOK_RETENTION_DAYS", 30))


def purge_old(*, organization_id: int, now: datetime) -> tuple[int, int]:
    """Delete the org's finished deliveries and orphaned events older than the retention, in
    chunks (each its own short transaction); returns (deliveries, events) deleted."""
    cutoff = now - timedelta(days=retention_days())
    finished = (WebhookDelivery.State.SUCCEEDED, WebhookDelivery.State.FAILED)
    deliveries = events = 0
    while True:
        with db_scope(org_ids=[organization_id]):
            ids = list(
                WebhookDelivery.objects.filter(
                    organization_id=organization_id, state__in=finished, created_at__lt=cutoff
                ).values_list("pk", flat=True)[:CHUNK]
            )
            if not ids:
                break
            # A replay keeps its own row; it only forgets which delivery it replayed.
            WebhookDelivery.objects.filter(replay_of_id__in=ids).update(replay_of=None)
            deliveries += WebhookDelivery.objects.filter(pk__in=ids).delete()[0]
    while True:
        with db_scope(org_ids=[organization_id]):
            event_ids = list(
                WebhookEvent.objects.filter(organization_id=organization_id, created_at__lt=cutoff)
                .filter(~Exists(WebhookDelivery.objects.filter(event_id=OuterRef("pk"))))
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not event_ids:
                break
            events += WebhookEvent.objects.filter(pk__in=event_ids).delete()[0]
    return deliveries, events
