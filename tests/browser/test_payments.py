"""Payments in a browser: an admin starts a payment run from its preview (what it pays, what
it holds and why), confirms, watches it complete, finds its payouts listed and downloads them;
the creator then sees the payout paid in the portal."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from influencer_ops.templatetags.formatting import day
from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from payments.models import PaymentSchedule, Payout
from payments.payouts.services import payout_hold
from payments.runs.schedule import schedule_for
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch, make_payout
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


HOLD_REASON = "Waiting for the signed contract amendment."


def _due_payout() -> Payout:
    """A launched program and one earned payout of 250.00 for Cara, and one of 80.00 on hold
    with its reason; readiness not required."""
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        schedule = schedule_for(organization=world.cast.org)
        PaymentSchedule.objects.filter(pk=schedule.pk).update(require_readiness=False)
        held = make_payout(world, "80.00", key="browser-held")
        admin = world.cast.members[Role.ADMIN].user
        payout_hold(payout=held, actor=admin, reason=HOLD_REASON)
        return make_payout(world, "250.00", key="browser-flat-fee")


def test_an_admin_runs_payments_and_the_creator_sees_the_payout_paid(
    live_server: Any, new_page: Any
) -> None:
    payout = _due_payout()
    base = live_server.url

    admin = new_page()
    sign_in(admin, base, "admin@northwind.test", TOTP_SECRET)
    admin.goto(f"{base}/orgs/northwind/")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Payments").click()
    assert admin.get_by_role("heading", level=1).inner_text() == "Payouts"
    admin.get_by_role("link", name="Payment runs").click()
    assert admin.get_by_role("heading", level=1).inner_text() == "Payment runs"
    assert admin.get_by_text("Next scheduled run").is_visible()
    admin.get_by_role("link", name="Start a payment run").click()
    admin.wait_for_url("**/payments/runs/preview/")
    assert admin.get_by_role("heading", level=1).inner_text() == "Start a payment run"
    assert "1 payout through the sandbox" in admin.locator("#preview-summary").inner_text()
    held = admin.get_by_role("table", name="Payouts on hold").get_by_role("row").nth(1)
    assert "80.00" in held.inner_text() and HOLD_REASON in held.inner_text()
    admin.get_by_role("button", name="Confirm and start the run").click()
    # Money moves: the page asks once more, naming what the run pays.
    confirm = admin.get_by_role("dialog", name="Are you sure?")
    assert "pay 1 payout ($250.00)" in confirm.inner_text()
    confirm.get_by_role("button", name="Yes, start the run").click()
    admin.wait_for_url("**/payments/runs/*/")
    progress = admin.get_by_role("progressbar", name="Payouts done: 1 of 1 (100%)")
    progress.wait_for()
    assert progress.get_attribute("value") == "100"
    assert admin.locator("#run-progress").get_by_text("Completed").is_visible()
    assert admin.get_by_role("cell", name="$250.00", exact=True).first.is_visible()
    listed = admin.get_by_role("table", name="The payouts of payment run").get_by_role("row")
    assert listed.count() == 2  # the header and the one payout
    assert "Cara Creator" in listed.nth(1).inner_text() and "Paid" in listed.nth(1).inner_text()
    listed.nth(1).get_by_role("link", name=f"#{payout.pk}").click()
    admin.wait_for_url(f"**/payments/payouts/{payout.pk}/")
    admin.go_back()

    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Download the run's payouts (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-payouts.csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert rows[0][:3] == ["Payout", "Creator", "Program"]
    assert rows[1][:2] == [str(payout.pk), "Cara Creator"]
    assert rows[1][4:7] == ["250.00", payout.currency, "Paid"]

    with dangerously_unscoped():
        paid = Payout.objects.get(pk=payout.pk)
    assert paid.state == "paid" and paid.paid_at is not None

    try:
        portal_url = reverse("portal_payouts")
    except NoReverseMatch:
        pytest.skip("The portal payouts page (portal_payouts) does not exist yet.")
    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}{portal_url}")
    row = creator.get_by_role("row").filter(has_text="250.00")
    assert row.get_by_text("Paid", exact=True).is_visible()
    assert day(paid.paid_at) in row.inner_text()  # "Dec 6, 2026" in the org's zone (UTC)
