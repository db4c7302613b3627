"""The payout table in a browser: on a 320 px phone each payout is a card that shows its state
and dates and nothing scrolls sideways; on a desktop a filter applies as soon as it changes
(the address follows), and ticked payouts go on hold together."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from payments.models import Payout, PayoutState
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch, make_payout
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _payouts() -> list[Payout]:
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        # A long name: a card must wrap it, not widen the page.
        world.creator.display_name = "Cara Creator-With-A-Very-Long-Unbroken-Name-Indeed"
        world.creator.save(update_fields=["display_name"])
        return [
            make_payout(world, amount, key=f"browser-{n}")
            for n, amount in enumerate(("250.00", "80.00", "12345.67"))
        ]


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways: {scroll}px wide in {width}px"


def test_on_a_phone_each_payout_is_a_card_with_its_state_and_dates(
    live_server: Any, new_page: Any
) -> None:
    payouts = _payouts()
    page = new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server.url, "bsm@northwind.test", TOTP_SECRET)
    page.goto(f"{live_server.url}/orgs/northwind/payments/payouts/")
    assert page.get_by_role("heading", level=1).inner_text() == "Payouts"
    _no_sideways_scroll(page)
    table = page.get_by_role("table", name="Payouts of Northwind")
    first_row = table.locator("tbody tr").first
    for label in ("State", "Earned", "Expected"):
        cell = first_row.locator(f'[data-label="{label}"]')
        assert cell.is_visible(), label
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, label
    assert first_row.locator('[data-label="State"]').inner_text().strip().startswith("Earned")
    # A card shows each field with its label (from data-label, in CSS).
    label = first_row.locator('[data-label="State"]').evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"State"'
    assert table.locator("tbody tr").count() == len(payouts)
    # Sorting still works from the header links shown above the cards.
    page.get_by_role("link", name="Amount (sort)").click()
    page.wait_for_url("**/payouts/?sort=amount")
    _no_sideways_scroll(page)


def test_filters_apply_on_change_and_ticked_payouts_go_on_hold(
    live_server: Any, new_page: Any
) -> None:
    payouts = _payouts()
    page = new_page()
    sign_in(page, live_server.url, "bsm@northwind.test", TOTP_SECRET)
    page.goto(f"{live_server.url}/orgs/northwind/payments/payouts/")
    table = page.get_by_role("table", name="Payouts of Northwind")
    assert table.locator("tbody tr").count() == 3
    # No "Apply" click: htmx fetches the filtered table and updates the address.
    page.get_by_role("combobox", name="State", exact=True).select_option("paid")
    page.wait_for_url("**/payouts/?*state=paid*")
    page.get_by_text("No payouts match these filters.").wait_for()
    # The applied filter shows as a chip that removes it.
    assert page.get_by_role("link", name="Remove the filter State: Paid").is_visible()
    page.get_by_role("combobox", name="State", exact=True).select_option("earned")
    page.wait_for_url("**/payouts/?*state=earned*")
    table.locator("tbody tr").nth(2).wait_for()
    # Tick two payouts and hold them with one reason.
    for payout in payouts[:2]:
        page.get_by_label(f"Select payout #{payout.pk}").check()
    page.get_by_label("Action").select_option("hold")
    page.get_by_label("Reason for a hold").fill("Waiting for the tax form.")
    page.get_by_role("button", name="Apply to ticked payouts").click()
    page.get_by_text("2 payouts put on hold").wait_for()
    with dangerously_unscoped():
        states = dict(Payout.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in payouts] == [
        PayoutState.ON_HOLD,
        PayoutState.ON_HOLD,
        PayoutState.EARNED,
    ]
