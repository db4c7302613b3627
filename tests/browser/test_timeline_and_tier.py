"""The creator clicks from the portal home to an enrollment's timeline and to their tier; a
brand manager clicks from the enrollment hub to the same enrollment's timeline."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from programs.recruiting import services as recruiting
from tests.browser.conftest import sign_in
from tests.conftest import World
from tests.programs.growth_helpers import past_programs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_side_clicks_its_way_to_the_timeline_and_the_creator_to_their_tier(
    live_server: Any, new_page: Any, cast_and_world_unscoped: World
) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=1
        )
        past_programs(world.creator, completed=1)
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/")
    creator.get_by_role("link", name="Spring Glow").first.click()
    creator.get_by_role("link", name="Timeline: everything that happened so far").click()
    assert creator.get_by_role("heading", level=1).inner_text() == "Timeline: Spring Glow"
    lines = creator.locator(".history-line")
    assert lines.filter(has_text="Cara Creator accepted the invitation").count() == 1
    assert lines.filter(has_text="Northwind invited Cara Creator in Spring Glow").count() == 1
    creator.goto(f"{base}/portal/")
    creator.get_by_role("link", name="Your tier").click()
    assert creator.get_by_role("heading", level=1).inner_text() == "Your tier and history"
    assert creator.locator("[data-tier]").first.inner_text() == "Rising"
    assert "2 more completed programs" in creator.locator("[data-unlock]").first.inner_text()

    brand = new_page()
    sign_in(brand, base, "brand_manager@northwind.test")
    brand.goto(f"{base}/orgs/northwind/enrollments/{world.enrollment.pk}/")
    brand.get_by_role("link", name="The whole timeline, with click milestones").click()
    assert brand.get_by_role("heading", level=1).inner_text() == (
        "Timeline: Cara Creator in Spring Glow"
    )
    lines = brand.locator(".history-line")
    assert (
        lines.filter(has_text="accepted the invitation: Cara Creator in Spring Glow").count() == 1
    )
