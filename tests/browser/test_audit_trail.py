"""The audit page in a browser: a filter applies as it changes (htmx, the address follows), the
details open on demand, and on a phone nothing scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def line(page: Any, sentence: str) -> Any:
    return page.locator(".history-line").filter(has_text=sentence)


def test_filter_as_you_change_and_read_the_details(live_server: Any, new_page: Any) -> None:
    with dangerously_unscoped():
        cast = build_cast()
        ism = cast.members[Role.ISM].user
        ism.name = "Ivy ISM"
        ism.save()

        def record(verb: AuditVerb, before: dict[str, Any], after: dict[str, Any]) -> None:
            audit_record(
                organization=cast.org,
                actor=ism,
                verb=verb,
                target=cast.brand,
                before=before,
                after=after,
            )

        # A long unbroken value must wrap on a phone, not push the page sideways.
        url = "https://example.com/" + "x" * 120
        record(AuditVerb.PAYOUT_ON_HOLD, {"state": "earned"}, {"state": "on_hold", "url": url})
        record(AuditVerb.PROGRAM_LAUNCHED, {"state": "recruiting"}, {"state": "launched"})
    base = live_server.url
    admin = new_page()
    sign_in(admin, base, "admin@northwind.test", TOTP_SECRET)
    admin.goto(f"{base}/orgs/northwind/audit/")
    assert line(admin, "Ivy ISM launched Lumen").is_visible()

    admin.get_by_label("What").select_option("payouts")
    admin.wait_for_url("**/audit/?*what=payouts*")
    assert line(admin, "Ivy ISM put a payout on hold: Lumen").is_visible()
    assert line(admin, "Ivy ISM launched Lumen").count() == 0
    assert admin.get_by_role("heading", name="Audit trail").is_visible()  # the page stayed
    assert admin.get_by_text("What: Payouts and tax forms", exact=True).is_visible()

    change = admin.get_by_text("earned → on hold")
    assert not change.is_visible()
    admin.locator(".history-details summary").first.click()
    assert change.is_visible()

    admin.set_viewport_size({"width": 320, "height": 640})
    admin.reload()
    admin.locator(".history-details summary").first.click()
    sideways = admin.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert sideways <= 0
