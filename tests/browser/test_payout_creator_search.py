"""The payout list's creator field in a browser (#18): a search box, not a dropdown of every
creator. Typing suggests matching creators as links; one is picked with the keyboard and the
list shows only their payouts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from programs.recruiting import services as recruiting
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch, make_payout
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _two_creators_paid() -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        admin = world.cast.members[Role.ADMIN].user
        for state in ("accepted", "confirmed"):
            recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
        world.other_enrollment.refresh_from_db()
        make_payout(world, "250.00", key="cara-1")
        make_payout(world, "80.00", key="cara-2")
        make_payout(world, "42.00", key="olli-1", enrollment=world.other_enrollment)


def test_typing_suggests_creators_and_picking_one_filters_the_list(
    live_server: Any, new_page: Any
) -> None:
    _two_creators_paid()
    page = new_page()
    sign_in(page, live_server.url, "bsm@northwind.test", TOTP_SECRET)
    page.goto(f"{live_server.url}/orgs/northwind/payments/payouts/")
    table = page.get_by_role("table", name="Payouts of Northwind")
    assert table.locator("tbody tr").count() == 3
    assert page.get_by_role("combobox", name="Creator").count() == 0  # no dropdown
    field = page.get_by_role("searchbox", name="Creator")
    field.press_sequentially("oll", delay=50)
    suggestion = page.locator("#creator-picks").get_by_role("link", name="Olli Other")
    suggestion.wait_for()
    assert page.locator("#creator-picks").get_attribute("aria-live") == "polite"
    # Keyboard only: from the field, Tab reaches the suggestion; Enter picks it.
    field.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Olli Other"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]creator=\d+&creator_name=Olli"))
    table = page.get_by_role("table", name="Payouts of Northwind")
    assert table.locator("tbody tr").count() == 1
    assert "Olli Other" in table.locator("tbody tr").first.inner_text()
    assert page.get_by_role("link", name="Remove the filter Creator: Olli Other").count() >= 1
    assert page.get_by_role("searchbox", name="Creator").input_value() == "Olli Other"
