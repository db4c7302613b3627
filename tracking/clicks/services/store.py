"""The click queue in Redis and its landing in PostgreSQL: the Lua scripts, their keys, the
queued-click format, and the one insert that lands clicks exactly once (by event id)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import hiredis
import redis
from django.db import connection
from redis.commands.core import Script

from influencer_ops.incoming import incoming
from tracking.links.services import click_key, click_redis
from tracking.models import ClickEvent, TrackedLink

logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A processing list this old belongs to a flush that died (the task's time limit is 120 s).
ABANDONED_AFTER_SECONDS = 300

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


def run_script(script: Script, keys: list[str], args: list[Any]) -> Any:
    return script(keys=keys, args=args, client=click_redis())


def run_record(keys: list[str], args: list[Any]) -> Any:
    """``RECORD``, on the redirect's path: the same ``EVALSHA`` as ``run_script``, packed by
    hiredis and sent on the thread's own connection without redis-py's per-command machinery
    (encoders, retry wrapper, metrics: half of the client's CPU per click). Same failures: a
    connection error disconnects and raises ``redis.RedisError`` (no retry, as the client is
    configured); a Redis that lost the script gets it loaded by ``run_script``."""
    client = click_redis()
    conn = client.connection
    if conn is not None:
        packed = hiredis.pack_command(("EVALSHA", RECORD.sha, len(keys), *keys, *args))
        with client.single_connection_lock:
            try:
                conn.send_packed_command([packed])
                return conn.read_response()
            except redis.exceptions.NoScriptError:
                pass
    return run_script(RECORD, keys, args)


def reconnect_if_stale() -> None:
    """Make sure the click store's connection is live: the first command on a connection to a
    Redis that restarted fails and drops it, and redis-py does not retry (retrying a script that
    moves data could run it twice). A PING is safe to repeat: one more connects afresh. Raises
    ``redis.RedisError`` when Redis is really down."""
    client = click_redis()
    try:
        client.ping()
    except redis.ConnectionError:
        client.ping()


def queue_key() -> str:
    return click_key("queue")


def processing_index_key() -> str:
    return click_key("processing")


@dataclass(frozen=True)
class QueuedClick:
    event_id: str
    link_id: int
    organization_id: int
    at: datetime
    filter_reason: str
    client_hash: str


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def parse_queued(raw: bytes) -> QueuedClick | None:
    try:
        event_id, link_id, org_id, micros, reason, hashed = raw.decode().split(" ")
        return QueuedClick(
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


# From this many clicks on, a batch travels to PostgreSQL by COPY into a temporary table of the
# transaction rather than as array literals (influencer_ops.incoming, bench/flush.py).
COPY_FROM = 200
_INCOMING = "tracking_clicks_incoming"
_COLUMNS = (
    ("org_id", "bigint"),
    ("link_id", "bigint"),
    ("at", "timestamptz"),
    ("reason", "text"),
    ("hash", "text"),
    ("id", "text"),
    ("n", "integer"),
)


def _incoming(cursor: Any, events: list[QueuedClick]) -> tuple[str, list[Any]]:
    """A FROM item ``e`` with the columns (org_id, link_id, at, reason, hash, id, n) for
    ``events``, and its parameters."""
    rows = [
        (e.organization_id, e.link_id, e.at, e.filter_reason, e.client_hash, e.event_id, n)
        for n, e in enumerate(events)
    ]
    return incoming(cursor, _INCOMING, _COLUMNS, rows, alias="e", copy_from=COPY_FROM)


def insert_events(events: list[QueuedClick]) -> list[tuple[int, bool]]:
    """INSERT … ON CONFLICT (event_id, at) DO NOTHING (a queued click carries its ``at``, the
    partition key) in event-id order, so that two flushes inserting the same events never
    deadlock; clicks of links that do not exist (or not in the click's org) are dropped by the
    same statement. Returns (link id, valid) of the new rows. Inside a scope that sees the
    events' orgs, in a transaction."""
    if not events:
        return []
    events = sorted(events, key=lambda event: event.event_id)
    table = connection.ops.quote_name(ClickEvent._meta.db_table)
    links = connection.ops.quote_name(TrackedLink._meta.db_table)
    with connection.cursor() as cursor:
        source, params = _incoming(cursor, events)
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608  (the table names are ours)
            "(organization_id, link_id, at, valid, filter_reason, client_hash, event_id) "
            "SELECT e.org_id, e.link_id, e.at, e.reason = '', e.reason, e.hash, e.id "
            f"FROM {source} "
            f"JOIN {links} l ON l.id = e.link_id AND l.organization_id = e.org_id ORDER BY e.n "
            "ON CONFLICT (event_id, at) DO NOTHING RETURNING link_id, valid",
            params,
        )
        rows = [(int(link_id), bool(valid)) for link_id, valid in cursor.fetchall()]
    return rows
