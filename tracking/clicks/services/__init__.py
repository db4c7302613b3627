"""Clicks: classified and queued in Redis by the redirect, moved to PostgreSQL in bulk by the
flush, rolled up per day and purged after the retention window.

What is guaranteed:

- ``record_click`` reads no PostgreSQL on its normal path: one Lua script finds the link in
  Redis, classifies the click (bot, repeat, valid) and appends it to the queue atomically. When
  Redis is unreachable the click is written straight to PostgreSQL instead of being lost.
- No acknowledged click (the visitor got the 302) is lost when Redis crashes: Redis runs with
  its append-only file fsynced before every reply (``config/redis.conf``), so a queued click
  is on disk, and the flush reconnects once after a restart (docs/architecture.md, "Clicks").
- Every queued click lands in ``ClickEvent`` exactly once, with concurrent flushes and with a
  flush that dies at any point: a batch is moved atomically to a processing list of its own,
  inserted with ``ON CONFLICT (event_id, at) DO NOTHING``, and only then deleted; a processing list
  older than ``ABANDONED_AFTER_SECONDS`` is moved back to the queue by the next flush.
- A click milestone is recorded once per enrollment (``MilestoneReached`` is unique), and the
  creator and the BSM are told once (one notification per recipient and event key).
- Raw clicks are removed only together with the rollup of their days, in one transaction:
  retention drops whole day partitions (``partitions``), ``purge_old_clicks`` deletes one org's.
- A batch costs the same few statements however many links and orgs it spans: one insert, one
  update of the links' counts of valid clicks (``TrackedLink.valid_clicks``), one insert of the
  milestones reached.

Repeat clicks are decided on the ``now`` of the click (a timestamp kept in Redis), not on the
expiry of the Redis key alone, so the window follows the application's clock.

The modules: ``recording`` (the redirect's side), ``store`` (the Redis queue and the one
insert), ``flush``, ``milestones`` (with ``counting``: valid clicks of a link), ``rollup``
(daily rollups) and ``partitions`` (raw clicks by day, retention). This package re-exports
their public names.
"""

from __future__ import annotations

from tracking.clicks.services.counting import link_valid_clicks, links_count_valid
from tracking.clicks.services.flush import claim_batch, flush_clicks
from tracking.clicks.services.milestones import MILESTONE_NOTIFICATION, milestones_check
from tracking.clicks.services.recording import (
    BOT_PATTERN,
    BOT_SIGNATURES,
    Click,
    client_hash,
    is_bot,
    record_click,
)
from tracking.clicks.services.rollup import purge_before_day, purge_old_clicks, rollup_daily
from tracking.clicks.services.store import (
    ABANDONED_AFTER_SECONDS,
    EPOCH,
    QueuedClick,
    insert_events,
    processing_index_key,
    queue_key,
)

__all__ = [
    "ABANDONED_AFTER_SECONDS",
    "BOT_PATTERN",
    "BOT_SIGNATURES",
    "EPOCH",
    "MILESTONE_NOTIFICATION",
    "Click",
    "QueuedClick",
    "claim_batch",
    "client_hash",
    "flush_clicks",
    "insert_events",
    "is_bot",
    "link_valid_clicks",
    "links_count_valid",
    "milestones_check",
    "processing_index_key",
    "purge_before_day",
    "purge_old_clicks",
    "queue_key",
    "record_click",
    "rollup_daily",
]
