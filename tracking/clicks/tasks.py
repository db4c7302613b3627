"""Celery tasks of clicks: thin, and safe to run twice at once."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from influencer_ops.calendar import org_today
from organizations.models import Organization
from organizations.sweeps import for_each_org
from tracking.clicks import services as clicks
from tracking.clicks.services import partitions
from tracking.links import services as links
from tracking.pace import tasks as tasks_pace  # noqa: F401  (registers its task)


@shared_task(
    name="tracking.tasks.flush_clicks_task",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
)
def flush_clicks_task() -> int:
    """Beat (every 10 s): move queued clicks from Redis to PostgreSQL, exactly once even when
    two flushes overlap or one dies. Returns how many clicks were inserted."""
    return clicks.flush_clicks()


def _rollup(organization: Organization) -> int:
    today = org_today(organization)
    clicks.rollup_daily(organization=organization, days=[today - timedelta(days=1), today])
    links.links_cache_refresh(organization=organization)
    return 0


@shared_task(
    name="tracking.tasks.rollup_and_purge_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=1800,
    soft_time_limit=1740,
)
def rollup_and_purge_all() -> int:
    """Beat (hourly; daily is enough): in every org's scope, recompute yesterday's and today's
    rollups (its calendar) and rewrite the org's link mapping in Redis; then create the raw
    clicks' partitions of the coming days and drop those past the retention window (rolled up
    in the same transaction). Idempotent. Returns the raw clicks dropped."""
    for_each_org(_rollup)
    partitions.partitions_create_ahead()
    return partitions.partitions_drop_expired()
