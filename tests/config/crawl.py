"""A small crawler for the reachability test: from a landing page, follow what a person can click
(``<a href>``, htmx GETs, GET forms) and the redirects, as one signed-in test client.

Only GET, only this site, never into the allauth, admin or API areas. Each URL is fetched once;
each fetch is remembered with the page that linked to it, so a broken link names its source."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Areas a person does not reach through the product's own pages (allauth has its own tests),
# and the click redirect, which counts a click on every visit.
SKIP_PREFIXES = ("/accounts/", "/admin/", "/api/", "/static/", "/media/", "/r/", "/__")
SITE_HOSTS = ("", "testserver")


class LinkParser(HTMLParser):
    """Everything a click can GET: links, htmx GETs (plain and ``data-``) and GET forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, bool]] = []  # (href, fetched by htmx)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("hx-get", "data-hx-get"):
            if found.get(name):
                self.links.append((str(found[name]), True))
        if tag == "a" and found.get("href"):
            self.links.append((str(found["href"]), False))
        if tag == "form" and (found.get("method") or "get").lower() == "get":
            self.links.append((str(found.get("action") or ""), False))


@dataclass
class Fetch:
    url: str
    status: int
    route: str | None
    source: str  # the page whose link (or redirect) led here


@dataclass
class CrawlResult:
    fetches: list[Fetch] = field(default_factory=list)
    truncated: bool = False

    def reached(self) -> set[str]:
        """Route names that answered 200 at least once."""
        return {f.route for f in self.fetches if f.status == 200 and f.route}

    def problems(self) -> list[tuple[str, str]]:
        """(route, what): server errors anywhere, and links that lead nowhere (404, 405) or to
        a refusal (403)."""
        return [
            (f.route or "", f"{f.status} {f.url} (linked from {f.source})")
            for f in self.fetches
            if f.status >= 500 or f.status in (403, 404, 405)
        ]


def route_of(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def _normalise(href: str, page: str) -> str | None:
    """The same-site URL a link points to, without its fragment; None for anything else."""
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    target = urlsplit(urljoin(page, href))
    if target.scheme not in ("", "http", "https") or target.netloc not in SITE_HOSTS:
        return None
    if not target.path.startswith("/") or target.path.startswith(SKIP_PREFIXES):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


def crawl(client: Client, start: str = "/", *, max_fetches: int = 3000) -> CrawlResult:
    """Breadth-first from ``start``; stops after ``max_fetches`` (``truncated`` then says so)."""
    result = CrawlResult()
    queue: deque[tuple[str, str, bool]] = deque([(start, "(start)", False)])
    seen = {start}
    while queue:
        if len(result.fetches) >= max_fetches:
            result.truncated = True
            break
        url, source, htmx = queue.popleft()
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        path = urlsplit(url).path
        result.fetches.append(Fetch(url, response.status_code, route_of(path), source))
        found: list[tuple[str, str, bool]] = []
        if response.status_code in (301, 302, 303, 307, 308):
            found = [(response["Location"], f"redirect from {url}", False)]
        elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = LinkParser()
            parser.feed(response.content.decode())
            found = [(href, url, by_htmx) for href, by_htmx in parser.links]
        for href, origin, by_htmx in found:
            target = _normalise(href, url)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append((target, origin, by_htmx))
    return result
