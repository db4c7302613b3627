"""axe-core (shipped by the ``axe-playwright-python`` package) over the demo, for every demo role.

The demo is seeded once; each login's pages are discovered by clicking from its landing page
(``axe_pages.discover``: one URL per route), plus one desk task of each kind and the account
pages. A route is checked once across the roles (by the first role that reaches it), each role's
home always. The homes and the desk are checked again at a phone's width (375 px), with the menu
closed and open, and the signed-out pages too. Rules: WCAG 2 A and AA, WCAG 2.1 A and AA and
axe's best practices; any violation fails the test, naming the page, the rule and the nodes."""

from __future__ import annotations

import time
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import MFA_ROLES, Role
from tests.browser.axe_pages import Page, discover

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
NODES_SHOWN = 5
# (login, e-mail, role or None for a creator, where the discovery starts)
LOGINS = [
    ("admin", "admin@demo.test", Role.ADMIN, "/orgs/northwind/"),
    ("ism", "ism@demo.test", Role.ISM, "/orgs/northwind/"),
    ("bsm", "bsm@demo.test", Role.BSM, "/orgs/northwind/"),
    ("brand_manager", "brand@demo.test", Role.BRAND_MANAGER, "/orgs/northwind/"),
    ("approver", "approver@demo.test", Role.APPROVER, "/orgs/northwind/"),
    ("analyst", "analyst@demo.test", Role.ANALYST, "/orgs/northwind/"),
    ("creator", "creator@demo.test", None, "/portal/"),
    ("maya", "maya@demo.test", None, "/portal/"),  # the one creator with a compliance case
]
# The header's account links (under /accounts/, which the discovery leaves to allauth's tests).
ACCOUNT_PAGES = ["account_preferences", "mfa_index"]
SIGNED_OUT = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
# Forms checked again after sending them empty: the page with its errors.
EMPTY_FORMS = {"program_create", "creator_new", "desk_announce", "portal_request_new"}
# What every page has besides axe's rules (Lighthouse's basics): a language, one h1, and a skip
# link first in the Tab order that leads to the main landmark.
BASICS = """() => {
  const first = document.querySelector('a[href], button, input, select, textarea, summary');
  const problems = [];
  if (!document.documentElement.lang) problems.push('no lang on <html>');
  const h1 = document.querySelectorAll('h1').length;
  if (h1 !== 1) problems.push(`${h1} h1 elements`);
  if (!first || !first.matches('a.skip-link[href="#main"]')) problems.push('no skip link first');
  if (!document.querySelector('main#main')) problems.push('no <main id="main">');
  return problems;
}"""
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def _client(email: str, role: Role | None) -> Client:
    from tests.factories import with_totp

    with dangerously_unscoped():
        user = get_user_model().objects.get(email=email)
        if role in MFA_ROLES:
            with_totp(user)  # the demo org requires MFA of these roles
    client = Client()
    client.force_login(user)
    return client


def _task_pages() -> list[Page]:
    """One desk task of each kind in Northwind (they share the ``desk_task`` route), an open one
    where there is one: its actions show only then. The demo has no overdue deliverable, so the
    daily reminder sweep is run for the day after the first open deliverable's due date."""
    from messaging.kinds import ACTIVE_TASK_STATES
    from messaging.models import Task
    from organizations.models import Organization
    from programs.deadlines.services.reminders import due_candidates, reminder_sweep

    with dangerously_unscoped():
        org = Organization.objects.get(slug="northwind")
        due = due_candidates(organization=org, first=date.min, last=date.max).order_by("due_on")
        first_due = due.values_list("due_on", flat=True).first()
        assert first_due is not None, "the demo has no open deliverable to be overdue"
        reminder_sweep(organization=org, today=first_due + timedelta(days=1))
        chosen: dict[str, tuple[bool, int]] = {}
        for kind, pk, state in (
            Task.objects.filter(organization=org).order_by("pk").values_list("kind", "pk", "state")
        ):
            closed = state not in ACTIVE_TASK_STATES
            if kind not in chosen or (chosen[kind][0] and not closed):
                chosen[kind] = (closed, pk)
    assert "deliverable_overdue" in chosen
    return [
        Page(reverse("desk_task", args=["northwind", pk]), f"desk_task ({kind})", "")
        for kind, (_closed, pk) in sorted(chosen.items())
    ]


def axe_report(page: Any, label: str) -> list[str]:
    """One line per violated rule on the page as it is now: the label, the rule, the nodes."""
    from axe_playwright_python.sync_playwright import Axe

    lines = []
    for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
        nodes = violation["nodes"]
        shown = "; ".join(
            f"{' '.join(map(str, n['target']))}: {n['html'][:160]}" for n in nodes[:NODES_SHOWN]
        )
        more = f" … and {len(nodes) - NODES_SHOWN} more" if len(nodes) > NODES_SHOWN else ""
        lines.append(f"{label} — {violation['id']} ({violation['impact']}): {shown}{more}")
    return lines


def _open(page: Any, url: str, label: str, status: int = 200) -> list[str]:
    """Open the page; the basics it lacks, each as a report line."""
    response = page.goto(url)
    assert response is not None and response.status == status, (label, url)
    return [f"{label} — {problem}" for problem in page.evaluate(BASICS)]


def _send_empty(page: Any, label: str) -> list[str]:
    """Send the page's first form empty (the browser's own checks off): axe on its errors."""
    with page.expect_navigation():
        page.evaluate(
            """() => { const form = document.querySelector('main form[method=post]');
                       form.noValidate = true; form.requestSubmit(); }"""
        )
    assert page.locator(".error, .form-errors").count(), f"{label}: no errors shown"
    return axe_report(page, f"{label} (sent empty)")


def _context(browser: Any, base: str, viewport: dict[str, int], client: Client | None) -> Any:
    context = browser.new_context(viewport=viewport)
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    context.set_default_timeout(15000)
    return context


def test_no_axe_violation_on_any_demo_page(live_server: Any, browser: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    tasks = _task_pages()
    base = live_server.url
    started = time.monotonic()
    discovering = 0.0
    checked: set[str] = set()
    report: list[str] = []
    for name, email, role, start in LOGINS:
        client = _client(email, role)
        begun = time.monotonic()
        pages = discover(client, start)
        discovering += time.monotonic() - begun
        if role in (Role.ADMIN, Role.ISM, Role.BSM):
            pages += tasks
        if name == "admin":
            pages += [Page(reverse(route), route, "the header") for route in ACCOUNT_PAGES]
        with _context(browser, base, DESKTOP, client) as context:
            page = context.new_page()
            for index, found in enumerate(pages):
                if found.route in checked and index > 0:  # the first page is the role's home
                    continue
                checked.add(found.route)
                label = f"[{name}] {found.route} {found.url}"
                report += _open(page, base + found.url, label)
                report += axe_report(page, label)
                if found.route in EMPTY_FORMS:
                    report += _send_empty(page, label)
            if name == "admin":  # the error page, signed in
                report += _open(page, f"{base}/orgs/northwind/programs/0/", "[admin] 404", 404)
                report += axe_report(page, "[admin] 404")
        # The home, and the desk where the role has one, on a phone: menu closed, then open.
        desk = [p.url for p in pages if p.route == "org_desk"][:1]
        with _context(browser, base, PHONE, client) as context:
            page = context.new_page()
            for url in [pages[0].url, *desk]:
                label = f"[{name}, phone] {url}"
                report += _open(page, base + url, label)
                report += axe_report(page, label)
                page.get_by_role("button", name="Menu").click()
                report += axe_report(page, f"[{name}, phone, menu open] {url}")
    with _context(browser, base, PHONE, None) as context:
        page = context.new_page()
        for url in SIGNED_OUT:
            report += _open(page, base + url, f"[signed out, phone] {url}")
            report += axe_report(page, f"[signed out, phone] {url}")
    took = time.monotonic() - started
    print(f"axe: {len(checked)} routes in {took:.1f} s ({discovering:.1f} s finding them)")
    # A discovery that found almost nothing would make the test pass vacuously.
    assert len(checked) > 70, sorted(checked)
    assert not report, f"{len(report)} axe violations:\n" + "\n".join(report)


def test_the_check_names_the_page_the_rule_and_the_nodes(page: Any) -> None:
    """The check itself can fail: an unlabelled input and an empty link are reported."""
    page.set_content(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<input type="text" id="q"><a href="/x"></a></main></body></html>'
    )
    report = axe_report(page, "[probe]")
    rules = {line.split(" — ")[1].split(" ")[0] for line in report}
    assert {"label", "link-name"} <= rules, report
    assert any('<input type="text" id="q">' in line for line in report), report
