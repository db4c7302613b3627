"""The WSGI application of ``bench/redirect.py``'s server: the deployed one (``config.wsgi``:
the lean ``/r/<code>`` in front of Django) behind a minimal WSGI baseline (never part of the
app):

- ``/r/wsgi/<code>``: the same 302 as a tracked link — same ``Location`` and the same headers
  (the lean path's own template) — from a WSGI function that does nothing else: what the
  server, the HTTP exchange and WSGI itself cost.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from config.wsgi import application as deployed
from tracking.clicks.lean import redirect_headers

DESTINATION = os.environ.get("BENCH_BARE_DESTINATION", "https://example.com/")
HEADERS = [("Location", DESTINATION), ("Expires", "0"), *redirect_headers(secure=False)]
BODY = [b""]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO", "").startswith("/r/wsgi/"):
        start_response("302 Found", HEADERS)
        return BODY
    return deployed(environ, start_response)
