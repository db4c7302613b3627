"""Hours in a browser: a creator logs hours by clicking from the portal home; an analyst reaches
the effective hourly rate by clicking from their landing page (Programs, the program, its
Performance tab, the creator's hub)."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from programs.models import TimeEntry
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_logs_hours_and_staff_see_the_hourly_rate(
    live_server: Any, new_page: Any
) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/")
    creator.get_by_role("link", name="Hours on Spring Glow").click()
    assert creator.get_by_role("heading", level=1).inner_text() == "Your hours on Spring Glow"
    creator.get_by_label("Hours", exact=True).fill("5")
    creator.get_by_label("What it was for").fill("Shooting the serum in daylight")
    creator.get_by_role("button", name="Log hours").click()
    assert creator.get_by_text("Hours logged.").is_visible()
    assert creator.get_by_role("cell", name="Shooting the serum in daylight").is_visible()
    with dangerously_unscoped():
        assert TimeEntry.objects.get().hours == 5

    analyst = new_page()
    sign_in(analyst, base, "analyst@northwind.test")
    analyst.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    analyst.get_by_role("link", name="Spring Glow").first.click()
    tabs = analyst.get_by_role("navigation", name="Program")
    tabs.get_by_role("link", name="Performance").click()
    hours = analyst.locator('[data-report="hours"]')
    assert hours.locator('[data-figure="program-hourly-rate"]').inner_text() == "$50.00"
    hours.get_by_role("link", name="Cara Creator").click()
    assert analyst.get_by_role("heading", level=1).inner_text() == "Cara Creator in Spring Glow"
    rate = analyst.locator('[data-figure="hourly-rate"]')
    assert "$50.00" in rate.inner_text()  # the $250 fee over 5 hours
