"""Celery tasks of webhooks: deliver one org's due deliveries; the beat sweep over every org."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from integrations.webhooks import delivery, retention
from integrations.webhooks.outbox import enqueue_delivery
from organizations.models import Organization
from organizations.sweeps import for_each_org

DELIVER_BATCHES = 20


# Not @org_scoped: each claim and each record commits on its own, around a send made outside
# any transaction (see ``delivery``); they set the org's scope themselves.
@shared_task(
    name="integrations.tasks.deliver_org",  # = outbox.DELIVER_ORG_TASK
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    time_limit=600,
    soft_time_limit=540,
)
def deliver_org(org_id: int) -> int:
    """Send the org's due deliveries, a few batches at a time (a full run queues the next, so
    one org's backlog does not hold a worker for long). Safe twice at once: deliveries are
    claimed with SKIP LOCKED. Returns attempts made."""
    attempted = delivery.deliver_due(organization_id=int(org_id), batches=DELIVER_BATCHES)
    if attempted >= DELIVER_BATCHES * delivery.BATCH:
        deliver_org.apply_async((org_id,))
    return attempted


@shared_task(
    name="integrations.tasks.deliver_due_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=120,
    soft_time_limit=100,
)
def deliver_due_all() -> int:
    """Beat (every 30 s): queue the delivery job of each org with a delivery due — retries
    whose backoff passed, and attempts whose worker died (their lease passed)."""
    now = timezone.now()

    def queue(organization: Organization) -> int:
        if not delivery.has_due(organization_id=organization.pk, now=now):
            return 0
        enqueue_delivery(organization.pk)
        return 1

    return for_each_org(queue)


@shared_task(
    name="integrations.tasks.purge_old_webhook_history",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=1800,
    soft_time_limit=1700,
)
def purge_old_webhook_history() -> int:
    """Beat (daily): each org's delivered and given-up deliveries, and their events, older than
    ``WEBHOOK_RETENTION_DAYS``. Returns the rows deleted."""
    now = timezone.now()
    return for_each_org(
        lambda organization: sum(retention.purge_old(organization_id=organization.pk, now=now))
    )
