"""Outbound webhooks: the outbox joins the change's transaction; deliveries are signed, retried
with backoff, survive a dead worker (at least once, same event id), and an endpoint failing for
24 hours is disabled with its admins told. A real receiver listens on loopback."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from influencer_ops.audit import AuditVerb
from influencer_ops.errors import Conflict
from influencer_ops.events import EventType, emit
from influencer_ops.models import AuditEvent
from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.webhooks import delivery, services, signing
from integrations.webhooks.tasks import deliver_due_all, deliver_org
from messaging.kinds import NotificationKind
from messaging.models import Notification
from organizations.roles import Role
from programs.recruiting import services as recruiting
from tests.conftest import World
from tests.integrations.receiver import receiver

pytestmark = pytest.mark.django_db


def endpoint_for(world: World, url: str, events: list[str] | None = None) -> WebhookEndpoint:
    return services.endpoint_create(
        organization=world.cast.org,
        actor=world.cast.members[Role.ADMIN].user,
        url=url,
        events=events or [EventType.ENROLLMENT_ACCEPTED, EventType.ENROLLMENT_CONFIRMED],
        description="CRM sync",
    )


def accept(world: World) -> None:
    admin = world.cast.members[Role.ADMIN].user
    recruiting.enrollment_move(enrollment=world.enrollment, target="accepted", actor=admin)


# --- the outbox ---


def test_a_change_writes_its_event_and_deliveries_in_its_own_transaction(world: World) -> None:
    endpoint = endpoint_for(world, "https://hooks.example.com/in")
    endpoint_for(world, "https://other.example.com/in", events=[EventType.PAYOUT_PAID])
    accept(world)
    event = WebhookEvent.objects.get()
    assert (event.type, event.organization_id) == ("enrollment.accepted", world.cast.org.pk)
    assert event.data["enrollment_id"] == world.enrollment.pk
    assert event.data["state"] == "accepted"
    # Only the endpoint that chose the event gets a delivery, due now.
    (only,) = WebhookDelivery.objects.all()
    assert (only.endpoint_id, only.state, only.attempts) == (endpoint.pk, "pending", 0)
    assert only.next_attempt_at is not None and only.next_attempt_at <= timezone.now()


def test_a_creator_accepting_an_invitation_writes_one_event(world: World) -> None:
    endpoint_for(world, "https://hooks.example.com/in")
    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=1
    )
    assert WebhookEvent.objects.filter(type="enrollment.accepted").count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_rolled_back_change_leaves_no_event(world: World) -> None:
    endpoint_for(world, "https://hooks.example.com/in")

    def change_that_fails_later() -> None:
        with transaction.atomic():
            accept(world)
            assert WebhookEvent.objects.count() == 1  # written inside the change's transaction
            raise RuntimeError("the rest of the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails_later()
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()
    # A refused change writes nothing either (confirming an invited creator is a 409).
    with pytest.raises(Conflict):
        recruiting.enrollment_confirm(
            enrollment=world.enrollment, actor=world.cast.members[Role.ISM].user
        )
    assert not WebhookEvent.objects.exists()


def test_paused_endpoints_and_other_orgs_get_nothing(world: World) -> None:
    endpoint = endpoint_for(world, "https://hooks.example.com/in")
    services.endpoint_update(
        endpoint=endpoint, actor=world.cast.members[Role.ADMIN].user, state="paused"
    )
    outsider = services.endpoint_create(
        organization=world.cast.outsider_org,
        actor=world.cast.outsider.user,
        url="https://acme.example.com/in",
        events=[EventType.ENROLLMENT_ACCEPTED],
    )
    accept(world)
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.filter(endpoint=outsider).exists()


# --- signing ---


def test_the_signature_verifies_and_refuses_tampering_other_secrets_and_old_timestamps() -> None:
    secret, body, t = signing.new_secret(), b'{"id":"e1"}', 1_700_000_000
    header = signing.signature(secret, t, body)
    assert header.startswith(f"t={t},v1=")
    assert signing.verify(secret, header, body, now=t + 10)
    assert not signing.verify(secret, header, b'{"id":"e2"}', now=t)
    assert not signing.verify(signing.new_secret(), header, body, now=t)
    assert signing.verify(secret, header, body, now=t + signing.REPLAY_WINDOW_SECONDS)
    assert not signing.verify(secret, header, body, now=t + signing.REPLAY_WINDOW_SECONDS + 1)
    assert not signing.verify(secret, "v1=abc", body, now=t)


# --- the schedule ---


def test_backoff_doubles_from_30_seconds_to_a_6_hour_cap_with_jitter() -> None:
    lowest = [delivery.backoff_seconds(n, rand=lambda: 0.0) for n in range(1, 16)]
    highest = [delivery.backoff_seconds(n, rand=lambda: 1.0) for n in range(1, 16)]
    assert highest[:5] == [30, 60, 120, 240, 480]
    assert lowest[:3] == [15, 30, 60]
    assert highest[-1] == 6 * 3600 and lowest[-1] == 3 * 3600
    assert max(highest) == 6 * 3600


# --- delivering to a real receiver on loopback ---


def test_the_task_delivers_a_signed_event_to_a_real_receiver(world: World) -> None:
    with receiver() as hook:
        endpoint = endpoint_for(world, hook.url)
        accept(world)
        assert deliver_org(world.cast.org.pk) == 1
    (got,) = hook.received
    event = WebhookEvent.objects.get()
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert headers["x-influencerops-event-id"] == str(event.id)
    assert headers["x-influencerops-event"] == "enrollment.accepted"
    assert headers["content-type"] == "application/json"
    now = int(timezone.now().timestamp())
    assert signing.verify(endpoint.secret, headers["x-influencerops-signature"], got.body, now=now)
    payload = json.loads(got.body)
    assert payload["id"] == str(event.id) and payload["type"] == "enrollment.accepted"
    assert payload["organization"] == "northwind"
    assert payload["data"]["enrollment_id"] == world.enrollment.pk
    done = WebhookDelivery.objects.get()
    assert (done.state, done.attempts, done.response_code) == ("succeeded", 1, 200)
    assert done.latency_ms is not None and done.next_attempt_at is None
    # Nothing is due any more: the task sends nothing twice.
    assert deliver_org(world.cast.org.pk) == 0


def test_a_failed_attempt_is_retried_after_its_backoff_and_given_up_after_the_last(
    world: World,
) -> None:
    with receiver() as hook:
        hook.status = 500
        endpoint_for(world, hook.url)
        accept(world)
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert deliver_org(world.cast.org.pk) == 1
            failed = WebhookDelivery.objects.get()
            assert (failed.state, failed.attempts, failed.response_code) == ("pending", 1, 500)
            wait = (failed.next_attempt_at - start).total_seconds()
            assert 15 <= wait <= 30
            assert deliver_org(world.cast.org.pk) == 0  # not before its time
        WebhookDelivery.objects.update(attempts=delivery.MAX_ATTEMPTS - 1)
        with time_machine.travel(start + timedelta(seconds=31), tick=False):
            assert deliver_org(world.cast.org.pk) == 1
    gave_up = WebhookDelivery.objects.get()
    assert (gave_up.state, gave_up.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    assert gave_up.next_attempt_at is None
    assert len(hook.received) == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(world: World) -> None:
    with receiver() as target, receiver() as hook:
        hook.status, hook.redirect_to = 302, target.url
        endpoint_for(world, hook.url)
        accept(world)
        deliver_org(world.cast.org.pk)
    assert len(hook.received) == 1 and target.received == []
    assert WebhookDelivery.objects.get().response_code == 302


def test_a_dead_workers_delivery_is_sent_again_after_its_lease_with_the_same_event_id(
    world: World,
) -> None:
    with receiver() as hook:
        endpoint_for(world, hook.url)
        accept(world)
        start = timezone.now()
        org_id = world.cast.org.pk
        with time_machine.travel(start, tick=False):
            (claim,) = delivery.claim_due(organization_id=org_id, now=timezone.now())
            delivery.send(claim, now=timezone.now())  # received, then the worker dies
            assert deliver_org(org_id) == 0  # leased: nobody else sends it meanwhile
        with time_machine.travel(start + delivery.LEASE + timedelta(seconds=1), tick=False):
            assert deliver_due_all() == 1  # the sweep finds it (queues the org's job)
            assert deliver_org(org_id) == 1
        # The dead worker's late record changes nothing: the second attempt owns it.
        late = delivery.sender.Outcome(status=500, latency_ms=1)
        assert not delivery.record(organization_id=org_id, claim=claim, outcome=late, now=start)
    first, second = hook.received
    ids = {r.headers["X-InfluencerOps-Event-Id"] for r in hook.received}
    assert len(ids) == 1 and first.body == second.body  # at least once, deduplicable
    done = WebhookDelivery.objects.get()
    assert (done.state, done.attempts) == ("succeeded", 2)


def test_an_endpoint_failing_for_24_hours_is_disabled_and_its_admins_told(world: World) -> None:
    admin = world.cast.members[Role.ADMIN].user
    with receiver() as hook:
        hook.status = 503
        endpoint = endpoint_for(world, hook.url)
        start = timezone.now()
        org_id = world.cast.org.pk
        for hours in (0, 12, 23):
            with time_machine.travel(start + timedelta(hours=hours), tick=False):
                emit(world.cast.org, EventType.ENROLLMENT_ACCEPTED, {"n": hours})
                deliver_org(org_id)
        endpoint.refresh_from_db()
        assert endpoint.state == "active"
        assert endpoint.failing_since == start
        with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
            emit(world.cast.org, EventType.ENROLLMENT_ACCEPTED, {"n": 24})
            deliver_org(org_id)
            endpoint.refresh_from_db()
            assert endpoint.state == "disabled" and endpoint.disabled_at == timezone.now()
            sent = len(hook.received)
            emit(world.cast.org, EventType.ENROLLMENT_ACCEPTED, {"n": 25})  # not recorded
            assert deliver_org(org_id) == 0  # its waiting deliveries are not sent
    assert len(hook.received) == sent
    notice = Notification.objects.get(recipient=admin, kind=NotificationKind.WEBHOOKS)
    assert "disabled" in notice.title and f"/webhooks/{endpoint.pk}/" in notice.url
    assert not Notification.objects.filter(
        kind=NotificationKind.WEBHOOKS, recipient=world.cast.members[Role.ISM].user
    ).exists()
    assert AuditEvent.objects.filter(verb=AuditVerb.WEBHOOK_ENDPOINT_DISABLED).count() == 1
    assert WebhookDelivery.objects.filter(state="pending").count() == 4


def test_a_success_resets_the_failure_clock_and_enabling_resumes_waiting_deliveries(
    world: World,
) -> None:
    with receiver() as hook:
        hook.status = 500
        endpoint = endpoint_for(world, hook.url)
        accept(world)
        deliver_org(world.cast.org.pk)
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(state="disabled")
        hook.status = 200
        services.endpoint_update(
            endpoint=endpoint, actor=world.cast.members[Role.ADMIN].user, state="active"
        )
        assert deliver_org(world.cast.org.pk) == 1  # due at once, not after its backoff
    endpoint.refresh_from_db()
    assert (endpoint.state, endpoint.failing_since) == ("active", None)
    assert WebhookDelivery.objects.get().state == "succeeded"


def test_delivery_time_refuses_a_host_that_now_resolves_to_a_private_address(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint_for(world, "https://hooks.example.com/in")
    accept(world)
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    monkeypatch.setattr(
        "integrations.webhooks.safety.socket.getaddrinfo",
        lambda host, port, **kw: [(2, 1, 6, "", ("10.0.0.7", port))],
    )
    deliver_org(world.cast.org.pk)
    refused = WebhookDelivery.objects.get()
    assert refused.response_code is None and refused.state == "pending"
    assert refused.error.startswith("refused:") and "10.0.0.7" in refused.error


def test_a_replay_sends_the_same_event_again_as_a_new_delivery(world: World) -> None:
    with receiver() as hook:
        endpoint_for(world, hook.url)
        accept(world)
        deliver_org(world.cast.org.pk)
        first = WebhookDelivery.objects.get()
        replay = services.delivery_replay(delivery=first, actor=world.cast.members[Role.ADMIN].user)
        assert deliver_org(world.cast.org.pk) == 1
    replay.refresh_from_db()
    assert (replay.replay_of_id, replay.event_id, replay.state) == (
        first.pk,
        first.event_id,
        "succeeded",
    )
    assert [r.body for r in hook.received] == [hook.received[0].body] * 2


def test_a_batch_costs_the_same_queries_whatever_its_size_and_is_recorded_in_one_statement(
    world: World,
) -> None:
    from tests.helpers import assert_constant_queries

    with receiver() as hook:
        endpoint_for(world, hook.url, events=[EventType.CASE_OPENED])
        org = world.cast.org

        def emit_some(count: int) -> None:
            for n in range(count):
                emit(org, EventType.CASE_OPENED, {"n": n})

        def one_batch() -> int:
            return delivery.deliver_due(organization_id=org.pk, batches=1)

        emit_some(2)  # a batch of 2, then one of BATCH (10): the same statements
        grow = lambda: emit_some(delivery.BATCH)  # noqa: E731
        assert assert_constant_queries(one_batch, grow=grow, warm=False) == delivery.BATCH
    assert WebhookDelivery.objects.filter(state="succeeded").count() == 2 + delivery.BATCH
    assert len({r.headers["X-InfluencerOps-Event-Id"] for r in hook.received}) == 12


def test_the_claim_reads_only_its_batch_off_the_due_index_whatever_the_backlog(
    world: World,
) -> None:
    """The ids come off the partial due index in its order, LIMIT first: no sort of the
    backlog and no join before the limit (a 10,000-event backlog made each claim join and sort
    every pending row — bench/webhooks.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from influencer_ops.events import emit_many

    endpoint_for(world, "https://hooks.example.test/in", events=[EventType.CASE_OPENED])
    org = world.cast.org
    emit_many(org, EventType.CASE_OPENED, [{"n": n} for n in range(1_000)])
    with CaptureQueriesContext(connection) as queries:
        claims = delivery.claim_due(organization_id=org.pk, now=timezone.now())
    assert len(claims) == delivery.BATCH
    [ids_query] = [q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.org_ids', %s, true)", [str(org.pk)])
        cursor.execute("ANALYZE integrations_webhookdelivery")
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + ids_query)
        plan = cursor.fetchone()[0][0]["Plan"]
    nodes = []
    node = plan
    while node:
        nodes.append(node)
        node = (node.get("Plans") or [None])[0]
    assert [n["Node Type"] for n in nodes] == ["Limit", "LockRows", "Index Scan"]
    assert nodes[-1]["Index Name"] == "webhook_delivery_due"
    assert nodes[-1]["Actual Rows"] == delivery.BATCH  # read no further than its batch
