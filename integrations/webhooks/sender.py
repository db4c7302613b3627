"""One HTTP POST of a delivery: to an address checked by ``safety`` (pinned, with the URL's
host name for TLS and the Host header), short timeouts, no redirects followed, no retries
(the schedule retries), at most ``MAX_RESPONSE_BYTES`` of the answer read.

Connections are kept alive and reused, in one small pool per (scheme, *checked address*,
port, host name) per process: the address is still resolved and checked before every POST,
and a host whose DNS answer changes gets a pool of its own, so reuse never skips the SSRF
check nor connects anywhere the check did not allow. At most ``MAX_POOLS`` are kept (the
least recently used is closed)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from influencer_ops.errors import DomainError
from integrations.webhooks.safety import checked_addresses

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "InfluencerOps-Webhooks/1"
POOL_SIZE = 10  # connections kept per pool: as many as a batch sends at once
MAX_POOLS = 64

PoolKey = tuple[str, str, int, str]
_pools: OrderedDict[PoolKey, urllib3.HTTPConnectionPool] = OrderedDict()
_pools_lock = threading.Lock()


def _new_pool(key: PoolKey) -> urllib3.HTTPConnectionPool:
    scheme, address, port, host = key
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=POOL_SIZE,
            server_hostname=host,
            assert_hostname=host,
        )
    return urllib3.HTTPConnectionPool(
        address, port, timeout=timeout, retries=False, maxsize=POOL_SIZE
    )


def pool_for(key: PoolKey) -> urllib3.HTTPConnectionPool:
    """The process's pool for ``key`` (created on first use; thread-safe)."""
    with _pools_lock:
        pool = _pools.get(key)
        if pool is not None:
            _pools.move_to_end(key)
            return pool
        pool = _pools[key] = _new_pool(key)
        evicted = _pools.popitem(last=False)[1] if len(_pools) > MAX_POOLS else None
    if evicted is not None:
        evicted.close()
    return pool


def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


@dataclass(frozen=True)
class Outcome:
    status: int | None  # the HTTP status, None when no answer came
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        address = checked_addresses(url)[0]
    except DomainError as exc:
        return Outcome(None, elapsed(), f"refused: {exc}"[:300])
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    pool = pool_for(("https" if https else "http", address, port, host))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {
        **headers,
        "Host": parts.netloc.rpartition("@")[2],
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
    }
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers=sent,
            redirect=False,
            retries=False,
            preload_content=False,
        )
        try:
            response.read(MAX_RESPONSE_BYTES)
            if response.length_remaining != 0:
                response.close()  # an answer left unread: never reuse that connection
        finally:
            response.release_conn()
        return Outcome(response.status, elapsed())
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Outcome(None, elapsed(), f"{type(exc).__name__}: {exc}"[:300])
