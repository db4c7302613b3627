"""A real Celery worker delivers webhooks to a real receiver, is killed with SIGKILL halfway,
and the deliveries are resumed: every event arrives, at least once, and only the batch in
flight at the kill may arrive twice (with the same event id, so the receiver can drop it)."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from config.celery import app
from influencer_ops.events import EventType, emit
from influencer_ops.tenancy import dangerously_unscoped
from integrations.models import WebhookDelivery
from integrations.webhooks import delivery, outbox, services
from organizations.roles import Role
from tests.conftest import World, celery_worker
from tests.helpers import wait_for
from tests.integrations.receiver import receiver

pytestmark = pytest.mark.django_db(transaction=True)
EVENTS = 40


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    name = f"test-webhooks-{uuid.uuid4().hex[:10]}"
    with celery_worker(tmp_path, name) as process:
        yield name, process


def test_a_worker_killed_mid_batch_loses_no_event_and_repeats_at_most_the_batch_in_flight(
    cast_and_world_unscoped: World, worker: tuple[str, subprocess.Popen], monkeypatch: Any
) -> None:
    queue_name, process = worker
    cast = cast_and_world_unscoped.cast
    # The worker gets the task below; nothing is delivered in this process before the kill.
    monkeypatch.setattr(outbox, "enqueue_delivery", lambda org_id: None)
    with receiver() as hook:
        hook.delay = 0.1  # a slow receiver: the kill lands mid-batch
        with dangerously_unscoped():
            services.endpoint_create(
                organization=cast.org,
                actor=cast.members[Role.ADMIN].user,
                url=hook.url,
                events=[EventType.CASE_OPENED],
            )
            for n in range(EVENTS):
                emit(cast.org, EventType.CASE_OPENED, {"case_id": n})
        previous = app.conf.task_always_eager
        app.conf.task_always_eager = False
        try:
            app.send_task("integrations.tasks.deliver_org", args=[cast.org.pk], queue=queue_name)
            assert wait_for(lambda: len(hook.received) >= 8), "the worker sent nothing"
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            app.conf.task_always_eager = previous
        at_kill = len(hook.received)
        assert at_kill < EVENTS, "the kill did not land mid-run"
        with dangerously_unscoped():
            waiting = WebhookDelivery.objects.filter(state="pending").count()
        assert waiting >= EVENTS - at_kill
        # What the sweep does once the dead worker's lease has passed.
        later = timezone.now() + delivery.LEASE + timedelta(seconds=1)
        hook.delay = 0
        delivery.deliver_due(organization_id=cast.org.pk, now=lambda: later, batches=100)
    times = Counter(r.headers["X-InfluencerOps-Event-Id"] for r in hook.received)
    with dangerously_unscoped():
        states = Counter(WebhookDelivery.objects.values_list("state", flat=True))
        event_ids = {str(e) for e in WebhookDelivery.objects.values_list("event_id", flat=True)}
    assert states == {"succeeded": EVENTS}
    assert set(times) == event_ids  # none lost
    # At most the batch in flight (claimed, sent at once, not recorded), once more.
    assert sum(times.values()) - len(times) <= delivery.BATCH
