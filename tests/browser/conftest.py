"""Playwright driving Debian's Chromium against the live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (its own sign-in)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, base: str, email: str, totp_secret: str | None = None) -> None:
    from tests.factories import PASSWORD, totp_code

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def creator_with_login(cast: Any, name: str, email: str) -> Any:
    """A beauty creator of the cast's org (made by the ISM through the real service) with a
    portal login of the same e-mail."""
    from influencers import services as creators
    from organizations.roles import Role
    from tests.factories import UserFactory

    user = UserFactory(email=email, name=name, is_creator=True)
    profile = creators.creator_create(
        organization=cast.org,
        actor=cast.members[Role.ISM].user,
        display_name=name,
        email=email,
        categories=["beauty"],
        handles=[
            {
                "platform": "instagram",
                "handle": name.split()[0].lower(),
                "audience_size": 50000,
                "engagement_rate": "3.0",
            }
        ],
    )
    profile.user = user
    profile.save(update_fields=["user"])
    return profile
