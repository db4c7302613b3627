"""Delivering the outbox: claim due deliveries, POST each signed, record what happened.

At least once, never silently lost, in small batches (``BATCH``):

1. *Claim* (a short transaction, ``SKIP LOCKED``): up to ``BATCH`` due pending deliveries of
   active endpoints get ``attempts + 1`` and ``next_attempt_at = now + LEASE``, and the claim
   commits (4 queries: the org's active endpoints, the ids off the due index, the lease, the
   batch by id).
2. *Send* the batch at once (``SEND_THREADS`` threads, kept-alive connections: ``sender``),
   outside any transaction, each to an address checked again (``safety``), signed.
3. *Record* the batch in one statement (a short transaction), each row only if it is still at
   the claimed attempt: 2xx → delivered; anything else → the next try after an exponential
   backoff with jitter, or given up after ``MAX_ATTEMPTS``.

A worker killed between 1 and 3 leaves its batch pending with the lease as the next try: the
beat sweep picks it up once the lease passes, and sends it again with the same event id
(receivers deduplicate on ``X-InfluencerOps-Event-Id``). So an event can arrive twice — at
most the ``BATCH`` deliveries a killed worker had claimed and not recorded, those the receiver
had already answered — and never zero times while the endpoint is active. Exactly once is not
promised: no HTTP sender can promise it across a crash between the answer and its record.
An endpoint whose deliveries have all failed for ``DISABLE_AFTER`` is disabled and the org's
admins are told; its pending deliveries wait until it is re-enabled.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
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
from organizations.models import Organization
from organizations.selectors import admin_users

BATCH = 10  # also the most a killed worker's batch can repeat
SEND_THREADS = sender.POOL_SIZE  # a batch is sent at once
MAX_ATTEMPTS = 15
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 3600
# Longer than a batch can take (sent at once: connect + read timeouts, and the record), so a
# live attempt is never re-sent.
LEASE = timedelta(seconds=60)
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
    """Lock and lease up to ``limit`` due deliveries. The ids come first, straight off the
    partial due index in its order (``LIMIT`` before any join: the cost does not grow with the
    backlog), then the batch is loaded by id."""
    with db_scope(org_ids=[organization_id]):
        active = list(
            WebhookEndpoint.objects.filter(
                organization_id=organization_id, state=WebhookEndpoint.State.ACTIVE
            ).values_list("pk", flat=True)
        )
        if not active:
            return []
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                organization_id=organization_id,
                state=WebhookDelivery.State.PENDING,
                next_attempt_at__lte=now,
                endpoint_id__in=active,
            )
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        WebhookDelivery.objects.filter(pk__in=ids).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE, last_attempt_at=now
        )
        rows = (
            WebhookDelivery.objects.filter(pk__in=ids)
            .select_related("endpoint", "event", "event__organization")
            .order_by("next_attempt_at", "id")
        )
        return [
            Claim(
                delivery_id=r.pk,
                attempt=r.attempts,
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
    admins = admin_users(organization_id=organization.pk)
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


_RECORD_SQL = """
UPDATE {table} AS d
   SET state = v.state, next_attempt_at = v.next_at, response_code = v.code,
       latency_ms = v.latency, error = v.error, last_attempt_at = %s
  FROM unnest(%s::bigint[], %s::integer[], %s::varchar[], %s::timestamptz[], %s::integer[],
              %s::integer[], %s::varchar[]) AS v(id, attempt, state, next_at, code, latency, error)
 WHERE d.id = ANY(%s::bigint[]) AND d.id = v.id AND d.state = 'pending'
   AND d.attempts = v.attempt
RETURNING d.endpoint_id, v.state = 'succeeded'
"""


def record_many(
    *, organization_id: int, results: list[tuple[Claim, sender.Outcome]], now: datetime
) -> int:
    """``record`` for a batch, in one UPDATE (plus one per endpoint whose failure clock
    moves); returns how many were still the caller's to record."""
    columns: list[list[Any]] = [[] for _ in range(7)]
    for claim, outcome in results:
        if outcome.ok:
            state, next_at = WebhookDelivery.State.SUCCEEDED, None
        elif claim.attempt >= MAX_ATTEMPTS:
            state, next_at = WebhookDelivery.State.FAILED, None
        else:
            state = WebhookDelivery.State.PENDING
            next_at = now + timedelta(seconds=backoff_seconds(claim.attempt))
        row = [claim.delivery_id, claim.attempt, state, next_at]
        row += [outcome.status, outcome.latency_ms, outcome.error]
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    sql = _RECORD_SQL.format(table=connection.ops.quote_name(WebhookDelivery._meta.db_table))
    with db_scope(org_ids=[organization_id]), connection.cursor() as cursor:
        # The ids stated again: the primary key finds the batch whatever the planner guesses of
        # the unnest (without it, a fresh backlog with no statistics was walked row by row).
        cursor.execute(sql, [now, *columns, columns[0]])
        recorded = cursor.fetchall()
        # An endpoint that answered once in the batch is not failing; one that only failed is.
        ok = {endpoint_id for endpoint_id, succeeded in recorded if succeeded}
        failing = {endpoint_id for endpoint_id, succeeded in recorded if not succeeded} - ok
        if ok:
            WebhookEndpoint.objects.filter(pk__in=ok, failing_since__isnull=False).update(
                failing_since=None
            )
        if failing:
            WebhookEndpoint.objects.filter(pk__in=failing, failing_since__isnull=True).update(
                failing_since=now
            )
            for endpoint_id in sorted(failing):
                disable_if_failing(
                    organization_id=organization_id, endpoint_id=endpoint_id, now=now
                )
    return len(recorded)


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _senders() -> ThreadPoolExecutor:
    """The process's sending threads, started on first use (after a prefork worker forked)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(SEND_THREADS, thread_name_prefix="webhook-send")
        return _executor


def send_all(claims: list[Claim], *, now: datetime) -> list[sender.Outcome]:
    """Send a batch at once; the outcomes in the claims' order. The threads touch no database."""
    if len(claims) == 1:
        return [send(claims[0], now=now)]
    return list(_senders().map(lambda claim: send(claim, now=now), claims))


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
        outcomes = send_all(claims, now=now())
        results = list(zip(claims, outcomes, strict=True))
        record_many(organization_id=organization_id, results=results, now=now())
        attempted += len(claims)
    return attempted


def has_due(*, organization_id: int, now: datetime) -> bool:
    return WebhookDelivery.objects.filter(
        organization_id=organization_id,
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=now,
        endpoint__state=WebhookEndpoint.State.ACTIVE,
    ).exists()
