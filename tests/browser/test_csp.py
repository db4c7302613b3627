"""Under the Content-Security-Policy, htmx and Swagger UI still work and Chromium reports no
violation (an inline script or style, a CDN, an eval would each be one)."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import OwnerRole, TaskKind
from messaging.services.queue import task_create
from tests.browser.conftest import sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts (injected by the browser, so the CSP does not apply).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _violations(page: Any, console: list[str]) -> list[str]:
    found = list(page.evaluate("window.__cspViolations"))
    found += [text for text in console if "Content Security Policy" in text]
    return found


def test_htmx_and_swagger_ui_work_without_a_csp_violation(live_server: Any, page: Any) -> None:
    with dangerously_unscoped():
        cast = build_cast()
        task_create(
            organization=cast.org,
            kind=TaskKind.CREATOR_REQUEST,
            title="Shipping question from Cara",
            owner_role=OwnerRole.ISM,
            dedupe_key="csp-browser-test",
        )
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    htmx_posts: list[str] = []
    page.on(
        "request",
        lambda request: (
            htmx_posts.append(request.url)
            if request.method == "POST" and request.headers.get("hx-request") == "true"
            else None
        ),
    )
    base = live_server.url

    sign_in(page, base, "ism@northwind.test", TOTP_SECRET)
    page.goto(f"{base}/orgs/northwind/desk/")
    assert page.evaluate("typeof window.htmx") == "object"  # the script loaded and ran
    row = page.locator("tr", has_text="Shipping question from Cara").first
    row.get_by_role("button", name="Claim").click()
    page.locator("tr", has_text="Shipping question from Cara").first.get_by_text(
        "In progress"
    ).wait_for()
    assert any("/claim/" in url for url in htmx_posts)  # swapped by htmx, not a page load
    assert page.url == f"{base}/orgs/northwind/desk/"
    assert _violations(page, console) == []

    page.goto(f"{base}/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI rendered the schema
    assert _violations(page, console) == []
