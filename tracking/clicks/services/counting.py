"""Valid clicks of a link since it was made.

``links_count_valid`` keeps ``TrackedLink.valid_clicks``: one statement per flushed batch adds
each link's new valid clicks (the rows the batch's insert really added), taking the links' row
locks in id order, so concurrent flushes count one after the other and never deadlock. The
milestone check reads that counter.

``link_valid_clicks`` counts the same from the rows: raw clicks plus the rollups of purged days
(``tracking.pace.services.with_valid_clicks`` is its SQL twin); both agree (tests check it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, Min, Q

from influencer_ops.calendar import org_today
from tracking.models import ClickEvent, DailyClicks, TrackedLink


def link_valid_clicks(*, organization: Any, links: list[TrackedLink]) -> dict[int, int]:
    """Valid clicks of each of ``organization``'s ``links`` since it was made: raw clicks, plus
    the rollups of the days whose raw clicks were purged (those before the link's first raw
    click; purges delete whole days of the org's calendar). Inside the org's scope."""
    if not links:
        return {}
    ids = [link.pk for link in links]
    raw = {
        row["link_id"]: row
        for row in ClickEvent.objects.filter(link_id__in=ids)
        .values("link_id")
        .annotate(valid_count=Count("pk", filter=Q(valid=True)), first_at=Min("at"))
        .order_by()
    }
    totals = {link_id: 0 for link_id in ids}
    first_days: dict[int, date | None] = {}
    for link_id in ids:
        row = raw.get(link_id)
        totals[link_id] = row["valid_count"] if row else 0
        first_days[link_id] = org_today(organization, row["first_at"]) if row else None
    for link_id, day, valid in DailyClicks.objects.filter(link_id__in=ids).values_list(
        "link_id", "day", "valid"
    ):
        first_day = first_days[link_id]
        if first_day is None or day < first_day:
            totals[link_id] += valid
    return totals


def links_count_valid(inserted: list[tuple[int, bool]]) -> list[int]:
    """Add the valid ones of ``inserted`` ((link id, valid) of the rows a batch added) to their
    links' ``valid_clicks``, in one statement; returns the ids of the links counted. Inside a
    scope that sees the links, in the transaction that inserted the rows."""
    added: dict[int, int] = {}
    for link_id, valid in inserted:
        if valid:
            added[link_id] = added.get(link_id, 0) + 1
    if not added:
        return []
    ids = sorted(added)
    table = connection.ops.quote_name(TrackedLink._meta.db_table)
    with connection.cursor() as cursor:
        # The links' row locks in id order (the CTE's ORDER BY … FOR NO KEY UPDATE), then one
        # update of each by its primary key.
        cursor.execute(
            f"WITH d AS MATERIALIZED (SELECT l.id, u.n FROM {table} l "  # noqa: S608
            "JOIN unnest(%s::bigint[], %s::bigint[]) AS u(id, n) ON u.id = l.id "
            "ORDER BY l.id FOR NO KEY UPDATE OF l) "
            f"UPDATE {table} AS l SET valid_clicks = l.valid_clicks + d.n "
            "FROM d WHERE l.id = d.id RETURNING l.id",
            [ids, [added[link_id] for link_id in ids]],
        )
        return sorted(row[0] for row in cursor.fetchall())
