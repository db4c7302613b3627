"""Delivering the outbox: claim due deliveries, POST each signed, record what happened.

At least once, never silently lost:

1. *Claim* (a short transaction, ``SKIP LOCKED``): due pending deliveries of active endpoints
   get ``attempts + 1`` and ``next_attempt_at = now + LEASE``, and the claim commits.
2. *Send*, outside any transaction, to an address checked again (``safety``), signed.
3. *Record* (a short transaction), only if the delivery is still at the claimed attempt:
   2xx → delivered; anything else → the next try after an exponential backoff with jitter, or
   given up after ``MAX_ATTEMPTS``.

A worker killed between 1 and 3 leaves the delivery pending with its lease as the next try:
the beat sweep picks it up once the lease passes, and sends it again with the same event id
(receivers deduplicate on ``X-InfluencerOps-Event-Id``). So an event can arrive twice (a
worker killed after the receiver answered but before step 3), never zero times while the
endpoint is active. An endpoint whose deliveries have all failed for ``DISABLE_AFTER`` is
disabled and the org's admins are told; its pending deliveries wait until it is re-enabled.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.tenancy import db_scope
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks import sender, signing
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from organizations.models import Membership, Organization
from organizations.roles import Role

BATCH = 20
MAX_ATTEMPTS = 15
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600
# Longer than an attempt can take (connect + read timeouts), so a live attempt is never re-sent.
LEASE = timedelta(seconds=120)
DISABLE_AFTER = timedelta(hours=24)


def backoff_seconds(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """The wait after failed attempt ``attempt`` (1-based): 30 s doubling up to 6 h, times a
    jitter between 0.5 and 1 so that many failed deliveries do not retry in step."""
    ceiling = min(BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), BACKOFF_CAP_SECONDS)
    return ceiling * (0.5 + rand() / 2)


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    attempt: int
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes


def event_body(event: Any) -> bytes:
    """The JSON a receiver gets: the same bytes on every attempt and replay of the event."""
    payload = {
        "id": str(event.id),
        "type": event.type,
        "created_at": event.created_at.isoformat(),
        "organization": event.organization.slug,
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def claim_due(*, organization_id: int, now: datetime, limit: int = BATCH) -> list[Claim]:
    with db_scope(org_ids=[organization_id]):
        rows = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                organization_id=organization_id,
                state=WebhookDelivery.State.PENDING,
                next_attempt_at__lte=now,
                endpoint__state=WebhookEndpoint.State.ACTIVE,
            )
            .select_related("endpoint", "event", "event__organization")
            .order_by("next_attempt_at", "id")[:limit]
        )
        if not rows:
            return []
        WebhookDelivery.objects.filter(pk__in=[r.pk for r in rows]).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE, last_attempt_at=now
        )
        return [
            Claim(
                delivery_id=r.pk,
                attempt=r.attempts + 1,
                endpoint_id=r.endpoint_id,
                url=r.endpoint.url,
                secret=r.endpoint.secret,
                event_id=str(r.event_id),
                event_type=r.event.type,
                body=event_body(r.event),
            )
            for r in rows
        ]


def send(claim: Claim, *, now: datetime) -> sender.Outcome:
    timestamp = int(now.timestamp())
    headers = {
        signing.SIGNATURE_HEADER: signing.signature(claim.secret, timestamp, claim.body),
        signing.EVENT_ID_HEADER: claim.event_id,
        signing.EVENT_TYPE_HEADER: claim.event_type,
        signing.DELIVERY_ID_HEADER: str(claim.delivery_id),
    }
    return sender.post(claim.url, claim.body, headers)


def record(*, organization_id: int, claim: Claim, outcome: sender.Outcome, now: datetime) -> bool:
    """Store the attempt's outcome; False when the claim was lost (its lease passed and another
    worker took the delivery over: that worker records)."""
    with db_scope(org_ids=[organization_id]):
        mine = WebhookDelivery.objects.filter(
            pk=claim.delivery_id, state=WebhookDelivery.State.PENDING, attempts=claim.attempt
        )
        common = {
            "response_code": outcome.status,
            "latency_ms": outcome.latency_ms,
            "error": outcome.error,
            "last_attempt_at": now,
        }
        endpoints = WebhookEndpoint.objects.filter(pk=claim.endpoint_id)
        if outcome.ok:
            done = mine.update(
                state=WebhookDelivery.State.SUCCEEDED, next_attempt_at=None, **common
            )
            if done:
                endpoints.update(failing_since=None)
            return bool(done)
        if claim.attempt >= MAX_ATTEMPTS:
            done = mine.update(state=WebhookDelivery.State.FAILED, next_attempt_at=None, **common)
        else:
            retry_at = now + timedelta(seconds=backoff_seconds(claim.attempt))
            done = mine.update(next_attempt_at=retry_at, **common)
        if not done:
            return False
        endpoints.filter(failing_since__isnull=True).update(failing_since=now)
        disable_if_failing(organization_id=organization_id, endpoint_id=claim.endpoint_id, now=now)
        return True


def disable_if_failing(*, organization_id: int, endpoint_id: int, now: datetime) -> bool:
    """Disable an active endpoint failing since ``DISABLE_AFTER`` ago; tell the admins once."""
    moved = WebhookEndpoint.objects.filter(
        pk=endpoint_id,
        organization_id=organization_id,
        state=WebhookEndpoint.State.ACTIVE,
        failing_since__lte=now - DISABLE_AFTER,
    ).update(state=WebhookEndpoint.State.DISABLED, disabled_at=now)
    if not moved:
        return False
    endpoint = WebhookEndpoint.objects.select_related("organization").get(pk=endpoint_id)
    organization = endpoint.organization
    audit_record(
        organization=organization,
        actor=None,
        verb=AuditVerb.WEBHOOK_ENDPOINT_DISABLED,
        target=endpoint,
        after={"state": endpoint.state, "failing_since": f"{endpoint.failing_since}"},
    )
    _tell_admins(organization, endpoint, now)
    return True


def _tell_admins(organization: Organization, endpoint: WebhookEndpoint, now: datetime) -> None:
    admins = [
        m.user
        for m in Membership.objects.filter(
            organization=organization, role=Role.ADMIN
        ).select_related("user")
    ]
    notify_many(
        recipients=admins,
        organization=organization,
        kind=NotificationKind.WEBHOOKS,
        event_key=f"webhook:{endpoint.pk}:disabled:{int(now.timestamp())}",
        title=gettext("Webhook endpoint disabled: %(endpoint)s") % {"endpoint": endpoint},
        body=gettext(
            "Every delivery to %(url)s has failed for 24 hours, so we stopped sending. "
            "Its pending deliveries wait: fix the receiver, then enable the endpoint again."
        )
        % {"url": endpoint.url},
        url=reverse("webhook_detail", kwargs={"org_slug": organization.slug, "pk": endpoint.pk}),
    )


def deliver_due(
    *, organization_id: int, now: Callable[[], datetime] = timezone.now, batches: int = 10
) -> int:
    """Claim, send and record up to ``batches`` batches; returns how many were attempted.
    Runs outside any transaction (each claim and record commits on its own)."""
    attempted = 0
    for _ in range(batches):
        claims = claim_due(organization_id=organization_id, now=now())
        if not claims:
            break
        for claim in claims:
            outcome = send(claim, now=now())
            record(organization_id=organization_id, claim=claim, outcome=outcome, now=now())
            attempted += 1
    return attempted


def has_due(*, organization_id: int, now: datetime) -> bool:
    return WebhookDelivery.objects.filter(
        organization_id=organization_id,
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
        endpoint__state=WebhookEndpoint.State.ACTIVE,
    ).exists()
