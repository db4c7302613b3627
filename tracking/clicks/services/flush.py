"""The flush: queued clicks move from Redis to PostgreSQL in batches, exactly once even when
flushes overlap or one dies; each batch's valid clicks are added to their links' counts and the
milestones those counts reached are recorded — a constant number of statements per batch, however
many links and orgs it spans."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

import redis

from influencer_ops.tenancy import db_scope
from tracking.clicks.services.counting import links_count_valid
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
    """One transaction, three statements whatever the batch's size and spread: insert the
    clicks (exactly once, by event id), add the new valid ones to their links' counts, record
    the milestones those counts reached."""
    events: dict[str, QueuedClick] = {}
    for raw in items:
        event = parse_queued(raw)
        if event is not None:
            events[event.event_id] = event
    if not events:
        return 0
    # New days' partitions first, in a transaction of their own (never under the links' locks).
    partitions_ensure(utc_day(event.at) for event in events.values())
    org_ids = sorted({event.organization_id for event in events.values()})
    with db_scope(org_ids=org_ids):
        inserted = insert_events(list(events.values()))
        milestones_check(link_ids=links_count_valid(inserted))
    return len(inserted)
