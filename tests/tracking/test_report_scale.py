"""The reports overview in a big org (#18): fed by per-program daily summaries that the
database keeps from the rollups, and paged."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from influencer_ops.calendar import org_zone
from organizations.roles import Role
from programs.models import Program
from tests.conftest import World
from tests.helpers import assert_constant_queries
from tests.tracking.test_reports import Report, page, rep
from tracking.clicks.services.rollup import rollup_daily
from tracking.models import ClickEvent, DailyClicks, ProgramDailyClicks

__all__ = ["rep"]  # a fixture, used by name

pytestmark = pytest.mark.django_db


def summary(program: Program) -> dict[Any, tuple[int, int]]:
    return {
        row.day: (row.valid, row.filtered)
        for row in ProgramDailyClicks.objects.filter(program=program)
        if row.valid or row.filtered
    }


def summed(program: Program) -> dict[Any, tuple[int, int]]:
    rows = (
        DailyClicks.objects.filter(link__enrollment__program=program)
        .values("day")
        .annotate(v=Sum("valid"), f=Sum("filtered"))
    )
    return {row["day"]: (row["v"], row["f"]) for row in rows if row["v"] or row["f"]}


def test_the_summaries_follow_every_rollup_write(rep: Report) -> None:
    program = rep.program
    ten = rep.days_ago(10)
    assert summary(program) == summed(program)
    assert summary(program)[ten] == (40, 6)  # cara 30 + finn 10 valid; 5 + 1 filtered
    DailyClicks.objects.filter(link__enrollment=rep.cara, day=ten).update(valid=31)
    assert summary(program)[ten] == (41, 6)
    DailyClicks.objects.filter(link__enrollment=rep.finn).delete()
    assert summary(program) == summed(program)
    assert summary(program)[ten] == (31, 5)


def test_the_rollup_job_feeds_the_summaries_from_raw_clicks(rep: Report) -> None:
    org = rep.world.cast.org
    link = DailyClicks.objects.filter(link__enrollment=rep.cara).first().link
    zone = org_zone(org)
    yesterday = timezone.now().astimezone(zone).date() - timedelta(days=1)
    at = datetime.combine(yesterday, time(12), tzinfo=zone)
    for n in range(3):
        ClickEvent.objects.create(
            organization=org,
            link=link,
            at=at,
            valid=n != 0,
            filter_reason="" if n else "repeat",
            client_hash=f"h{n}",
            event_id=f"scale-{link.pk}-{n}",
        )
    rollup_daily(organization=org, days=[yesterday])
    rollup_daily(organization=org, days=[yesterday])  # again: changes nothing
    assert summary(rep.program)[yesterday] == (2, 1)
    assert summary(rep.program) == summed(rep.program)


def test_the_overview_pages_its_programs_with_constant_queries(rep: Report) -> None:
    cast = rep.world.cast
    client = cast.client_for(Role.ADMIN)

    def grow() -> None:
        for n in range(55):
            extra = Program.objects.create(
                organization=cast.org, brand=cast.brand, name=f"Zeta {n:02d}"
            )
            del extra

    response = assert_constant_queries(lambda: client.get(page("org_overview")), grow=grow)
    rows = response.context["rows"]
    assert len(rows) == 50 and rows[0].name == "Spring Glow" and rows[0].valid_clicks == 80
    html = response.content.decode()
    assert "Page 1 of 2" in html and "?page=2" in html
    second = client.get(page("org_overview"), {"page": 2}).context["rows"]
    assert [r.name for r in second] == [f"Zeta {n:02d}" for n in range(49, 55)]


def test_the_overview_csv_keeps_every_program(rep: Report, world: World) -> None:
    cast = rep.world.cast
    for n in range(55):
        Program.objects.create(organization=cast.org, brand=cast.brand, name=f"Zeta {n:02d}")
    csv = cast.client_for(Role.ADMIN).get(page("org_overview_csv")).content.decode()
    assert "Zeta 54" in csv and "Spring Glow" in csv
