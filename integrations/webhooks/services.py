"""What admins do to webhook endpoints: register, change, pause or enable, rotate the secret,
delete, and replay a delivery. The capability (``can_manage_webhooks``) is checked by the page
and the API; every service is given the endpoint already fetched in the actor's org."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import FieldError
from influencer_ops.events import EventType
from influencer_ops.validation import URL_MAX_LENGTH, ValueInvalid, clean_text, clean_url
from integrations.models import WEBHOOK_DESCRIPTION_MAX_LENGTH, WebhookDelivery, WebhookEndpoint
from integrations.webhooks.outbox import enqueue_delivery
from integrations.webhooks.safety import check_url
from integrations.webhooks.signing import new_secret

# What an admin may set an endpoint to: a disabled one comes back by being made active.
SETTABLE_STATES = (WebhookEndpoint.State.ACTIVE, WebhookEndpoint.State.PAUSED)


def _clean(field: str, clean: Any) -> Any:
    try:
        return clean()
    except ValueInvalid as exc:
        raise FieldError(field, str(exc)) from exc


def clean_webhook_url(url: Any) -> str:
    text = _clean("url", lambda: clean_url(url, limit=URL_MAX_LENGTH))
    if not text:
        raise FieldError("url", gettext("Enter the https:// address that receives the events."))
    check_url(text)  # https and public addresses only (unless allowed): else a 400
    return text


def clean_events(events: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(e) for e in events))
    unknown = [e for e in chosen if e not in EventType.values]
    if unknown:
        raise FieldError(
            "events", gettext("Unknown event: %(events)s.") % {"events": ", ".join(unknown)}
        )
    if not chosen:
        raise FieldError("events", gettext("Choose at least one event."))
    return [e for e in EventType.values if e in chosen]  # catalogue order


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "state": endpoint.state,
    }


@transaction.atomic
def endpoint_create(
    *, organization: Any, actor: Any, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        url=clean_webhook_url(url),
        description=_clean(
            "description",
            lambda: clean_text(description, limit=WEBHOOK_DESCRIPTION_MAX_LENGTH),
        ),
        events=clean_events(events),
        secret=new_secret(),
        created_by=actor,
    )
    audit_record(
        organization=organization,
        actor=actor,
        verb=AuditVerb.WEBHOOK_ENDPOINT_CREATED,
        target=endpoint,
        after=_snapshot(endpoint),
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: Any,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    state: str | None = None,
) -> WebhookEndpoint:
    """Change what was given. Making a disabled endpoint active again resumes its pending
    deliveries (due at once) and starts its 24 hours of failure afresh."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _snapshot(locked)
    if url is not None:
        locked.url = clean_webhook_url(url)
    if events is not None:
        locked.events = clean_events(events)
    if description is not None:
        locked.description = _clean(
            "description",
            lambda: clean_text(description, limit=WEBHOOK_DESCRIPTION_MAX_LENGTH),
        )
    resumed = False
    if state is not None and state != locked.state:
        if state not in SETTABLE_STATES:
            raise FieldError("state", gettext("Choose active or paused."))
        resumed = state == WebhookEndpoint.State.ACTIVE
        locked.state = state
        locked.failing_since = None
        locked.disabled_at = None
    locked.save()
    after = _snapshot(locked)
    if after != before:
        audit_record(
            organization=locked.organization,
            actor=actor,
            verb=AuditVerb.WEBHOOK_ENDPOINT_UPDATED,
            target=locked,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    if resumed:
        locked.deliveries.filter(state=WebhookDelivery.State.PENDING).update(
            next_attempt_at=timezone.now()
        )
        enqueue_delivery(locked.organization_id)
    return locked


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: Any) -> WebhookEndpoint:
    """A new secret signs every delivery from now on (retries of old events included)."""
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    locked.secret = new_secret()
    locked.secret_rotated_at = timezone.now()
    locked.save(update_fields=["secret", "secret_rotated_at"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.WEBHOOK_ENDPOINT_SECRET_ROTATED,
        target=locked,
    )
    return locked


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Any) -> None:
    """Deletes the endpoint and its delivery log; nothing more is sent to it."""
    audit_record(
        organization=endpoint.organization,
        actor=actor,
        verb=AuditVerb.WEBHOOK_ENDPOINT_DELETED,
        target=endpoint,
        before=_snapshot(endpoint),
    )
    endpoint.delete()


@transaction.atomic
def delivery_replay(*, delivery: WebhookDelivery, actor: Any) -> WebhookDelivery:
    """Send the delivery's event to its endpoint again, now: a new delivery in the log, with the
    same event id and body (a receiver that already has it may ignore it)."""
    replay = WebhookDelivery.objects.create(
        organization_id=delivery.organization_id,
        endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id,
        replay_of=delivery,
        next_attempt_at=timezone.now(),
    )
    enqueue_delivery(delivery.organization_id)
    return replay
