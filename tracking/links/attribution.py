"""Attribution of orders to tracked links: the redirect tells the destination which link sent
the visitor, as ``io_ref=<link code>`` in the query string (an order carrying it back is
attributed to that link's enrollment)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ATTRIBUTION_PARAM = "io_ref"


def with_attribution(destination: str, code: str) -> str:
    """``destination`` with ``io_ref=<code>`` appended to its query (an ``io_ref`` already there
    is replaced; other parameters and the fragment are kept in order). On the redirect's path:
    a plain string splice unless the destination already names ``io_ref``."""
    if f"{ATTRIBUTION_PARAM}=" not in destination:
        base, hash_, fragment = destination.partition("#")
        joiner = "" if base.endswith(("?", "&")) else ("&" if "?" in base else "?")
        return f"{base}{joiner}{urlencode({ATTRIBUTION_PARAM: code})}{hash_}{fragment}"
    parts = urlsplit(destination)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != ATTRIBUTION_PARAM
    ]
    query.append((ATTRIBUTION_PARAM, code))
    return urlunsplit(parts._replace(query=urlencode(query)))
