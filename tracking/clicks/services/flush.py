"""The flush: queued clicks move from Redis to PostgreSQL in batches, exactly once even when
flushes overlap or one dies; the milestones of links that got valid clicks are checked."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable

import redis
from django.db import transaction

from influencer_ops.tenancy import db_scope
from tracking.clicks.services.milestones import milestones_check
from tracking.clicks.services.partitions import partitions_ensure, utc_day
from tracking.clicks.services.store import (
    ABANDONED_AFTER_SECONDS,
    CLAIM,
    RECOVER,
    QueuedClick,
    insert_events,
    parse_queued,
    processing_index_key,
    queue_key,
    reconnect_if_stale,
    run_script,
)
from tracking.links.services import click_key, click_redis
from tracking.models import TrackedLink

logger = logging.getLogger(__name__)


def flush_clicks(
    *,
    max_batch: int = 5000,
    max_batches: int = 20,
    abandoned_after: float = ABANDONED_AFTER_SECONDS,
) -> int:
    """Move queued clicks to PostgreSQL, ``max_batch`` at a time, until the queue is empty (at
    most ``max_batches`` batches), checking the milestones of the links that got valid clicks
    in each batch. Starts by requeuing processing lists older than ``abandoned_after`` seconds.
    Safe to run many at once. Returns how many clicks were inserted."""
    reconnect_if_stale()  # the first flush after a Redis restart
    recovered = run_script(RECOVER, [queue_key(), processing_index_key()], [abandoned_after])
    if recovered:
        logger.warning("Requeued %s clicks of a flush that did not finish", recovered)
    inserted = 0
    for _ in range(max_batches):
        name = click_key("processing", uuid.uuid4().hex)
        items = claim_batch(name=name, size=max_batch)
        if not items:
            break
        try:
            inserted += _write_batch(items)
        except BaseException:
            _requeue(name)
            raise
        _release(name)
        if len(items) < max_batch:
            break
    return inserted


def claim_batch(*, name: str, size: int) -> list[bytes]:
    """Move up to ``size`` queued clicks to the processing list ``name``, atomically."""
    return list(run_script(CLAIM, [queue_key(), name, processing_index_key()], [size]))


def _requeue(name: str) -> None:
    try:
        run_script(RECOVER, [queue_key(), processing_index_key()], [0, name])
    except redis.RedisError:
        logger.warning("Could not requeue %s; the next flush will", name, exc_info=True)


def _release(name: str) -> None:
    pipe = click_redis().pipeline(transaction=True)
    pipe.delete(name)
    pipe.zrem(processing_index_key(), name)
    pipe.execute()


def _write_batch(items: Iterable[bytes]) -> int:
    by_org: dict[int, dict[str, QueuedClick]] = defaultdict(dict)
    for raw in items:
        event = parse_queued(raw)
        if event is not None:
            by_org[event.organization_id][event.event_id] = event
    # New days' partitions first, in a transaction of their own (never under the links' locks).
    partitions_ensure(utc_day(event.at) for events in by_org.values() for event in events.values())
    inserted = 0
    with transaction.atomic():
        # Orgs, then links, in id order: concurrent flushes take their locks in the same order.
        for org_id in sorted(by_org):
            with db_scope(org_ids=[org_id]):
                inserted += _write_org(org_id, list(by_org[org_id].values()))
    return inserted


def _write_org(org_id: int, events: list[QueuedClick]) -> int:
    link_ids = sorted({event.link_id for event in events})
    # Locked until commit: a concurrent flush counts this link's clicks only after ours are in.
    links = {
        link.pk: link
        for link in TrackedLink.objects.select_for_update(no_key=True)
        .filter(organization_id=org_id, pk__in=link_ids)
        .order_by("pk")
    }
    known = [event for event in events if event.link_id in links]
    if len(known) < len(events):
        logger.error("Dropping %s clicks of unknown links", len(events) - len(known))
    inserted = insert_events(org_id, known)
    with_valid = sorted({link_id for link_id, valid in inserted if valid})
    milestones_check(links=[links[link_id] for link_id in with_valid])
    return len(inserted)
