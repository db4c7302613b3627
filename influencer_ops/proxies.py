"""The client's address behind the reverse proxies we run: one helper for every reader (the
sign-in rate limits, the click redirect).

``TRUSTED_PROXY_COUNT`` proxies sit in front of the app, each appending the address it was
reached from to ``X-Forwarded-For``. The client's address is the entry the outermost of them
wrote, the N-th from the right; entries further left are whatever the client chose to send.
With no proxy trusted (the default) the header is ignored and ``REMOTE_ADDR`` is the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, or ``""`` when there is none (gunicorn on a unix socket, reached
    without a proxy). A header with fewer entries than trusted hops did not come through all
    our proxies: its entries are not trusted and the direct peer's address is the answer."""
    return client_ip_of(request.META)


def client_ip_of(meta: Mapping[str, Any]) -> str:
    """``client_ip`` from a request's META or a WSGI environ (the lean redirect has no request)."""
    proxies: int = settings.TRUSTED_PROXY_COUNT
    remote: str = meta.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
