"""Which pages the axe test opens: for each demo login, the pages it reaches by clicking from its
landing page (``tests/config/crawl.py``'s link parser), one per URL pattern (route name) so the
run stays short; plus one desk task page of each task kind, which share one route."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.test import Client

from tests.config.crawl import LinkParser, _normalise, route_of


@dataclass(frozen=True)
class Page:
    url: str
    route: str
    source: str  # the page that links to it


def discover(client: Client, start: str = "/", *, max_fetches: int = 400) -> list[Page]:
    """Full pages (not htmx fragments) that answer 200, the first URL of each route, breadth
    first from ``start``. htmx GETs are followed for their links but not returned."""
    pages: list[Page] = []
    queue: deque[tuple[str, str, bool]] = deque([(start, "(start)", False)])
    seen_urls = {start}
    seen_routes: set[str] = set()
    fetches = 0
    while queue and fetches < max_fetches:
        url, source, htmx = queue.popleft()
        fetches += 1
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        found: list[tuple[str, bool]] = []
        if response.status_code in (301, 302, 303, 307, 308):
            found = [(response["Location"], False)]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            route = route_of(urlsplit(url).path) or url
            if not htmx:
                pages.append(Page(url, route, source))
            parser = LinkParser()
            parser.feed(response.content.decode())
            found = parser.links
        for href, by_htmx in found:
            target = _normalise(href, url)
            if target is None or target in seen_urls:
                continue
            route = route_of(urlsplit(target).path) or target
            key = f"{route}{' htmx' if by_htmx else ''}"
            if key in seen_routes:
                continue  # one URL per pattern: the same template with other ids or filters
            seen_urls.add(target)
            seen_routes.add(key)
            queue.append((target, url, by_htmx))
    return pages
