"""Daily rollups of clicks per link, and the purge of raw clicks past the retention window
(rolled up in the same statement, so nothing is deleted without being counted)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from influencer_ops.calendar import org_today, org_zone
from tracking.models import ClickEvent, DailyClicks


def _day_bounds(days: list[date], zone: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(min(days), time.min, tzinfo=zone)
    end = datetime.combine(max(days) + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


@transaction.atomic
def rollup_daily(*, organization: Any, days: Iterable[date]) -> int:
    """Recompute ``DailyClicks`` (valid, filtered) of each link for each of ``days`` (the org's
    calendar) from the raw clicks: an upsert, so running it again changes nothing. A day whose
    raw clicks were purged keeps its rollup. Inside the org's scope; returns the rows written."""
    wanted = sorted(set(days))
    if not wanted:
        return 0
    zone = org_zone(organization)
    start, end = _day_bounds(wanted, zone)
    daily = connection.ops.quote_name(DailyClicks._meta.db_table)
    clicks = connection.ops.quote_name(ClickEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {daily} (organization_id, link_id, day, valid, filtered) "  # noqa: S608
            "SELECT organization_id, link_id, (at AT TIME ZONE %s)::date AS day, "
            "count(*) FILTER (WHERE valid), count(*) FILTER (WHERE NOT valid) "
            f"FROM {clicks} WHERE organization_id = %s AND at >= %s AND at < %s "
            "AND (at AT TIME ZONE %s)::date = ANY(%s::date[]) "
            "GROUP BY organization_id, link_id, day "
            "ON CONFLICT (link_id, day) DO UPDATE "
            "SET valid = EXCLUDED.valid, filtered = EXCLUDED.filtered",
            [zone.key, organization.pk, start, end, zone.key, wanted],
        )
        return cursor.rowcount


def purge_before_day(*, organization: Any, today: date | None = None) -> date:
    """The first day whose raw clicks are kept: ``CLICK_RETENTION_DAYS`` before today."""
    if today is None:
        today = org_today(organization)
    return today - timedelta(days=getattr(settings, "CLICK_RETENTION_DAYS", 90))


@transaction.atomic
def purge_old_clicks(*, organization: Any, before: date | None = None) -> int:
    """Delete the raw clicks of the days before ``before`` (the org's calendar; default: the
    retention window) and, in the same statement, write those days' rollups from exactly the
    rows deleted, so nothing is deleted without being counted. Idempotent. Inside the org's
    scope; returns how many raw clicks were deleted."""
    if before is None:
        before = purge_before_day(organization=organization)
    zone = org_zone(organization)
    boundary = datetime.combine(before, time.min, tzinfo=zone)
    daily = connection.ops.quote_name(DailyClicks._meta.db_table)
    clicks = connection.ops.quote_name(ClickEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH gone AS (DELETE FROM {clicks} "  # noqa: S608
            "WHERE organization_id = %s AND at < %s RETURNING link_id, at, valid), "
            "counted AS (INSERT INTO "
            f"{daily} (organization_id, link_id, day, valid, filtered) "
            "SELECT %s, link_id, (at AT TIME ZONE %s)::date AS day, "
            "count(*) FILTER (WHERE valid), count(*) FILTER (WHERE NOT valid) "
            "FROM gone GROUP BY link_id, day "
            "ON CONFLICT (link_id, day) DO UPDATE "
            "SET valid = EXCLUDED.valid, filtered = EXCLUDED.filtered RETURNING 1) "
            "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM counted)",
            [organization.pk, boundary, organization.pk, zone.key],
        )
        deleted, _ = cursor.fetchone()
    return int(deleted)
