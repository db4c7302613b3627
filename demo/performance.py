"""Performance through the real paths: clicks on ``/r/<code>`` (``record_click``, what the
redirect view calls) moved to PostgreSQL by the flush (which records milestones), the nightly
rollup, a metrics CSV import and the pace sweep.

Numbers are deterministic (a generator seeded by the link id), so two databases seeded the
same way show the same figures."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from organizations.models import Organization
from programs.models import Deliverable, DeliverableState, Enrollment
from tracking.clicks import services as clicks
from tracking.links import services as links
from tracking.metrics.services import metrics_import_csv
from tracking.models import TrackedLink
from tracking.pace.services import pace_sweep

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"
CRAWLER = "Googlebot/2.1 (+http://www.google.com/bot.html)"


def link_of(enrollment: Enrollment) -> TrackedLink:
    return TrackedLink.objects.get(
        organization_id=enrollment.organization_id, enrollment=enrollment
    )


def _ip(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def click_day(link: TrackedLink, *, day_start: datetime, valid: int, visitor: int) -> int:
    """``valid`` people click the link over the day (one a few minutes apart), with a crawler
    and a repeat among them (both filtered). Returns the next visitor number."""
    rng = random.Random(link.pk * 1000 + day_start.toordinal())  # noqa: S311 (repeatable)
    step = timedelta(seconds=max(60, 36_000 // max(valid, 1)))
    moment = day_start
    for _ in range(valid):
        clicks.record_click(code=link.code, user_agent=BROWSER, ip=_ip(visitor), now=moment)
        visitor += 1
        moment += step
    if valid:
        clicks.record_click(code=link.code, user_agent=CRAWLER, ip=_ip(visitor), now=moment)
        # The last visitor comes back: a repeat within the window, filtered.
        again = moment + timedelta(minutes=rng.randint(1, 30))
        clicks.record_click(code=link.code, user_agent=BROWSER, ip=_ip(visitor - 1), now=again)
    return visitor


def flush_and_roll_up(organization: Organization, today: date) -> None:
    """What the flush task and the nightly job do."""
    clicks.flush_clicks()
    clicks.rollup_daily(organization=organization, days=[today - timedelta(days=1), today])
    clicks.purge_old_clicks(organization=organization)
    links.links_cache_refresh(organization=organization)


def import_metrics(
    organization: Organization, actor: Any, deliverable_ids: list[int], days: list[date]
) -> int:
    """The metrics a BSM downloads from the platform, imported as a CSV file."""
    lines = ["deliverable,date,reach,impressions,likes,comments,shares,saves,views"]
    for deliverable_id in deliverable_ids:
        rng = random.Random(deliverable_id)  # noqa: S311 (repeatable demo numbers)
        reach = rng.randint(2_000, 40_000)
        for day in days:
            impressions = round(reach * rng.uniform(1.1, 1.8))
            lines.append(
                f"{deliverable_id},{day.isoformat()},{reach},{impressions},"
                f"{round(impressions * rng.uniform(0.02, 0.06))},"
                f"{round(impressions * rng.uniform(0.001, 0.006))},"
                f"{round(impressions * rng.uniform(0.001, 0.004))},"
                f"{round(impressions * rng.uniform(0.002, 0.01))},"
                f"{round(impressions * rng.uniform(0.5, 0.9))}"
            )
            reach = max(round(reach * rng.uniform(0.3, 0.7)), 1)  # posts fade after day one
    report = metrics_import_csv(organization=organization, actor=actor, file_text="\n".join(lines))
    if not report.ok:
        raise RuntimeError(f"The demo metrics import was refused: {report}")
    return report.rows


def import_published_metrics(organization: Organization, actor: Any, today: date) -> None:
    """A week of metrics (or up to the program's end, or yesterday) for every published post."""
    published = Deliverable.objects.filter(
        organization=organization, state=DeliverableState.PUBLISHED
    ).select_related("program")
    for deliverable in published.order_by("pk"):
        if deliverable.published_at is None:
            continue
        first = timezone.localdate(deliverable.published_at)
        last = min(
            deliverable.program.end_on or today,
            today - timedelta(days=1),
            first + timedelta(days=6),
        )
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        if days:
            import_metrics(organization, actor, [deliverable.pk], days)


def sweep_pace(organization: Organization, today: date) -> None:
    pace_sweep(organization=organization, today=today)
