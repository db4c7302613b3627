"""Tracked links: one per active enrollment, and the Redis mapping the redirect reads.

The redirect (``/r/<code>``) never reads PostgreSQL on its normal path: it finds the link in
Redis under ``<prefix>link:<code>`` (a hash of id, org, dest, active). The services here keep
that mapping in step with the table, after commit; a missing entry is rebuilt from the table by
``tracking.clicks.services`` on the first click, and ``links_cache_refresh`` rewrites an org's
entries
(daily), so an entry left stale by a Redis outage does not outlive a day.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict
from influencer_ops.validation import URL_MAX_LENGTH
from programs.models import Enrollment, Program
from programs.states import EnrollmentState
from tracking.models import TrackedLink

logger = logging.getLogger(__name__)

CODE_BYTES = 9  # 72 random bits: 12 URL-safe characters, not guessable, never colliding
DEFAULT_DESTINATION = "https://example.com/"
UTM_SOURCE = "influencer"
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "utm_id")
DESTINATION_MAX = URL_MAX_LENGTH  # the column of TrackedLink.destination
# Short timeouts: a redirect waits for Redis at most this long before writing to PostgreSQL.
REDIS_CONNECT_TIMEOUT = 0.25
REDIS_SOCKET_TIMEOUT = 1.0
# An unknown code is remembered this long, so scanners guessing codes do not reach PostgreSQL.
UNKNOWN_CODE_SECONDS = 300

_local = threading.local()


# --- Redis: client and keys ---


def click_redis_url() -> str:
    return getattr(settings, "CLICK_REDIS_URL", None) or (
        getattr(settings, "REDIS_URL", "") or "redis://127.0.0.1:6379/0"
    )


def click_redis() -> redis.Redis:
    """The click store's client: one connection of its own per thread and process (no pool
    check-out on the redirect's path, a third of the client's cost; nothing shared across
    gunicorn's fork). Raises ``redis.RedisError`` when Redis cannot be reached."""
    key = (os.getpid(), click_redis_url())
    clients: dict[tuple[int, str], redis.Redis] = _local.__dict__.setdefault("clients", {})
    client = clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            key[1],
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
            socket_timeout=REDIS_SOCKET_TIMEOUT,
            health_check_interval=30,
            single_connection_client=True,
        )
        clients[key] = client
    return client


def click_key(*parts: str) -> str:
    """``<CLICK_REDIS_PREFIX>:<database name>:<parts…>``: each database (a test run, the bench,
    production) has its own keys even when they share a Redis database."""
    base = getattr(settings, "CLICK_REDIS_PREFIX", "io:clicks")
    # The connection's settings dict (the test runner renames it to the test database).
    return ":".join([base, str(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"]), *parts])


def link_key(code: str) -> str:
    return click_key("link", code)


# --- destinations ---


def destination_with_utm(*, url: str, medium: str, campaign: str, content: str) -> str:
    """``url`` with our UTM tags: other query parameters and the fragment are kept in order,
    UTM tags already in ``url`` are replaced (the link decides the attribution)."""
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in UTM_KEYS
    ]
    query += [
        ("utm_source", UTM_SOURCE),
        ("utm_medium", medium),
        ("utm_campaign", campaign),
        ("utm_content", content),
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _medium(enrollment: Enrollment, program: Program) -> str:
    """The one platform the creator posts on (their terms, else the program), else "social"."""
    terms = enrollment.terms_version
    items = terms.snapshot.get("deliverables", []) if terms is not None else []
    platforms = {item.get("platform") for item in items if item.get("platform")}
    if len(platforms) != 1:
        platforms = set(program.platforms or [])
    return platforms.pop() if len(platforms) == 1 else "social"


def _destination(enrollment: Enrollment, program: Program, code: str) -> str:
    base = (getattr(program, "destination_url", "") or "").strip() or DEFAULT_DESTINATION
    destination = destination_with_utm(
        url=base,
        medium=_medium(enrollment, program),
        campaign=slugify(program.name) or f"program-{program.pk}",
        content=code,
    )
    if len(destination) > DESTINATION_MAX:
        raise Conflict(
            gettext(
                "The destination address of %(name)s is too long once tracking tags "
                "are added: shorten it by %(value)s characters."
            )
            % {"name": program.name, "value": len(destination) - DESTINATION_MAX}
        )
    return destination


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


# --- services ---


@transaction.atomic
def links_create_for_program(*, program: Program) -> list[TrackedLink]:
    """A tracked link for every active enrollment of ``program`` that has none; returns the new
    ones. Idempotent. Called at launch, where the program row is locked; the Redis mapping is
    written after commit."""
    enrollments = (
        Enrollment.objects.select_related("terms_version")
        .filter(
            organization_id=program.organization_id,
            program=program,
            state=EnrollmentState.ACTIVE,
            tracked_link__isnull=True,
        )
        .order_by("pk")
    )
    rows = []
    for enrollment in enrollments:
        code = new_code()
        rows.append(
            TrackedLink(
                organization_id=program.organization_id,
                enrollment=enrollment,
                code=code,
                destination=_destination(enrollment, program, code),
            )
        )
    created = TrackedLink.objects.bulk_create(rows)
    _cache_after_commit(created)
    return created


@transaction.atomic
def link_deactivate(*, link: TrackedLink, actor: Any = None) -> TrackedLink:
    """Stop the link: from commit on, ``/r/<code>`` answers 404 and records nothing.
    Idempotent (a second call changes and audits nothing)."""
    changed = TrackedLink.objects.filter(
        pk=link.pk, organization_id=link.organization_id, active=True
    ).update(active=False)
    link.active = False
    if changed:
        audit_record(
            organization=link.organization,
            actor=actor,
            verb=AuditVerb.TRACKED_LINK_DEACTIVATED,
            target=link,
            before={"active": True},
            after={"active": False},
        )
    _cache_after_commit([link])
    return link


@transaction.atomic
def links_refresh_destination(*, program: Program) -> int:
    """Recompute the destination of every link of ``program`` (after its destination URL
    changed); codes stay. Returns how many links changed."""
    links = list(
        TrackedLink.objects.select_related("enrollment__terms_version").filter(
            organization_id=program.organization_id, enrollment__program=program
        )
    )
    changed = []
    for link in links:
        destination = _destination(link.enrollment, program, link.code)
        if destination != link.destination:
            link.destination = destination
            changed.append(link)
    TrackedLink.objects.bulk_update(changed, ["destination"])
    _cache_after_commit(changed)
    return len(changed)


# --- the Redis mapping ---


def link_cache_put(*, link: TrackedLink) -> None:
    """Write the mapping code → (link id, org id, destination, active), replacing what was
    there (including a remembered "unknown")."""
    link_cache_put_many(links=[link])


def link_cache_put_many(*, links: Iterable[TrackedLink], chunk: int = 500) -> None:
    """``link_cache_put`` for many links, ``chunk`` to a round trip (each one atomic)."""
    rows = list(links)
    client = click_redis()
    for start in range(0, len(rows), chunk):
        pipe = client.pipeline(transaction=True)
        for link in rows[start : start + chunk]:
            key = link_key(link.code)
            pipe.delete(key)
            pipe.hset(
                key,
                mapping={
                    "id": link.pk,
                    "org": link.organization_id,
                    "dest": link.destination,
                    "active": "1" if link.active else "0",
                },
            )
        pipe.execute()


def link_cache_put_unknown(*, code: str) -> None:
    """Remember for a while that ``code`` is no link (an inactive entry that expires)."""
    key = link_key(code)
    pipe = click_redis().pipeline(transaction=True)
    pipe.hset(key, mapping={"active": "0"})
    pipe.expire(key, UNKNOWN_CODE_SECONDS)
    pipe.execute()


def _cache_put_many(links: Iterable[TrackedLink]) -> None:
    try:
        link_cache_put_many(links=links)
    except redis.RedisError:
        # The table is the truth: the first click rebuilds a missing entry, the daily refresh
        # a stale one.
        logger.warning("Could not write tracked links to Redis", exc_info=True)


def _cache_after_commit(links: list[TrackedLink]) -> None:
    if links:
        transaction.on_commit(lambda: _cache_put_many(links))


def links_cache_refresh(*, organization: Any) -> int:
    """Rewrite the Redis mapping of every link of ``organization`` from the table (run inside
    its scope). Returns how many entries were written."""
    links = list(
        TrackedLink.objects.filter(organization_id=organization.pk).only(
            "pk", "organization_id", "code", "destination", "active"
        )
    )
    _cache_put_many(links)
    return len(links)
