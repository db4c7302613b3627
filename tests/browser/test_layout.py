"""The layout in a browser: on a phone the sidebar hides behind the menu button, nothing scrolls
sideways at 320 px, cancelling a program asks in a dialog first, and focus moves to the flash
message after the redirect."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from programs.models import Program
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _sign_in_admin(page: Any, base: str) -> None:
    sign_in(page, base, "admin@northwind.test", TOTP_SECRET)
    # The second step's POST may still be in flight: wait until a signed-in page shows.
    page.locator('form[action="/accounts/logout/"]').wait_for(state="attached")


def _program() -> Program:
    with dangerously_unscoped():
        return build_world(build_cast()).program


def test_the_menu_button_opens_the_sidebar_on_a_phone(live_server: Any, page: Any) -> None:
    program = _program()
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 740})
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav.is_visible()
    assert nav.get_by_text("Organization").is_visible()
    nav.get_by_role("link", name="Programs").click()
    page.wait_for_url("**/programs/")
    assert page.get_by_role("heading", level=1).inner_text() == "Programs"
    # On a desktop the sidebar is simply there, and the button is not.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/orgs/northwind/programs/{program.pk}/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert not page.get_by_role("button", name="Menu").is_visible()
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    assert crumbs.get_by_role("link", name="Programs").is_visible()


def test_nothing_scrolls_sideways_at_320_px(live_server: Any, page: Any) -> None:
    program = _program()
    base = live_server.url
    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in_admin(page, base)
    for path in ("/orgs/northwind/", f"/orgs/northwind/programs/{program.pk}/"):
        page.goto(f"{base}{path}")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
        page.get_by_role("button", name="Menu").click()
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} with the menu open"


def test_cancelling_a_program_asks_first_then_focuses_the_message(
    live_server: Any, page: Any
) -> None:
    program = _program()
    base = live_server.url
    _sign_in_admin(page, base)
    page.goto(f"{base}/orgs/northwind/programs/{program.pk}/")
    zone = page.get_by_role("region", name="Danger zone")
    zone.get_by_label("Reason for cancelling").fill("The brand paused spring.")
    zone.get_by_role("button", name="Cancel program").click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    assert dialog.is_visible()
    assert "Cancel Spring Glow?" in dialog.inner_text()
    dialog.get_by_role("button", name="Go back").click()
    assert not dialog.is_visible()
    with dangerously_unscoped():
        assert Program.objects.get(pk=program.pk).state == "recruiting"

    zone.get_by_role("button", name="Cancel program").click()
    dialog.get_by_role("button", name="Yes, cancel the program").click()
    page.wait_for_load_state()
    message = page.locator(".messages")
    message.wait_for()
    assert "cancelled" in message.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('messages')")
    with dangerously_unscoped():
        assert Program.objects.get(pk=program.pk).state == "cancelled"
