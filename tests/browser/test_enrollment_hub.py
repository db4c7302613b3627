"""The ISM reaches an accepted creator by clicking from the program page (the roster tab, the
creator's name) and confirms them on their enrollment hub."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from programs.recruiting import services as recruiting
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ism_confirms_an_accepted_creator_from_the_program_page(
    live_server: Any, page: Any, cast_and_world_unscoped: World
) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=1
        )
    base = live_server.url
    sign_in(page, base, "ism@northwind.test", TOTP_SECRET)
    page.goto(f"{base}/orgs/northwind/programs/{world.program.pk}/")
    tabs = page.get_by_role("navigation", name="Program")
    tabs.get_by_role("link", name="Recruiting roster").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Roster: Spring Glow"
    assert tabs.get_by_role("link", name="Recruiting roster").get_attribute("aria-current") == (
        "page"
    )
    page.get_by_role("link", name="Cara Creator").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Cara Creator in Spring Glow"
    page.get_by_role("button", name="Confirm Cara Creator").click()
    assert page.get_by_text("Cara Creator is confirmed.").is_visible()
    assert page.locator(".lead .badge").first.inner_text() == "Confirmed"
    with dangerously_unscoped():
        world.enrollment.refresh_from_db()
    assert world.enrollment.state == "confirmed"
