"""Phones: on the demo (seed_demo), every page a role reaches from the sidebar and a program's
tabs fits a 320 × 640 screen — nothing scrolls sideways. One staff role per family of pages
(admin, ISM, BSM, approver) and a creator; each page's offenders (the elements sticking out)
are listed when it fails.

The pages are found with the test client (the links of the sidebar, then of the program list
and each program's tab bar); the browser then opens each one at 320 px."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import MFA_ROLES, Role
from tests.factories import with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES: list[tuple[str, Role | None]] = [
    ("admin@demo.test", Role.ADMIN),
    ("ism@demo.test", Role.ISM),
    ("bsm@demo.test", Role.BSM),
    ("approver@demo.test", Role.APPROVER),
    ("creator@demo.test", None),
]
PROGRAM = re.compile(r"^/orgs/[^/]+/programs/\d+/$")
PROGRAMS_PER_ROLE = 2  # the first programs listed: each tab's layout, not every program

# The elements that stick out past the screen's right edge, deepest first, outside any
# scroller (a wide table inside an overflow wrapper does not move the page).
OFFENDERS_JS = """() => {
  const limit = window.innerWidth + 1;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit || clipped(el)) continue;
    const kids = [...el.children].some((c) => c.getBoundingClientRect().right > limit);
    if (!kids) out.push(name(el) + ' (' + Math.round(box.right) + 'px): ' +
      (el.textContent || '').trim().slice(0, 40));
  }
  return out.slice(0, 5);
}"""
FITS_JS = "document.documentElement.scrollWidth <= window.innerWidth + 1"


class Links(HTMLParser):
    """The hrefs inside a given element (by tag and attribute), or of the whole page."""

    def __init__(self, tag: str = "", attr: tuple[str, str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.attr = tag, attr
        self.depth = 0 if tag else 1
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if self.depth:
            if tag == self.tag:
                self.depth += 1
            if tag == "a" and found.get("href"):
                self.hrefs.append(str(found["href"]))
        elif tag == self.tag and self.attr and found.get(self.attr[0]) == self.attr[1]:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.tag and self.depth and tag == self.tag:
            self.depth -= 1


def _hrefs(html: str, tag: str = "", attr: tuple[str, str] | None = None) -> list[str]:
    parser = Links(tag, attr)
    parser.feed(html)
    return [h for h in parser.hrefs if h.startswith("/") and not h.startswith("/accounts/")]


def _client(email: str, role: Role | None) -> Client:
    with dangerously_unscoped():
        user = get_user_model().objects.get(email=email)
        if role in MFA_ROLES:
            with_totp(user)  # the demo org asks these roles for two-factor sign-in
    client = Client()
    client.force_login(user)
    return client


def _pages(client: Client, home: str) -> list[str]:
    """The role's home, every sidebar entry, and the tabs of a few programs; for a creator
    (whose sidebar is the portal's home), one page of each kind the portal home links to."""
    start = client.get(home).content.decode()
    if home == "/portal/":
        kinds: dict[str | None, str] = {}
        for href in _hrefs(start):
            if href.startswith("/portal/"):
                kinds.setdefault(resolve(href.split("?")[0]).url_name, href)
        return [home, *kinds.values()]
    pages = [home, *_hrefs(start, "nav", ("id", "site-nav"))]
    programs: list[str] = []
    for url in list(pages):
        if url.endswith("/programs/"):
            listing = client.get(url).content.decode()
            programs += [h for h in _hrefs(listing) if PROGRAM.match(h)]
    for program in list(dict.fromkeys(programs))[:PROGRAMS_PER_ROLE]:
        tabs = _hrefs(client.get(program).content.decode(), "nav", ("aria-label", "Program"))
        pages += [program, *tabs]
    return list(dict.fromkeys(pages))


def test_nothing_scrolls_sideways_at_320_px_on_any_page(live_server: Any, browser: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    offenders: list[str] = []
    opened: set[str] = set()
    for email, role in ROLES:
        client = _client(email, role)
        home = "/portal/" if role is None else "/orgs/northwind/"
        found = _pages(client, home)
        assert len(found) > 3, (email, found)  # the discovery found the sidebar
        # A page another staff role opened already is the same layout: once is enough.
        pages = [p for p in found if p not in opened or p == home]
        context = browser.new_context(viewport={"width": 320, "height": 640})
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (email, path)
            opened.add(path)
            if not page.evaluate(FITS_JS):
                width = page.evaluate("document.documentElement.scrollWidth")
                found = "; ".join(page.evaluate(OFFENDERS_JS))
                offenders.append(f"{email} {path}: {width}px wide — {found}")
        context.close()
    assert len(opened) > 30
    assert not offenders, "pages wider than 320 px:\n" + "\n".join(offenders)
