"""Recording a click on ``/r/<code>``: classify it (bot, repeat, valid) and queue it in Redis
with one Lua script, or write it straight to PostgreSQL when Redis is unreachable."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped, db_scope
from influencer_ops.validation import CLICK_USER_AGENT_MAX_LENGTH
from tracking.clicks.services.counting import links_count_valid
from tracking.clicks.services.milestones import milestones_check
from tracking.clicks.services.partitions import partitions_ensure, utc_day
from tracking.clicks.services.store import (
    RECORD,
    QueuedClick,
    insert_events,
    micros,
    run_record,
    run_script,
)
from tracking.links.services import click_key, link_cache_put, link_cache_put_unknown
from tracking.models import ClickEvent, TrackedLink

logger = logging.getLogger(__name__)

FilterReason = ClickEvent.FilterReason

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


def is_bot(user_agent: str) -> bool:
    agent = (user_agent or "").strip()
    return not agent or BOT_PATTERN.search(agent[:CLICK_USER_AGENT_MAX_LENGTH].lower()) is not None


CLIENT_HASH_SALT = "tracking.clicks.services.client"


@functools.lru_cache(maxsize=4)
def _client_hmac(secret: str) -> hmac.HMAC:
    # ``salted_hmac(CLIENT_HASH_SALT, …, algorithm="sha256")`` with its key derived once.
    key = hashlib.sha256(f"{CLIENT_HASH_SALT}{secret}".encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def client_hash(*, ip: str, user_agent: str) -> str:
    """A keyed SHA-256 of the client (IP and user agent): the same client gives the same hash,
    and without SECRET_KEY the IP cannot be recovered from it. The raw IP is never stored.
    Equal to ``salted_hmac(CLIENT_HASH_SALT, value, algorithm="sha256")``."""
    value = f"{ip}\n{(user_agent or '')[:CLICK_USER_AGENT_MAX_LENGTH]}"
    digest = _client_hmac(settings.SECRET_KEY).copy()
    digest.update(value.encode())
    return digest.hexdigest()


def _repeat_window() -> timedelta:
    return timedelta(hours=getattr(settings, "CLICK_REPEAT_WINDOW_HOURS", 24))


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
        micros(now),
        window // timedelta(microseconds=1),
        reason,
        event_id,
        hashed,
        max(window // timedelta(milliseconds=1), 1),
    ]
    result = run_record(keys, args)
    if result == 0:
        # No entry (a Redis that lost its data, a write that failed): rebuild it once.
        link = _link_by_code(code)
        if link is None:
            link_cache_put_unknown(code=code)
            return None
        link_cache_put(link=link)
        result = run_script(RECORD, keys, args)
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
    partitions_ensure([utc_day(now)])
    with db_scope(org_ids=[link.organization_id]):
        # Serialises the clicks of this link, so that the repeat check sees the previous one.
        link = TrackedLink.objects.select_for_update(no_key=True).get(pk=link.pk)
        if not link.active:
            return None
        if not reason and _seen_in_postgres(link, hashed, now):
            reason = FilterReason.REPEAT.value
        event = QueuedClick(event_id, link.pk, link.organization_id, now, reason, hashed)
        milestones_check(link_ids=links_count_valid(insert_events([event])))
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
