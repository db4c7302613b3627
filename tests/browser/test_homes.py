"""Each demo role's home in a browser, at desktop (1280 px) and phone (375 px) widths: the
blocks the role should see are visible, nothing scrolls sideways, one h1. Screenshots go to
``$HOME_SCREENSHOTS`` when set (``make``-free: ``HOME_SCREENSHOTS=docs/screenshots pytest
tests/browser/test_homes.py`` refreshes the ones ``docs/product.md`` shows), else to a
temporary folder."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import MFA_ROLES, Role
from tests.factories import with_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1280, 900), "phone": (375, 812)}
# (name, e-mail, role or None for a creator, the page, the blocks it must show)
HOMES = [
    (
        "admin",
        "admin@demo.test",
        Role.ADMIN,
        "/orgs/northwind/",
        ["my-tasks", "escalations", "approvals", "overdue", "delayed-payouts", "spend", "clicks"],
    ),
    (
        "ism",
        "ism@demo.test",
        Role.ISM,
        "/orgs/northwind/",
        ["my-tasks", "escalations", "overdue", "deadlines", "spend", "clicks"],
    ),
    (
        "bsm",
        "bsm@demo.test",
        Role.BSM,
        "/orgs/northwind/",
        ["my-tasks", "escalations", "overdue", "delayed-payouts", "spend", "clicks"],
    ),
    (
        "brand_manager",
        "brand@demo.test",
        Role.BRAND_MANAGER,
        "/orgs/northwind/",
        ["approvals", "overdue", "deadlines", "spend", "clicks"],
    ),
    ("approver", "approver@demo.test", Role.APPROVER, "/orgs/northwind/", ["approvals"]),
    ("analyst", "analyst@demo.test", Role.ANALYST, "/orgs/northwind/", ["spend", "clicks"]),
    ("creator", "creator@demo.test", None, "/portal/", ["todo", "earnings"]),
]
# Blocks a role must not see (their lists would answer 403).
HIDDEN = {
    "approver": ["my-tasks", "spend", "delayed-payouts"],
    "analyst": ["my-tasks", "approvals", "overdue"],
    "ism": ["approvals", "delayed-payouts"],
}


def _session(email: str, role: Role | None) -> str:
    with dangerously_unscoped():
        user = get_user_model().objects.get(email=email)
        if role in MFA_ROLES:
            with_totp(user)  # the demo org requires MFA of these roles
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _shrink(path: Path) -> None:
    """256 colours are plenty for a screenshot of the app: the docs' PNGs stay small."""
    from PIL import Image

    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)


def test_each_roles_home_on_desktop_and_phone(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    call_command("seed_demo", stdout=StringIO())
    shots = Path(os.environ.get("HOME_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for name, email, role, path, blocks in HOMES:
        cookie = _session(email, role)
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
            )
            page = context.new_page()
            page.set_default_timeout(15000)
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (name, size)
            assert page.locator("h1").count() == 1
            for block in blocks:
                locator = page.locator(f'[data-home="{block}"]')
                locator.scroll_into_view_if_needed()
                assert locator.is_visible(), (name, size, block)
            for block in HIDDEN.get(name, []):
                assert page.locator(f'[data-home="{block}"]').count() == 0, (name, block)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, size, overflow)
            page.evaluate("window.scrollTo(0, 0)")
            shot = shots / f"home-{name}-{size}.png"
            page.screenshot(path=str(shot), full_page=size == "desktop")
            if os.environ.get("HOME_SCREENSHOTS"):
                _shrink(shot)
            context.close()
