"""Every page a demo role may use is reachable by clicking from that role's landing page.

The demo is seeded once (about 40 s); then each demo login crawls from ``/`` (see ``crawl.py``):
links, htmx GETs and GET forms, GET only. Afterwards, for every GET page route the crawl did not
reach, the test asks whether the role *may* use it: a GET with the ids of the demo's objects (the
id's model comes from the probe's route table, ``tests/config/test_probe.py``: ``SEGMENT_MODELS``
and ``KWARG_MODELS``, so a new route is mapped in one place) answering 200 means usable. A usable
route the crawl did not reach is a page nobody links to for that role, and fails the test.

``KNOWN_UNREACHABLE`` lists the pairs unreachable today with the reason; the test also fails when
a listed pair is in fact reached, so the list can only shrink. Every crawled page must answer
without a 5xx, and no link may lead to a 404, a 405 or a 403.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import get_resolver, reverse

from demo.people import STAFF
from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import MFA_ROLES
from tests.config.crawl import CrawlResult, crawl
from tests.config.test_probe import STR_VALUES, Route, _methods, _walk, collect_routes
from tests.factories import with_totp

pytestmark = pytest.mark.django_db

# The demo logins crawled: every staff role of Northwind (the admin is also Acme's), and every
# creator with a portal login (Cara works with both demo orgs, Maya with Northwind, Leo with Acme).
STAFF_LOGINS = {
    "admin": "admin@demo.test",
    "ism": "ism@demo.test",
    "bsm": "bsm@demo.test",
    "brand_manager": "brand@demo.test",
    "approver": "approver@demo.test",
    "analyst": "analyst@demo.test",
}
CREATOR_LOGINS = {"creator": "creator@demo.test", "maya": "maya@demo.test", "leo": "leo@demo.test"}

# Page routes that are not reached by clicking inside the product, and why.
NOT_PAGES = {
    "home": "the landing redirect itself: the crawl starts there",
    "org_switcher": "the header's organization menu on every page lists the same links",
    "healthz": "the load balancer's probe",
    "tracked_redirect": "the creator's audience follows it from a post; it counts a click",
    "invitation_accept": "opened from the invitation e-mail (a secret token)",
    "creator_link_accept": "opened from the portal invitation e-mail (a secret token)",
    "calendar_feed": "a calendar app fetches it at its secret address (on the calendar pages)",
    # The demo's versions carry images now: their thumbnails are <img src> of the content
    # pages and the inbox (each links its full-size file), not pages of their own.
    "content_media_thumbnail": "an image on the review pages and the approvals inbox",
    "portal_media_thumbnail": "an image on the creator's deliverable page",
    "portal_data_download": "opened from the data export's e-mail (a signed link)",
}
SKIP_PREFIXES = ("admin/", "accounts/", "api/", "__")
# The ids tried per route when the crawl did not reach it (the first 200 decides).
IDS_PER_ROUTE = 40

# (role, route name): why the role cannot click its way there today. Owned areas are fixed when
# their branches are merged; the test fails once a pair here is reached, so remove it then.
KNOWN_UNREACHABLE: dict[tuple[str, str], str] = {}
# (role, route name): a link that leads this role to a 404/403 page today, and why.
KNOWN_BROKEN: dict[tuple[str, str], str] = {}


@dataclass
class Login:
    role: str
    user: Any
    org_slugs: list[str]  # the orgs whose pages the login may open (empty for a creator)


def _logins() -> list[Login]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    logins = []
    for role, email in STAFF_LOGINS.items():
        user = users.get(email=email)
        slugs = sorted({slug for mail, _n, slug, *_ in STAFF if mail == email})
        if role in MFA_ROLES:
            with_totp(user)  # the demo org requires MFA of these roles
        logins.append(Login(role, user, slugs))
    for role, email in CREATOR_LOGINS.items():
        logins.append(Login(role, users.get(email=email), []))
    return logins


# --- which routes a login may use ---


def page_routes() -> list[Route]:
    """The page routes (not the API), each with the model of its int kwargs."""
    with_kwargs, _unmapped = collect_routes()  # the probe fails on an unmapped one
    plain = [
        Route(item.name, text, [], _methods(item), "me" if text.startswith("portal/") else "login")
        for text, kwargs, item in _walk(get_resolver().url_patterns)
        if item.name and not kwargs and not text.startswith(SKIP_PREFIXES)
    ]
    pages = [r for r in [*with_kwargs, *plain] if r.name not in NOT_PAGES and "GET" in r.methods]
    return [r for r in pages if not r.pattern.startswith(SKIP_PREFIXES)]


def _owned(model: type[Model], user: Any) -> dict[str, Any]:
    """How a portal object belongs to the signed-in creator."""
    paths = {
        "Enrollment": "creator__user",
        "Deliverable": "enrollment__creator__user",
        "ComplianceCase": "enrollment__creator__user",
        "Payout": "creator__user",
        "Availability": "profile__user",
        "ProgramInterest": "profile__user",
        "Thread": "creator__user",
        "SubmissionMedia": "submission__deliverable__enrollment__creator__user",
        "TimeEntry": "creator__user",
    }
    return {paths[model.__name__]: user}


def _candidates(route: Route, login: Login) -> list[dict[str, Any]]:
    """kwargs to try: each org of the login times the ids of the route's model there."""
    staff = bool(login.org_slugs)
    if (route.scope == "org" and not staff) or (route.scope == "me" and staff):
        return []  # staff pages for staff, the portal for creators
    scopes = [{"org_slug": slug} for slug in login.org_slugs] if route.scope == "org" else [{}]
    int_kwargs = list(route.models)
    if len(int_kwargs) > 1:
        return []  # nested ids: only POST actions today (spec, tax form, availability removal)
    extra = {name: value for name, value in STR_VALUES.items() if name in route.kwargs}
    found = []
    for scope in scopes:
        if not int_kwargs:
            found.append({**scope, **extra})
            continue
        model = route.models[int_kwargs[0]]
        if route.scope == "org":
            objects = model._default_manager.filter(organization__slug=scope["org_slug"])
        else:
            objects = model._default_manager.filter(**_owned(model, login.user))
        ids = list(objects.order_by("pk").values_list("pk", flat=True))
        step = max(1, len(ids) // IDS_PER_ROUTE)  # spread over the whole table (every brand)
        found += [{**scope, **extra, int_kwargs[0]: pk} for pk in ids[::step]]
    return found


def usable(client: Client, name: str, candidates: list[dict[str, Any]]) -> bool:
    """A 200 for one of the candidates; a 403 (the role's capability) ends the search."""
    for kwargs in candidates:
        status = client.get(reverse(name, kwargs=kwargs)).status_code
        if status in (200, 403):
            return status == 200
    return False


def unreached_but_usable(
    client: Client, login: Login, result: CrawlResult, routes: list[Route]
) -> set[str]:
    reached = result.reached()
    missing = set()
    for route in routes:
        if route.name in reached:
            continue
        with dangerously_unscoped():
            candidates = _candidates(route, login)
        if usable(client, route.name, candidates):
            missing.add(route.name)
    return missing


# --- the test ---


def test_every_page_a_demo_role_may_use_is_reached_by_clicking() -> None:
    call_command("seed_demo", stdout=StringIO())
    with dangerously_unscoped():
        logins = _logins()
    routes = page_routes()
    started = time.monotonic()
    unreachable: dict[str, set[str]] = {}
    problems: list[tuple[str, str, str]] = []
    timings = []
    for login in logins:
        client = Client()
        client.force_login(login.user)
        begun = time.monotonic()
        result = crawl(client)
        assert not result.truncated, f"{login.role}: the crawl hit its bound"
        problems += [(login.role, route, text) for route, text in result.problems()]
        unreachable[login.role] = unreached_but_usable(client, login, result, routes)
        seconds = time.monotonic() - begun
        reached = len(result.reached())
        timings.append(
            f"{login.role}: {len(result.fetches)} fetches, {reached} routes, {seconds:.1f}s"
        )
    print(f"crawl: {time.monotonic() - started:.1f} s;", "; ".join(timings))
    found = {(role, name) for role, names in unreachable.items() for name in names}
    broken = {(role, route) for role, route, _text in problems}
    report = [
        *(f"{role}: {text}" for role, route, text in problems if (role, route) not in KNOWN_BROKEN),
        *(f"usable but not linked: {r} -> {n}" for r, n in sorted(found - set(KNOWN_UNREACHABLE))),
        *(f"reached now, drop from KNOWN_UNREACHABLE: {p}" for p in set(KNOWN_UNREACHABLE) - found),
        *(f"fixed now, drop from KNOWN_BROKEN: {pair}" for pair in set(KNOWN_BROKEN) - broken),
    ]
    assert not report, "\n".join(report)
