"""Valid clicks of a link since it was made: raw clicks plus the rollups of purged days. The
count the milestone check uses (``tracking.pace.services.with_valid_clicks`` is its SQL twin)."""

from __future__ import annotations

from datetime import date
from typing import Any

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
