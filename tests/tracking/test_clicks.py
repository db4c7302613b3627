"""Tracked links and clicks: the redirect answers from Redis, the flush moves every click to
PostgreSQL exactly once, milestones are recorded and announced once, rollups are idempotent."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import redis
import time_machine
from django.db import connection
from django.test import Client

from influencer_ops.errors import Conflict
from influencer_ops.tenancy import dangerously_unscoped
from messaging.models import Notification
from organizations.roles import Role
from programs.models import TermsVersion
from tests.conftest import World, confirm_and_launch
from tracking.clicks import services as clicks
from tracking.clicks.services import flush as click_flush
from tracking.clicks.tasks import flush_clicks_task, rollup_and_purge_all
from tracking.links import services as links
from tracking.links.attribution import with_attribution
from tracking.models import ClickEvent, DailyClicks, MilestoneReached, TrackedLink

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
BOTS = [
    "",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
    "curl/8.5.0",
    "Wget/1.21.4",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0 Safari/537.36",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (Linux) AppleWebKit/537.36 (KHTML, like Gecko) SkypeUriPreview Preview/0.5",
]


def _wipe(client: redis.Redis) -> None:
    for key in client.scan_iter(match=f"{links.click_key('')}*", count=1000):
        client.delete(key)


@pytest.fixture(autouse=True)
def click_redis(django_db_setup: None, settings: Any) -> Iterator[redis.Redis]:
    """Redis database 13, and only this test database's keys (the prefix names it)."""
    settings.CLICK_REDIS_URL = "redis://127.0.0.1:6379/13"
    assert links.click_key().endswith(f":{connection.settings_dict['NAME']}")
    client = links.click_redis()
    _wipe(client)
    yield client
    _wipe(client)


@pytest.fixture
def redis_down(settings: Any) -> None:
    """The click store points at a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CLICK_REDIS_URL = f"redis://127.0.0.1:{port}/13"


def _launch(world: World, capture: Any, milestone: int | None = None) -> TrackedLink:
    """Launch the world's program, which makes the links (the mapping is written on commit)."""
    with capture(execute=True):
        confirm_and_launch(world)
    if milestone is not None:
        _set_milestone(world, milestone)
    return TrackedLink.objects.get(enrollment=world.enrollment)


def _set_milestone(world: World, milestone: int) -> None:
    terms = TermsVersion.objects.get(pk=world.enrollment.terms_version_id)
    TermsVersion.objects.filter(pk=terms.pk).update(
        snapshot={**terms.snapshot, "click_milestone": milestone}
    )


def _queued(client: redis.Redis) -> int:
    return int(client.llen(clicks.queue_key()))


def _click(link: TrackedLink, n: int, ua: str = CHROME, **kwargs: Any) -> clicks.Click | None:
    return clicks.record_click(code=link.code, user_agent=ua, ip=f"203.0.113.{n}", **kwargs)


# --- links ---


def test_a_link_is_made_for_each_active_enrollment_once(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    # The other creator never accepted: no enrollment of theirs is active, so no link.
    assert not TrackedLink.objects.filter(enrollment=world.other_enrollment).exists()
    assert re.fullmatch(r"[A-Za-z0-9_-]{12}", link.code)
    assert link.active and link.organization_id == world.cast.org.pk
    assert links.links_create_for_program(program=world.program) == []
    assert TrackedLink.objects.filter(enrollment__program=world.program).count() == 1
    cached = click_redis.hgetall(links.link_key(link.code))
    assert cached == {
        b"id": str(link.pk).encode(),
        b"org": str(world.cast.org.pk).encode(),
        b"dest": link.destination.encode(),
        b"active": b"1",
    }


def test_utm_tags_are_merged_into_the_destination() -> None:
    url = links.destination_with_utm(
        url="https://lumen.test/serum?ref=spring&utm_source=newsletter&q=a+b#buy",
        medium="instagram",
        campaign="spring-glow",
        content="abc123",
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https",
        "lumen.test",
        "/serum",
        "buy",
    )
    assert parse_qsl(parts.query) == [
        ("ref", "spring"),
        ("q", "a b"),
        ("utm_source", "influencer"),
        ("utm_medium", "instagram"),
        ("utm_campaign", "spring-glow"),
        ("utm_content", "abc123"),
    ]


def test_the_link_leads_to_the_programs_destination_with_its_tags(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.program.destination_url = "https://lumen.test/serum?ref=spring#buy"
    world.program.save(update_fields=["destination_url"])
    link = _launch(world, django_capture_on_commit_callbacks)
    parts = urlsplit(link.destination)
    assert parts.netloc == "lumen.test" and parts.fragment == "buy"
    assert dict(parse_qsl(parts.query)) == {
        "ref": "spring",
        "utm_source": "influencer",
        "utm_medium": "instagram",
        "utm_campaign": "spring-glow",
        "utm_content": link.code,
    }


def test_without_a_destination_the_link_leads_to_the_default(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    assert link.destination.startswith(f"{links.DEFAULT_DESTINATION}?utm_source=influencer")


def test_a_destination_too_long_for_its_tags_is_refused(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.program.destination_url = "https://lumen.test/" + "a" * 950
    world.program.save(update_fields=["destination_url"])
    with pytest.raises(Conflict, match="too long"):
        confirm_and_launch(world)
    assert not TrackedLink.objects.filter(enrollment__program=world.program).exists()


def test_a_new_destination_reaches_the_links_and_the_redirect(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    world.program.destination_url = "https://lumen.test/new"
    world.program.save(update_fields=["destination_url"])
    with django_capture_on_commit_callbacks(execute=True):
        assert links.links_refresh_destination(program=world.program) == 1
    click = _click(link, 1)
    assert click is not None and click.destination.startswith("https://lumen.test/new?")


def test_a_new_destination_in_the_brief_reaches_the_links(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from programs import services as programs

    link = _launch(world, django_capture_on_commit_callbacks)
    bsm = world.cast.members[Role.BSM].user
    Program = type(world.program)
    Program.objects.filter(pk=world.program.pk).update(assigned_bsm=bsm)
    world.program.refresh_from_db()
    programs.program_update(
        program=world.program, actor=bsm, destination_url="https://lumen.test/brief"
    )
    link.refresh_from_db()
    assert link.destination.startswith("https://lumen.test/brief?")


def test_ending_a_collaboration_stops_its_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from programs.cases import services as cases
    from programs.models.delivery import ComplianceCase

    link = _launch(world, django_capture_on_commit_callbacks)
    bsm = world.cast.members[Role.BSM]
    case = cases.case_open(
        enrollment=world.enrollment,
        actor=bsm.user,
        membership=bsm,
        kind=ComplianceCase.Kind.GUIDELINE_BREACH,
        severity=ComplianceCase.Severity.HIGH,
        evidence="Repeated breach.",
        evidence_links=[],
    )
    cases.case_terminate(case=case, actor=bsm.user, membership=bsm, text="It ends here.")
    link.refresh_from_db()
    assert not link.active


# --- the redirect ---


def test_a_click_redirects_without_touching_the_database(
    world: World, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    with django_assert_num_queries(0):
        response = Client().get(f"/r/{link.code}", HTTP_USER_AGENT=CHROME)
    assert response.status_code == 302
    assert response["Location"] == with_attribution(link.destination, link.code)
    assert "no-store" in response["Cache-Control"]
    clicks.flush_clicks()
    event = ClickEvent.objects.get(link=link)
    assert event.valid and event.filter_reason == ""


def test_unknown_and_inactive_codes_are_404_and_record_nothing(
    world: World,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
    click_redis: redis.Redis,
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        links.link_deactivate(link=link, actor=world.cast.members[Role.ADMIN].user)
    client = Client()
    for path in (f"/r/{link.code}", "/r/NoSuchCode12", "/r/bad.code!", f"/r/{link.code}x/"):
        response = client.get(path, HTTP_USER_AGENT=CHROME)
        assert response.status_code == 404
        assert b"Page not found" in response.content
    # An unknown code is remembered: guessing again does not reach PostgreSQL.
    with django_assert_num_queries(0):
        assert client.get("/r/NoSuchCode12", HTTP_USER_AGENT=CHROME).status_code == 404
    assert _queued(click_redis) == 0
    assert not list(click_redis.scan_iter(match=links.click_key("seen", "*")))
    assert clicks.flush_clicks() == 0
    assert not ClickEvent.objects.exists()


def test_a_link_missing_from_redis_is_found_in_postgres_and_cached_again(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    click_redis.delete(links.link_key(link.code))
    click = _click(link, 1)
    assert click is not None and click.link_id == link.pk and click.valid
    assert click_redis.hget(links.link_key(link.code), "active") == b"1"


def test_a_trailing_slash_and_a_head_request_are_served(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    client = Client()
    assert client.get(f"/r/{link.code}/", HTTP_USER_AGENT=CHROME).status_code == 302
    # A HEAD is a link checker, not a person: counted as filtered.
    assert client.head(f"/r/{link.code}", HTTP_USER_AGENT=FIREFOX).status_code == 302
    assert client.post(f"/r/{link.code}").status_code == 405
    clicks.flush_clicks()
    reasons = sorted(ClickEvent.objects.values_list("filter_reason", flat=True))
    assert reasons == ["", "bot"]


# --- classification ---


@pytest.mark.parametrize("user_agent", BOTS)
def test_bots_and_crawlers_are_filtered(user_agent: str) -> None:
    assert clicks.is_bot(user_agent)


@pytest.mark.parametrize("user_agent", [CHROME, IPHONE, FIREFOX])
def test_browsers_are_not_bots(user_agent: str) -> None:
    assert not clicks.is_bot(user_agent)


def test_valid_then_repeat_within_the_window_then_valid_again(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CLICK_REPEAT_WINDOW_HOURS = 24
    link = _launch(world, django_capture_on_commit_callbacks)
    start = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        first = _click(link, 7)
        again = _click(link, 7)
        other_browser = _click(link, 7, ua=FIREFOX)
        bot = _click(link, 7, ua=BOTS[1])
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        late_repeat = _click(link, 7)
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        next_day = _click(link, 7)
    results = [first, again, other_browser, bot, late_repeat, next_day]
    assert [c.filter_reason if c else None for c in results] == [
        "",
        "repeat",
        "",
        "bot",
        "repeat",
        "",
    ]
    assert clicks.flush_clicks() == 6
    stored = dict(ClickEvent.objects.values_list("event_id", "filter_reason"))
    assert stored == {c.event_id: c.filter_reason for c in results if c}
    assert ClickEvent.objects.get(event_id=first.event_id).at == start


def test_the_client_hash_never_contains_the_ip(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    ip = "198.51.100.23"
    hashed = clicks.client_hash(ip=ip, user_agent=CHROME)
    assert re.fullmatch(r"[0-9a-f]{64}", hashed)
    assert hashed != clicks.client_hash(ip="198.51.100.24", user_agent=CHROME)
    clicks.record_click(code=link.code, user_agent=CHROME, ip=ip)
    queued = b"".join(click_redis.lrange(clicks.queue_key(), 0, -1))
    # Neither the address nor any of its parts as written (timestamps may hold "198" by chance).
    rest = queued.replace(hashed.encode(), b"")
    assert ip.encode() not in rest and b"51.100" not in rest and b"100.23" not in rest
    clicks.flush_clicks()
    event = ClickEvent.objects.get(link=link)
    assert event.client_hash == hashed and ip not in event.client_hash


def test_forwarded_addresses_count_only_behind_trusted_proxies(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    client = Client()

    def hit(forwarded: str) -> None:
        client.get(f"/r/{link.code}", HTTP_USER_AGENT=CHROME, HTTP_X_FORWARDED_FOR=forwarded)

    hit("192.0.2.1")
    hit("192.0.2.2")  # spoofed: the same client as far as we can tell
    settings.TRUSTED_PROXY_COUNT = 1
    hit("10.9.9.9, 192.0.2.3")
    hit("10.9.9.9, 192.0.2.4")
    clicks.flush_clicks()
    assert sorted(ClickEvent.objects.values_list("filter_reason", flat=True)) == [
        "",
        "",
        "",
        "repeat",
    ]


# --- Redis down ---


def test_with_redis_down_the_click_is_written_to_postgres(
    world: World, django_capture_on_commit_callbacks: Any, redis_down: None
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    response = Client().get(f"/r/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302 and response["Location"] == with_attribution(
        link.destination, link.code
    )
    again = clicks.record_click(code=link.code, user_agent=CHROME, ip="192.0.2.8")
    bot = clicks.record_click(code=link.code, user_agent="curl/8.5.0", ip="192.0.2.8")
    assert again is not None and bot is not None
    assert clicks.record_click(code="NoSuchCode12", user_agent=CHROME, ip="192.0.2.8") is None
    rows = ClickEvent.objects.filter(link=link).order_by("pk")
    assert [row.filter_reason for row in rows] == ["", "repeat", "bot"]
    assert [row.event_id for row in rows][1:] == [again.event_id, bot.event_id]


def test_with_redis_down_an_inactive_link_is_still_404(
    world: World, django_capture_on_commit_callbacks: Any, redis_down: None
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    links.link_deactivate(link=link)
    assert Client().get(f"/r/{link.code}", HTTP_USER_AGENT=CHROME).status_code == 404
    assert not ClickEvent.objects.exists()


# --- the flush ---


def test_the_flush_records_a_milestone_and_announces_it_once(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks, milestone=3)
    base = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for n in range(2):
        _click(link, n, now=base + timedelta(minutes=n))
    _click(link, 0, now=base + timedelta(minutes=5))  # a repeat does not count
    _click(link, 9, ua="curl/8.5.0", now=base + timedelta(minutes=6))
    assert clicks.flush_clicks() == 4
    assert not MilestoneReached.objects.exists()
    for n in range(2, 5):
        _click(link, n, now=base + timedelta(minutes=10 + n))
    assert clicks.flush_clicks() == 3
    reached = MilestoneReached.objects.get(enrollment=world.enrollment)
    assert (reached.milestone, reached.valid_clicks) == (3, 5)
    assert reached.at == base + timedelta(minutes=12)  # the third valid click
    notes = Notification.objects.filter(event_key=f"milestone:{world.enrollment.pk}:3")
    assert sorted(notes.values_list("recipient__email", flat=True)) == [
        "bsm@northwind.test",
        "cara@example.test",
    ]
    for n in range(5, 8):
        _click(link, n)
    assert clicks.flush_clicks() == 3
    assert MilestoneReached.objects.count() == 1 and notes.count() == 2
    assert _queued(click_redis) == 0


def test_a_flush_that_died_midway_loses_and_doubles_nothing(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    for n in range(50):
        _click(link, n)
    dead = links.click_key("processing", "dead-flush")
    items = clicks.claim_batch(name=dead, size=20)
    assert len(items) == 20
    # It committed half of its batch, then died before deleting its processing list.
    assert click_flush._write_batch(items[:10]) == 10
    # Younger than the time-out: it could still be running, so it is left alone.
    assert clicks.flush_clicks() == 30
    assert click_redis.llen(dead) == 20
    # Abandoned: moved back to the queue; the 10 already inserted are not inserted again.
    assert clicks.flush_clicks(abandoned_after=0) == 10
    assert ClickEvent.objects.filter(link=link).count() == 50
    assert ClickEvent.objects.values("event_id").distinct().count() == 50
    assert _queued(click_redis) == 0 and not click_redis.exists(dead)
    assert click_redis.zcard(clicks.processing_index_key()) == 0


def test_a_flush_that_fails_puts_its_batch_back(
    world: World,
    django_capture_on_commit_callbacks: Any,
    click_redis: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    for n in range(12):
        _click(link, n)

    def broken(*args: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(click_flush, "insert_events", broken)
    with pytest.raises(RuntimeError):
        clicks.flush_clicks(max_batch=5)
    assert _queued(click_redis) == 12
    assert click_redis.zcard(clicks.processing_index_key()) == 0
    monkeypatch.undo()
    assert flush_clicks_task() == 12
    assert ClickEvent.objects.count() == 12 and _queued(click_redis) == 0


@pytest.mark.django_db(transaction=True)
def test_two_flushes_at_once_move_every_click_exactly_once(
    cast_and_world_unscoped: World, click_redis: redis.Redis
) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        confirm_and_launch(world)
        links.links_create_for_program(program=world.program)
        _set_milestone(world, 40)
        link = TrackedLink.objects.get(enrollment=world.enrollment)
    agents = [CHROME, IPHONE, FIREFOX, BOTS[1], BOTS[6]]
    expected_valid: set[tuple[int, str]] = set()
    total = 300
    client = Client()
    for n in range(total):
        ip, agent = n % 70, agents[n % len(agents)]
        if not clicks.is_bot(agent):
            expected_valid.add((ip, agent))
        if n % 6 == 0:  # a sixth come through the redirect itself
            response = client.get(
                f"/r/{link.code}", HTTP_USER_AGENT=agent, REMOTE_ADDR=f"203.0.113.{ip}"
            )
            assert response.status_code == 302
        else:
            assert _click(link, ip, ua=agent) is not None
    assert _queued(click_redis) == total

    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def flush() -> None:
        try:
            start.wait()
            results.append(clicks.flush_clicks(max_batch=23))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=flush) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors
    assert sum(results) == total
    assert _queued(click_redis) == 0
    assert click_redis.zcard(clicks.processing_index_key()) == 0
    with dangerously_unscoped():
        events = ClickEvent.objects.filter(link=link)
        assert events.count() == total
        assert events.filter(valid=True).count() == len(expected_valid)
        assert events.filter(valid=False).count() == total - len(expected_valid)
        assert MilestoneReached.objects.filter(enrollment=world.enrollment).count() == 1
        assert (
            Notification.objects.filter(event_key=f"milestone:{world.enrollment.pk}:40").count()
            == 2
        )


# --- rollups and retention ---


def test_rollups_are_idempotent_and_follow_the_orgs_calendar(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    org = world.cast.org
    org.time_zone = "America/Los_Angeles"
    org.save(update_fields=["time_zone"])
    link = _launch(world, django_capture_on_commit_callbacks)
    # 02:00 UTC on 3 March is still 2 March in Los Angeles.
    _click(link, 1, now=datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    _click(link, 1, now=datetime(2026, 3, 3, 2, 5, tzinfo=UTC))
    _click(link, 2, now=datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    _click(link, 3, ua="curl/8.5.0", now=datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    clicks.flush_clicks()
    days = [date(2026, 3, 2), date(2026, 3, 3)]
    for _ in range(2):
        assert clicks.rollup_daily(organization=org, days=days) == 2
        rows = list(DailyClicks.objects.order_by("day").values_list("day", "valid", "filtered"))
        assert rows == [(date(2026, 3, 2), 1, 1), (date(2026, 3, 3), 1, 1)]
    _click(link, 4, now=datetime(2026, 3, 3, 14, 0, tzinfo=UTC))
    clicks.flush_clicks()
    clicks.rollup_daily(organization=org, days=days)
    assert DailyClicks.objects.get(day=date(2026, 3, 3)).valid == 2


def test_the_purge_keeps_the_rollups_of_what_it_deletes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    org = world.cast.org
    link = _launch(world, django_capture_on_commit_callbacks)
    today = date(2026, 6, 15)
    old = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)  # 106 days before
    _click(link, 1, now=old)
    _click(link, 2, now=old + timedelta(hours=1))
    _click(link, 2, now=old + timedelta(hours=2))
    _click(link, 3, now=datetime(2026, 6, 14, 10, 0, tzinfo=UTC))
    clicks.flush_clicks()
    before = clicks.link_valid_clicks(organization=org, links=[link])
    assert before == {link.pk: 3}
    cutoff = clicks.purge_before_day(organization=org, today=today)
    assert cutoff == date(2026, 3, 17)
    for deleted in (3, 0):
        assert clicks.purge_old_clicks(organization=org, before=cutoff) == deleted
        assert list(DailyClicks.objects.values_list("day", "valid", "filtered")) == [
            (date(2026, 3, 1), 2, 1)
        ]
    assert ClickEvent.objects.count() == 1
    assert clicks.link_valid_clicks(organization=org, links=[link]) == before
    # Rolling up the purged day again keeps what was counted.
    clicks.rollup_daily(organization=org, days=[date(2026, 3, 1)])
    assert DailyClicks.objects.get(day=date(2026, 3, 1)).valid == 2


def test_the_daily_task_rolls_up_and_purges_every_org(
    world: World, django_capture_on_commit_callbacks: Any, click_redis: redis.Redis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    _click(link, 1, now=now - timedelta(days=120))
    _click(link, 2, now=now - timedelta(hours=1))
    clicks.flush_clicks()
    click_redis.delete(links.link_key(link.code))
    with time_machine.travel(now, tick=False):
        assert rollup_and_purge_all() == 1
    assert set(DailyClicks.objects.values_list("day", "valid")) == {
        ((now - timedelta(days=120)).date(), 1),
        (now.date(), 1),
    }
    # The link mapping is rewritten from the table.
    assert click_redis.hget(links.link_key(link.code), "active") == b"1"
