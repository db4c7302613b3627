"""One HTTP POST of a delivery: to an address checked by ``safety`` (pinned, with the URL's
host name for TLS and the Host header), short timeouts, no redirects followed, no retries
(the schedule retries), at most ``MAX_RESPONSE_BYTES`` of the answer read."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from influencer_ops.errors import DomainError
from integrations.webhooks.safety import checked_addresses

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4096
USER_AGENT = "InfluencerOps-Webhooks/1"


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
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    pool: urllib3.HTTPConnectionPool
    if https:
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)
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
        finally:
            response.release_conn()
        return Outcome(response.status, elapsed())
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        return Outcome(None, elapsed(), f"{type(exc).__name__}: {exc}"[:300])
    finally:
        pool.close()
