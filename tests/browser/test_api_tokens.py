"""API tokens in a browser: a member makes one from Preferences, sees it once, uses it, and
revokes it (after the confirmation dialog); it stops working at once."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from influencer_ops.tenancy import dangerously_unscoped
from tests.browser.conftest import sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_create_a_token_see_it_once_use_it_and_revoke_it(live_server: Any, new_page: Any) -> None:
    with dangerously_unscoped():
        build_cast()
    base = live_server.url
    page = new_page()
    sign_in(page, base, "admin@northwind.test", TOTP_SECRET)
    page.goto(f"{base}/orgs/northwind/")
    page.get_by_role("link", name="Preferences").click()
    page.get_by_role("link", name="Your API tokens").click()
    form = page.locator("#main form").filter(has_text="Create token")
    form.get_by_label("Name").fill("Spreadsheet sync")
    form.get_by_label("Organization").select_option("northwind")
    form.get_by_label("Scope").select_option("read")
    form.get_by_role("button", name="Create token").click()

    shown = page.get_by_label("Token", exact=True)
    expect(shown).to_be_visible()
    token = shown.input_value()
    assert token.startswith("io_")
    assert page.get_by_text("it is shown only this once").is_visible()
    brands = f"{base}/api/v1/orgs/northwind/brands/"
    assert _status(brands, token) == 200

    page.goto(f"{base}/accounts/preferences/api-tokens/")  # a GET: the secret is gone for good
    assert page.get_by_label("Token", exact=True).count() == 0
    assert token not in page.content()
    row = page.get_by_role("row").filter(has_text="Spreadsheet sync")
    assert row.get_by_role("cell", name="Active").is_visible()

    row.get_by_role("button", name="Revoke").click()
    page.get_by_role("button", name="Yes, go ahead").click()
    expect(page.get_by_text("was revoked")).to_be_visible()
    expect(row.get_by_role("cell", name="Revoked")).to_be_visible()
    assert _status(brands, token) == 401

    # The org's admins see it in their list, with its owner.
    page.goto(f"{base}/orgs/northwind/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API tokens").click()
    listed = page.get_by_role("row").filter(has_text="Spreadsheet sync")
    expect(listed).to_be_visible()
    assert listed.get_by_role("cell", name="admin@northwind.test", exact=True).is_visible()
    assert listed.get_by_role("cell", name="Revoked by admin@northwind.test").is_visible()
