"""The signature of every delivery, and its check (what a receiver does; see docs/api.md).

``X-InfluencerOps-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, f"{t}.{body}")>``.
A receiver recomputes the HMAC over the raw body and refuses a timestamp older than
``REPLAY_WINDOW_SECONDS``; the event id (``X-InfluencerOps-Event-Id``) deduplicates retries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-InfluencerOps-Signature"
EVENT_ID_HEADER = "X-InfluencerOps-Event-Id"
EVENT_TYPE_HEADER = "X-InfluencerOps-Event"
DELIVERY_ID_HEADER = "X-InfluencerOps-Delivery"
REPLAY_WINDOW_SECONDS = 300


def new_secret() -> str:
    return secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str, header: str, body: bytes, *, now: int, window: int = REPLAY_WINDOW_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``window`` seconds of ``now``."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > window:
        return False
    expected = signature(secret, timestamp, body).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
