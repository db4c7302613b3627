"""Retention: delivered and given-up deliveries past WEBHOOK_RETENTION_DAYS go, with the events
left without a delivery; pending ones (and their events), recent ones and other orgs' stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from influencer_ops.events import EventType, emit
from integrations.models import WebhookDelivery, WebhookEvent
from integrations.webhooks import retention, services
from integrations.webhooks.tasks import purge_old_webhook_history
from organizations.models import Organization
from organizations.roles import Role
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _deliveries(org: Any, count: int, url: str = "https://hooks.example.com/in") -> list[Any]:
    for n in range(count):
        emit(org, EventType.CASE_OPENED, {"n": n})
    return list(WebhookDelivery.objects.filter(organization=org).order_by("id"))


def _age(delivery: Any, days: int, state: str) -> None:
    at = timezone.now() - timedelta(days=days)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=state, created_at=at)
    WebhookEvent.objects.filter(pk=delivery.event_id).update(created_at=at)


def test_the_default_retention_is_30_days() -> None:
    assert settings.WEBHOOK_RETENTION_DAYS == 30 == retention.retention_days()


def test_old_delivered_and_given_up_deliveries_go_with_their_events_and_nothing_else(
    world: World,
) -> None:
    org = world.cast.org
    admin = world.cast.members[Role.ADMIN].user
    services.endpoint_create(
        organization=org, actor=admin, url="https://a.example.com/in", events=["case.opened"]
    )
    delivered, gave_up, pending, recent, replayed = _deliveries(org, 5)
    _age(delivered, 31, "succeeded")
    _age(gave_up, 31, "failed")
    _age(pending, 90, "pending")  # still to send: kept, whatever its age
    _age(recent, 29, "succeeded")
    _age(replayed, 31, "succeeded")
    replay = services.delivery_replay(delivery=replayed, actor=admin)  # new, pending
    other = Organization.objects.create(slug="other-retention", name="Other")
    services.endpoint_create(
        organization=other, actor=None, url="https://b.example.com/in", events=["case.opened"]
    )
    (elsewhere,) = _deliveries(other, 1)
    _age(elsewhere, 31, "succeeded")
    others_before = WebhookDelivery.objects.filter(organization=other).count()

    deleted = retention.purge_old(organization_id=org.pk, now=timezone.now())

    assert deleted == (3, 2)  # the replayed delivery's event stays: its replay still needs it
    kept = set(WebhookDelivery.objects.filter(organization=org).values_list("pk", flat=True))
    assert kept == {pending.pk, recent.pk, replay.pk}
    replay.refresh_from_db()
    assert replay.replay_of_id is None and replay.event_id == replayed.event_id
    assert set(WebhookEvent.objects.filter(organization=org).values_list("pk", flat=True)) == {
        pending.event_id,
        recent.event_id,
        replayed.event_id,
    }
    assert WebhookDelivery.objects.filter(organization=other).count() == others_before


def test_the_beat_job_purges_every_org_and_follows_the_setting(world: World, settings: Any) -> None:
    org = world.cast.org
    services.endpoint_create(
        organization=org,
        actor=world.cast.members[Role.ADMIN].user,
        url="https://a.example.com/in",
        events=["case.opened"],
    )
    old, newer = _deliveries(org, 2)
    _age(old, 8, "succeeded")
    _age(newer, 6, "failed")
    assert purge_old_webhook_history() == 0  # 30 days: both are young
    settings.WEBHOOK_RETENTION_DAYS = 7
    assert purge_old_webhook_history() == 2  # one delivery and its event
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [newer.pk]
    assert settings.CELERY_BEAT_SCHEDULE["purge-old-webhook-history"]["task"] == (
        "integrations.tasks.purge_old_webhook_history"
    )
