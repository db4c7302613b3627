"""One owner per question, end to end in a browser."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_question_reaches_the_ism_and_after_launch_the_bsm(
    live_server: Any, new_page: Any
) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.wait_for_url("**/portal/")
    creator.get_by_role("link", name="Ask about Spring Glow").click()
    creator.get_by_label("Topic").select_option("requirements")
    creator.get_by_label("Your question").fill("Do you need a vertical video for the launch?")
    creator.get_by_role("button", name="Send question").click()
    creator.wait_for_url("**/portal/threads/*/")
    assert creator.get_by_text("is with").first.is_visible()
    assert creator.get_by_text("Do you need a vertical video for the launch?").is_visible()

    ism = new_page()
    sign_in(ism, base, "ism@northwind.test", TOTP_SECRET)
    ism.goto(f"{base}/orgs/northwind/desk/")
    mine = ism.locator("section", has=ism.get_by_role("heading", name="My tasks"))
    mine.get_by_role(
        "link", name="Brief requirements — Cara Creator about Spring Glow", exact=True
    ).click()
    ism.get_by_role("link", name="Open the conversation to answer").click()
    ism.get_by_label("Message").fill("Yes please, 9:16 and under 60 seconds.")
    ism.get_by_label("This answers the open request(s)").check()
    ism.get_by_role("button", name="Send reply").click()
    assert ism.get_by_text("Reply sent.").is_visible()

    creator.reload()
    assert creator.get_by_text("Yes please, 9:16 and under 60 seconds.").is_visible()
    assert creator.get_by_text("is with").count() == 0  # answered: nothing open any more

    with dangerously_unscoped():
        confirm_and_launch(world)
    creator.goto(f"{base}/portal/requests/new/")
    creator.get_by_label("About").select_option(label="Spring Glow (Northwind)")
    creator.get_by_label("Topic").select_option("compensation")
    creator.get_by_label("Your question").fill("When is the flat fee paid?")
    creator.get_by_role("button", name="Send question").click()
    creator.wait_for_url("**/portal/threads/*/")
    assert creator.get_by_text(world.cast.members[Role.BSM].user.display_name).first.is_visible()

    bsm = new_page()
    sign_in(bsm, base, "bsm@northwind.test", TOTP_SECRET)
    bsm.goto(f"{base}/orgs/northwind/desk/")
    assert bsm.get_by_role(
        "link", name="Compensation — Cara Creator about Spring Glow", exact=True
    ).is_visible()
    ism.goto(f"{base}/orgs/northwind/desk/")
    assert (
        ism.get_by_role("link", name="Compensation — Cara Creator about Spring Glow").count() == 0
    )
