"""The attribution id a tracked link hands to the shop: ``io_ref=<link code>``.

The redirect appends it to the destination; the shop keeps it with the order (Shopify: the
landing site's query or a note attribute) and sends it back, and ``commerce`` attributes the
order to the link's enrollment. The id is the link's public code, so it says nothing the link
did not already say."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ATTRIBUTION_PARAM = "io_ref"


def with_attribution(destination: str, code: str) -> str:
    """``destination`` with ``io_ref=<code>`` in its query (replacing one already there),
    the rest of the query, its order and the fragment kept."""
    parts = urlsplit(destination)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != ATTRIBUTION_PARAM
    ]
    query.append((ATTRIBUTION_PARAM, code))
    return urlunsplit(parts._replace(query=urlencode(query)))


def attribution_of(url_or_query: str) -> str:
    """The ``io_ref`` a landing URL (or a bare query string) carries; "" when none."""
    query = urlsplit(url_or_query).query if "?" in url_or_query else url_or_query.lstrip("?")
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == ATTRIBUTION_PARAM:
            return value.strip()
    return ""
