"""Clicks: classified and queued in Redis by the redirect, moved to PostgreSQL in bulk by the
flush, rolled up per day and purged after the retention window.

What is guaranteed:

- ``record_click`` reads no PostgreSQL on its normal path: one Lua script finds the link in
  Redis, classifies the click (bot, repeat, valid) and appends it to the queue atomically. When
  Redis is unreachable the click is written straight to PostgreSQL instead of being lost.
- Every queued click lands in ``ClickEvent`` exactly once, with concurrent flushes and with a
  flush that dies at any point: a batch is moved atomically to a processing list of its own,
  inserted with ``ON CONFLICT (event_id) DO NOTHING``, and only then deleted; a processing list
  older than ``ABANDONED_AFTER_SECONDS`` is moved back to the queue by the next flush.
- A click milestone is recorded once per enrollment (``MilestoneReached`` is unique), and the
  creator and the BSM are told once (one notification per recipient and event key).
- Raw clicks are deleted only together with the rollup of their days, in one statement.

Repeat clicks are decided on the ``now`` of the click (a timestamp kept in Redis), not on the
expiry of the Redis key alone, so the window follows the application's clock.
"""

from __future__ import annotations

import logging
import re
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from redis.commands.core import Script

from influencer_ops.tenancy import dangerously_unscoped, db_scope
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from programs.deadlines.services import org_today
from programs.models import Enrollment
from tracking.links.services import click_key, click_redis, link_cache_put, link_cache_put_unknown
from tracking.models import ClickEvent, DailyClicks, MilestoneReached, TrackedLink

logger = logging.getLogger(__name__)

FilterReason = ClickEvent.FilterReason
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A processing list this old belongs to a flush that died (the task's time limit is 120 s).
ABANDONED_AFTER_SECONDS = 300
# Messaging has no milestone kind (yet): milestones are program news.
MILESTONE_NOTIFICATION = NotificationKind.ANNOUNCEMENT
USER_AGENT_MAX = 512

# Automated clients by user agent, matched anywhere in it, ignoring case. Crawlers
# and search engines ("bot", "crawl", "spider", Yahoo's "slurp"), link previews of social and
# chat apps (facebookexternalhit, "preview", WhatsApp, Skype's and Bing's previews; Slack,
# Discord, Telegram, Twitter and LinkedIn say "bot"), HTTP libraries and command-line tools,
# headless and scripted browsers, and uptime or SEO checkers. An empty user agent is a bot too.
BOT_SIGNATURES = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "facebookexternalhit",
    "facebookcatalog",
    "preview",
    "whatsapp",
    "embedly",
    "curl",
    "wget",
    "httpie",
    "python-",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "java/",
    "apache-httpclient",
    "libwww",
    "node-fetch",
    "axios",
    "headless",
    "phantomjs",
    "selenium",
    "puppeteer",
    "playwright",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
)
# Matched against the lower-cased user agent: ten times faster than re.IGNORECASE.
BOT_PATTERN = re.compile("|".join(re.escape(s) for s in BOT_SIGNATURES))

# KEYS: link hash, seen key (link + client), queue. ARGV: now (µs), window (µs), reason ("" or
# "bot"), event id, client hash, window (ms, the seen key's expiry). A queued click is
# "<event id> <link id> <org id> <µs since 1970> <reason> <client hash>" (no JSON: cheaper).
# Returns 0 (no entry: ask PostgreSQL), 1 (inactive or unknown) or "<reason> <id> <org> <dest>".
RECORD_LUA = """
local link = redis.call('HMGET', KEYS[1], 'id', 'org', 'dest', 'active')
if not link[4] then return 0 end
if link[4] ~= '1' or not link[1] then return 1 end
local reason = ARGV[3]
local window = tonumber(ARGV[2])
if reason == '' and window > 0 then
  local last = tonumber(redis.call('GET', KEYS[2]))
  if last and math.abs(tonumber(ARGV[1]) - last) < window then
    reason = 'repeat'
  else
    redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[6])
  end
end
redis.call('RPUSH', KEYS[3],
  table.concat({ARGV[4], link[1], link[2], ARGV[1], reason, ARGV[5]}, ' '))
return reason .. ' ' .. link[1] .. ' ' .. link[2] .. ' ' .. link[3]
"""

# KEYS: queue, this flush's processing list, the index of processing lists. ARGV: batch size.
CLAIM_LUA = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], #items, -1)
for i = 1, #items, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(items, i, math.min(i + 999, #items)))
end
redis.call('ZADD', KEYS[3], redis.call('TIME')[1], KEYS[2])
return items
"""

# KEYS: queue, the index of processing lists. ARGV: age in seconds, or a list name to requeue.
# Processing lists are named in the index, not in KEYS: this needs a single Redis, not a cluster.
RECOVER_LUA = """
local names
if ARGV[2] then
  names = {ARGV[2]}
else
  names = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf',
    tonumber(redis.call('TIME')[1]) - tonumber(ARGV[1]))
end
local moved = 0
for _, name in ipairs(names) do
  local items = redis.call('LRANGE', name, 0, -1)
  for i = 1, #items, 1000 do
    redis.call('RPUSH', KEYS[1], unpack(items, i, math.min(i + 999, #items)))
  end
  moved = moved + #items
  redis.call('DEL', name)
  redis.call('ZREM', KEYS[2], name)
end
return moved
"""

# The scripts' SHA-1s, computed once; each call names the client (the thread's connection).
_ENCODER = redis.Redis()  # never connects: only encodes the scripts
RECORD = Script(_ENCODER, RECORD_LUA)
CLAIM = Script(_ENCODER, CLAIM_LUA)
RECOVER = Script(_ENCODER, RECOVER_LUA)


def _run(script: Script, keys: list[str], args: list[Any]) -> Any:
    return script(keys=keys, args=args, client=click_redis())


def queue_key() -> str:
    return click_key("queue")


def processing_index_key() -> str:
    return click_key("processing")


@dataclass(frozen=True)
class Click:
    """A recorded click: where to send the visitor and how the click was counted."""

    event_id: str
    link_id: int
    organization_id: int
    destination: str
    filter_reason: str

    @property
    def valid(self) -> bool:
        return not self.filter_reason


@dataclass(frozen=True)
class _Event:
    event_id: str
    link_id: int
    organization_id: int
    at: datetime
    filter_reason: str
    client_hash: str


def is_bot(user_agent: str) -> bool:
    agent = (user_agent or "").strip()
    return not agent or BOT_PATTERN.search(agent[:USER_AGENT_MAX].lower()) is not None


def client_hash(*, ip: str, user_agent: str) -> str:
    """A keyed SHA-256 of the client (IP and user agent): the same client gives the same hash,
    and without SECRET_KEY the IP cannot be recovered from it. The raw IP is never stored."""
    value = f"{ip}\n{(user_agent or '')[:USER_AGENT_MAX]}"
    return salted_hmac("tracking.clicks.services.client", value, algorithm="sha256").hexdigest()


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _repeat_window() -> timedelta:
    return timedelta(hours=getattr(settings, "CLICK_REPEAT_WINDOW_HOURS", 24))


# --- recording ---


def record_click(
    *, code: str, user_agent: str, ip: str, now: datetime | None = None
) -> Click | None:
    """Record a click on ``/r/<code>``; None when the code is unknown or the link inactive
    (nothing is recorded then). Bots and repeats within ``CLICK_REPEAT_WINDOW_HOURS`` are
    recorded as filtered. Reads no PostgreSQL unless Redis has no entry for the code or is
    unreachable (then the click is written to PostgreSQL directly)."""
    now = now or timezone.now()
    event_id = uuid.uuid4().hex
    reason = FilterReason.BOT.value if is_bot(user_agent) else ""
    hashed = client_hash(ip=ip, user_agent=user_agent)
    try:
        return _record_in_redis(code, reason, hashed, event_id, now)
    except redis.RedisError:
        logger.warning("Redis unreachable: writing the click to PostgreSQL", exc_info=True)
        return _record_in_postgres(code, reason, hashed, event_id, now)


def _record_in_redis(
    code: str, reason: str, hashed: str, event_id: str, now: datetime
) -> Click | None:
    window = _repeat_window()
    prefix = click_key()
    keys = [f"{prefix}:link:{code}", f"{prefix}:seen:{code}:{hashed}", f"{prefix}:queue"]
    args = [
        _micros(now),
        window // timedelta(microseconds=1),
        reason,
        event_id,
        hashed,
        max(window // timedelta(milliseconds=1), 1),
    ]
    result = _run(RECORD, keys, args)
    if result == 0:
        # No entry (a Redis that lost its data, a write that failed): rebuild it once.
        link = _link_by_code(code)
        if link is None:
            link_cache_put_unknown(code=code)
            return None
        link_cache_put(link=link)
        result = _run(RECORD, keys, args)
    if not isinstance(result, bytes):
        return None
    filter_reason, link_id, org_id, destination = result.decode().split(" ", 3)
    return Click(event_id, int(link_id), int(org_id), destination, filter_reason)


def _link_by_code(code: str) -> TrackedLink | None:
    # The code is the secret that identifies the org: a cross-org lookup by it alone.
    with dangerously_unscoped():
        return TrackedLink.objects.filter(code=code).first()


def _record_in_postgres(
    code: str, reason: str, hashed: str, event_id: str, now: datetime
) -> Click | None:
    link = _link_by_code(code)
    if link is None or not link.active:
        return None
    with db_scope(org_ids=[link.organization_id]):
        # Serialises the clicks of this link, so that the repeat check sees the previous one.
        link = TrackedLink.objects.select_for_update(no_key=True).get(pk=link.pk)
        if not link.active:
            return None
        if not reason and _seen_in_postgres(link, hashed, now):
            reason = FilterReason.REPEAT.value
        event = _Event(event_id, link.pk, link.organization_id, now, reason, hashed)
        inserted = _insert_events(link.organization_id, [event])
        if any(valid for _, valid in inserted):
            _milestones_check(links=[link])
    return Click(event_id, link.pk, link.organization_id, link.destination, reason)


def _seen_in_postgres(link: TrackedLink, hashed: str, now: datetime) -> bool:
    window = _repeat_window()
    return ClickEvent.objects.filter(
        organization_id=link.organization_id,
        link=link,
        at__gt=now - window,
        at__lt=now + window,
        valid=True,
        client_hash=hashed,
    ).exists()


# --- the flush ---


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
    recovered = _run(RECOVER, [queue_key(), processing_index_key()], [abandoned_after])
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
    return list(_run(CLAIM, [queue_key(), name, processing_index_key()], [size]))


def _requeue(name: str) -> None:
    try:
        _run(RECOVER, [queue_key(), processing_index_key()], [0, name])
    except redis.RedisError:
        logger.warning("Could not requeue %s; the next flush will", name, exc_info=True)


def _release(name: str) -> None:
    pipe = click_redis().pipeline(transaction=True)
    pipe.delete(name)
    pipe.zrem(processing_index_key(), name)
    pipe.execute()


def _parse(raw: bytes) -> _Event | None:
    try:
        event_id, link_id, org_id, micros, reason, hashed = raw.decode().split(" ")
        return _Event(
            event_id=event_id,
            link_id=int(link_id),
            organization_id=int(org_id),
            at=EPOCH + timedelta(microseconds=int(micros)),
            filter_reason=reason,
            client_hash=hashed,
        )
    except ValueError:
        logger.error("Dropping a malformed queued click: %r", raw[:200])
        return None


def _write_batch(items: Iterable[bytes]) -> int:
    by_org: dict[int, dict[str, _Event]] = defaultdict(dict)
    for raw in items:
        event = _parse(raw)
        if event is not None:
            by_org[event.organization_id][event.event_id] = event
    inserted = 0
    with transaction.atomic():
        # Orgs, then links, in id order: concurrent flushes take their locks in the same order.
        for org_id in sorted(by_org):
            with db_scope(org_ids=[org_id]):
                inserted += _write_org(org_id, list(by_org[org_id].values()))
    return inserted


def _write_org(org_id: int, events: list[_Event]) -> int:
    link_ids = sorted({event.link_id for event in events})
    # Locked until commit: a concurrent flush counts this link's clicks only after ours are in.
    links = {
        link.pk: link
        for link in TrackedLink.objects.select_for_update(no_key=True)
        .filter(organization_id=org_id, pk__in=link_ids)
        .order_by("pk")
    }
    known = [event for event in events if event.link_id in links]
    if len(known) < len(events):
        logger.error("Dropping %s clicks of unknown links", len(events) - len(known))
    inserted = _insert_events(org_id, known)
    with_valid = sorted({link_id for link_id, valid in inserted if valid})
    _milestones_check(links=[links[link_id] for link_id in with_valid])
    return len(inserted)


def _insert_events(org_id: int, events: list[_Event]) -> list[tuple[int, bool]]:
    """INSERT … ON CONFLICT (event_id) DO NOTHING in event-id order (so that two flushes
    inserting the same events never deadlock); returns (link id, valid) of the new rows."""
    if not events:
        return []
    events = sorted(events, key=lambda event: event.event_id)
    table = connection.ops.quote_name(ClickEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608  (the table name is ours)
            "(organization_id, link_id, at, valid, filter_reason, client_hash, event_id) "
            "SELECT %s, e.link_id, e.at, e.reason = '', e.reason, e.hash, e.id "
            "FROM unnest(%s::bigint[], %s::timestamptz[], %s::text[], %s::text[], %s::text[]) "
            "WITH ORDINALITY AS e(link_id, at, reason, hash, id, n) ORDER BY e.n "
            "ON CONFLICT (event_id) DO NOTHING RETURNING link_id, valid",
            [
                org_id,
                [event.link_id for event in events],
                [event.at for event in events],
                [event.filter_reason for event in events],
                [event.client_hash for event in events],
                [event.event_id for event in events],
            ],
        )
        return [(int(link_id), bool(valid)) for link_id, valid in cursor.fetchall()]


# --- milestones ---


def org_zone(organization: Any) -> zoneinfo.ZoneInfo:
    """The org's time zone: its days are the days of rollups and retention."""
    try:
        return zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def link_valid_clicks(*, organization: Any, links: list[TrackedLink]) -> dict[int, int]:
    """Valid clicks of each of ``organization``'s ``links`` since it was made: raw clicks, plus
    the rollups of the days whose raw clicks were purged (those before the link's first raw
    click; purges delete whole days of the org's calendar). Inside the org's scope."""
    if not links:
        return {}
    zone = org_zone(organization)
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
        first_days[link_id] = row["first_at"].astimezone(zone).date() if row else None
    for link_id, day, valid in DailyClicks.objects.filter(link_id__in=ids).values_list(
        "link_id", "day", "valid"
    ):
        first_day = first_days[link_id]
        if first_day is None or day < first_day:
            totals[link_id] += valid
    return totals


def _milestone_of(enrollment: Enrollment | None) -> int | None:
    terms = enrollment.terms_version if enrollment is not None else None
    value = terms.snapshot.get("click_milestone") if terms is not None else None
    try:
        return int(value) if value is not None and int(value) >= 1 else None
    except (TypeError, ValueError):
        return None


def _milestones_check(*, links: list[TrackedLink]) -> list[MilestoneReached]:
    """Record the milestone of each link's enrollment that its valid clicks reached, once, and
    tell the creator and the BSM. The links (of one org) are locked by the caller, so that a
    concurrent flush counts only after this one committed."""
    if not links:
        return []
    enrollments = Enrollment.objects.select_related(
        "terms_version",
        "organization",
        "program__assigned_bsm",
        "assigned_bsm",
        "creator__user",
    ).in_bulk([link.enrollment_id for link in links])
    if not enrollments:
        return []
    organization = next(iter(enrollments.values())).organization
    targets = {link.pk: _milestone_of(enrollments.get(link.enrollment_id)) for link in links}
    done = set(
        MilestoneReached.objects.filter(enrollment_id__in=list(enrollments)).values_list(
            "enrollment_id", "milestone"
        )
    )
    pending = [
        link
        for link in links
        if targets[link.pk] is not None and (link.enrollment_id, targets[link.pk]) not in done
    ]
    totals = link_valid_clicks(organization=organization, links=pending)
    reached = []
    for link in pending:
        milestone, total = targets[link.pk], totals[link.pk]
        if milestone is None or total < milestone:
            continue
        enrollment = enrollments[link.enrollment_id]
        record, created = MilestoneReached.objects.get_or_create(
            organization_id=link.organization_id,
            enrollment=enrollment,
            milestone=milestone,
            defaults={"valid_clicks": total, "at": _crossing_time(link, milestone, total)},
        )
        if created:
            _notify_milestone(enrollment, milestone)
            reached.append(record)
    return reached


def _crossing_time(link: TrackedLink, milestone: int, total: int) -> datetime:
    """When the ``milestone``-th valid click happened (now, if it was in a purged day)."""
    raw_valid = ClickEvent.objects.filter(link=link, valid=True)
    before_raw = total - raw_valid.count()
    if milestone <= before_raw:
        return timezone.now()
    at = raw_valid.order_by("at", "pk").values_list("at", flat=True)[milestone - before_raw - 1]
    return at


def _notify_milestone(enrollment: Enrollment, milestone: int) -> None:
    program = enrollment.program
    organization = enrollment.organization
    event_key = f"milestone:{enrollment.pk}:{milestone}"
    creator = enrollment.creator
    notify_many(
        recipients=[creator.user],
        organization=organization,
        kind=MILESTONE_NOTIFICATION,
        event_key=event_key,
        title=f"You reached {milestone:,} valid clicks in {program.name}",
        body=f"Your tracked link for {program.name} reached its click milestone.",
        url=reverse("portal_home"),
    )
    notify_many(
        recipients=[enrollment.assigned_bsm or program.assigned_bsm],
        organization=organization,
        kind=MILESTONE_NOTIFICATION,
        event_key=event_key,
        title=f"{creator.display_name} reached {milestone:,} valid clicks in {program.name}",
        body="The click milestone in their terms is reached.",
        url=reverse("program_detail", kwargs={"org_slug": organization.slug, "pk": program.pk}),
    )


# --- rollups and retention ---


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
