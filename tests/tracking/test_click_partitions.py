"""Raw clicks partitioned by day: partitions made ahead and on demand, a row for a day with no
partition still lands (and moves to its partition later), retention drops whole partitions
after rolling them up, and row-level security still keeps each org to its own clicks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from influencer_ops.rls import policy_name
from influencer_ops.tenancy import dangerously_unscoped, db_scope
from tests.factories import ClickEventFactory, OrganizationFactory, TrackedLinkFactory
from tracking.clicks import services as clicks
from tracking.clicks.services import partitions, store
from tracking.models import ClickEvent, DailyClicks

pytestmark = pytest.mark.django_db


def _where(event_id: str) -> str:
    with dangerously_unscoped(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM tracking_clickevent WHERE event_id = %s",
            [event_id],
        )
        return str(cursor.fetchone()[0])


def test_the_daily_job_makes_the_coming_days_partitions_with_the_parents_security() -> None:
    today = date(2031, 1, 10)
    made = partitions.partitions_create_ahead(today=today, days=3)
    assert made == [partitions.partition_name(today + timedelta(days=n)) for n in range(4)]
    assert partitions.partitions_create_ahead(today=today, days=3) == []  # already there
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = %s", [made[0]]
        )
        bound = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = %s",
            [made[0]],
        )
        assert cursor.fetchone() == (True, True)
        cursor.execute("SELECT policyname FROM pg_policies WHERE tablename = %s", [made[0]])
        assert [row[0] for row in cursor.fetchall()] == [policy_name(ClickEvent)]
    assert "2031-01-10 00:00:00+00" in bound and "2031-01-11 00:00:00+00" in bound


def test_a_click_on_a_day_without_a_partition_lands_and_moves_into_it_later() -> None:
    at = datetime(2032, 5, 4, 23, 59, tzinfo=UTC)
    click = ClickEventFactory.create(at=at, event_id="stray")
    assert _where("stray") == partitions.DEFAULT_PARTITION
    assert partitions.partitions_ensure([date(2032, 5, 4)]) == ["tracking_clickevent_p20320504"]
    assert _where("stray") == "tracking_clickevent_p20320504"
    with db_scope(org_ids=[click.organization_id]):
        assert ClickEvent.objects.get().pk == click.pk
    # The flush's own path: a new day's partition is made before its clicks are inserted.
    event = clicks.QueuedClick(
        "fresh", click.link_id, click.organization_id, at + timedelta(days=1), "", "h"
    )
    partitions.partitions_ensure([partitions.utc_day(event.at)])
    with db_scope(org_ids=[click.organization_id]):
        assert clicks.insert_events([event, event]) == [(click.link_id, True)]
        assert clicks.insert_events([event]) == []  # exactly once
    assert _where("fresh") == "tracking_clickevent_p20320505"


def test_a_large_batch_lands_by_copy_exactly_once_and_only_on_its_own_orgs_links() -> None:
    """From ``COPY_FROM`` clicks on, the batch travels by COPY: the same rules as the literals."""
    at = datetime(2034, 3, 1, 12, 0, tzinfo=UTC)
    partitions.partitions_ensure([at.date()])
    link, theirs = TrackedLinkFactory.create(), TrackedLinkFactory.create()
    count = store.COPY_FROM + 50
    events = [
        clicks.QueuedClick(f"big{n:04d}", link.pk, link.organization_id,
                           at + timedelta(microseconds=n), "bot" if n % 5 == 0 else "", f"h{n}")
        for n in range(count)
    ]  # fmt: skip
    # A repeat of an event, a click naming another org's link, and text COPY must escape.
    odd = clicks.QueuedClick("odd\\id\tx", link.pk, link.organization_id, at, "", "a\nb")
    stray = clicks.QueuedClick("stray", theirs.pk, link.organization_id, at, "", "h")
    batch = [*events, events[0], odd, stray]
    with db_scope(org_ids=[link.organization_id]):
        inserted = clicks.insert_events(batch)
        assert len(inserted) == count + 1
        assert sum(valid for _, valid in inserted) == count - count // 5 + 1
        assert {link_id for link_id, _ in inserted} == {link.pk}
        assert clicks.insert_events(batch) == []  # exactly once, by COPY again
        assert ClickEvent.objects.get(event_id="odd\\id\tx").client_hash == "a\nb"
        assert not ClickEvent.objects.filter(event_id="stray").exists()


def test_row_level_security_isolates_orgs_through_the_parent_and_each_partition() -> None:
    at = datetime(2033, 2, 1, 12, 0, tzinfo=UTC)
    partitions.partitions_ensure([at.date()])
    mine, theirs = ClickEventFactory.create(at=at), ClickEventFactory.create(at=at)
    name = partitions.partition_name(at.date())
    with db_scope(org_ids=[mine.organization_id]), connection.cursor() as cursor:
        assert list(ClickEvent.objects.values_list("pk", flat=True)) == [mine.pk]
        cursor.execute(f"SELECT id FROM {name}")
        assert [row[0] for row in cursor.fetchall()] == [mine.pk]
        cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0
    with db_scope(), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {name}")
        assert cursor.fetchone()[0] == 0
    assert theirs.organization_id != mine.organization_id


def test_retention_drops_whole_partitions_after_rolling_them_up() -> None:
    # Los Angeles: its 1 March runs from 08:00 UTC on 1 March to 08:00 UTC on 2 March.
    org = OrganizationFactory.create(time_zone="America/Los_Angeles")
    link = TrackedLinkFactory.create(organization=org)
    days = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    partitions.partitions_ensure(days)
    for at, valid in [
        (datetime(2026, 3, 1, 7, 0, tzinfo=UTC), True),  # 28 Feb in LA
        (datetime(2026, 3, 1, 9, 0, tzinfo=UTC), True),  # 1 Mar in LA
        (datetime(2026, 3, 1, 10, 0, tzinfo=UTC), False),
        (datetime(2026, 3, 2, 7, 0, tzinfo=UTC), True),  # still 1 Mar in LA: goes with it
        (datetime(2026, 3, 2, 9, 0, tzinfo=UTC), True),  # 2 Mar in LA: kept raw
    ]:
        ClickEventFactory.create(organization=org, link=link, at=at, valid=valid)
    with db_scope(org_ids=[org.pk]):
        before = clicks.link_valid_clicks(organization=org, links=[link])
    assert before == {link.pk: 4}
    # 2 March (UTC) is the last day past the window: only the 1 March partition can go.
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC) + timedelta(days=91)
    assert partitions.partitions_drop_expired(now=now) == 4
    names = partitions.partition_names()
    assert "tracking_clickevent_p20260301" not in names
    assert {"tracking_clickevent_p20260302", "tracking_clickevent_p20260303"} <= set(names)
    with db_scope(org_ids=[org.pk]):
        assert set(DailyClicks.objects.values_list("day", "valid", "filtered")) == {
            (date(2026, 2, 28), 1, 0),
            (date(2026, 3, 1), 2, 1),
        }
        assert list(ClickEvent.objects.values_list("at", flat=True)) == [
            datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        ]
        assert clicks.link_valid_clicks(organization=org, links=[link]) == before
    assert partitions.partitions_drop_expired(now=now) == 0  # idempotent


def test_a_partition_stays_until_every_time_zone_is_past_the_window() -> None:
    # Honolulu is 10 hours behind UTC: its days end after UTC's.
    org = OrganizationFactory.create(time_zone="Pacific/Honolulu")
    link = TrackedLinkFactory.create(organization=org)
    partitions.partitions_ensure([date(2026, 4, 1)])
    ClickEventFactory.create(organization=org, link=link, at=datetime(2026, 4, 1, 12, tzinfo=UTC))
    end = datetime(2026, 4, 2, tzinfo=UTC)
    # The window (90 days) plus a day, so that every org's calendar is past it.
    assert partitions.partitions_drop_expired(now=end + timedelta(days=91, seconds=-1)) == 0
    assert "tracking_clickevent_p20260401" in partitions.partition_names()
    assert partitions.partitions_drop_expired(now=end + timedelta(days=91)) == 1
    assert "tracking_clickevent_p20260401" not in partitions.partition_names()
    with db_scope(org_ids=[org.pk]):
        assert list(DailyClicks.objects.values_list("day", "valid")) == [(date(2026, 4, 1), 1)]
