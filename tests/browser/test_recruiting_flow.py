"""From brief to launch in a browser: a brand manager creates a program, the ISM invites two
matched creators, one accepts and one declines, the ISM confirms, the brand manager launches,
and the ISM's open question about the program is handed to the BSM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped
from messaging.models import Task
from programs.models import Enrollment, Program
from tests.browser.conftest import creator_with_login, sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

T = TypeVar("T")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unscoped(read: Callable[[], T]) -> T:
    """The test's own reads of the database see all orgs (requests run under RLS)."""
    with dangerously_unscoped():
        return read()


def test_from_brief_to_launch(live_server: Any, new_page: Any) -> None:
    with dangerously_unscoped():
        cast = build_cast()
        creator_with_login(cast, "Ava Accepts", "ava@example.test")
        creator_with_login(cast, "Dan Declines", "dan@example.test")
    base = live_server.url
    today = timezone.localdate()

    brand = new_page()
    sign_in(brand, base, "brand_manager@northwind.test")
    brand.goto(f"{base}/orgs/northwind/programs/new/")
    brand.locator("[name=name]").fill("Glow Up")
    brand.get_by_role("button", name="Create program").click()
    brand.wait_for_url("**/programs/*/**")
    program = unscoped(lambda: Program.objects.get(name="Glow Up"))
    brand.goto(f"{base}/orgs/northwind/programs/{program.pk}/edit/")
    brand.locator("[name=goals]").fill("Introduce the new serum.")
    brand.locator("[name=guidelines]").fill("Daylight, no filters, spell it Lumen.")
    brand.locator("[name=platforms][value=instagram]").check()
    brand.locator("[name=categories][value=beauty]").check()
    brand.locator("[name=launch_on]").fill((today + timedelta(days=20)).isoformat())
    brand.locator("[name=end_on]").fill((today + timedelta(days=50)).isoformat())
    brand.locator("[name=flat_fee]").fill("400")
    brand.locator("[name=assigned_ism]").select_option(label=None, index=1)
    brand.locator("form").filter(has=brand.locator("[name=goals]")).get_by_role(
        "button"
    ).last.click()
    brand.goto(f"{base}/orgs/northwind/programs/{program.pk}/deliverables/")
    brand.locator("[name=kind]").select_option("post")
    brand.locator("[name=platform]").select_option("instagram")
    brand.locator("[name=count]").fill("2")
    brand.locator("[name=due_offset_days]").fill("7")
    brand.get_by_role("button", name="Add deliverable").click()
    brand.goto(f"{base}/orgs/northwind/programs/{program.pk}/")
    brand.get_by_role("button", name="Open recruiting").click()
    unscoped(program.refresh_from_db)
    assert program.state == "recruiting", brand.content()[:3000]
    assert program.assigned_ism_id is not None

    ism = new_page()
    sign_in(ism, base, "ism@northwind.test", TOTP_SECRET)
    ism.goto(f"{base}/orgs/northwind/desk/programs/{program.pk}/candidates/")
    ism.get_by_label("Select Ava Accepts").check()
    ism.get_by_label("Select Dan Declines").check()
    ism.get_by_role("button", name="Invite").first.click()
    ism.wait_for_url("**/roster/")
    assert (
        unscoped(lambda: Enrollment.objects.filter(program=program, state="invited").count()) == 2
    )

    ava = new_page()
    sign_in(ava, base, "ava@example.test")
    ava.get_by_role("link", name="Glow Up", exact=True).first.click()
    ava.get_by_role("link", name="Ask a question about the requirements").click()
    ava.get_by_label("Your question").fill("Can the second post be a carousel?")
    ava.get_by_role("button", name="Send question").click()
    ava.goto(f"{base}/portal/")
    ava.get_by_role("link", name="Glow Up", exact=True).first.click()
    ava.get_by_label("I accept these terms").check()
    ava.get_by_role("button", name="Accept").click()
    assert ava.get_by_text("You accepted").is_visible()

    dan = new_page()
    sign_in(dan, base, "dan@example.test")
    dan.get_by_role("link", name="Glow Up", exact=True).first.click()
    dan.get_by_label("Why are you declining?").fill("Fully booked that month.")
    dan.get_by_role("button", name="Decline").click()
    assert dan.get_by_text("You declined").is_visible()

    ism.goto(f"{base}/orgs/northwind/desk/programs/{program.pk}/roster/")
    ism.get_by_role("button", name="Confirm Ava Accepts").click()
    assert ism.get_by_text("Ava Accepts is confirmed").is_visible()
    question = unscoped(lambda: Task.objects.get(program=program, kind="creator_request"))
    assert question.owner_role == "ism"

    brand.goto(f"{base}/orgs/northwind/programs/{program.pk}/")
    brand.get_by_role("button", name="Launch").click()
    unscoped(program.refresh_from_db)
    assert program.state == "launched"
    unscoped(question.refresh_from_db)
    assert question.owner_role == "bsm"
    assert unscoped(lambda: question.events.filter(verb="handed_over").exists())
    states = unscoped(
        lambda: dict(
            Enrollment.objects.filter(program=program).values_list("creator__display_name", "state")
        )
    )
    assert states == {"Ava Accepts": "active", "Dan Declines": "declined"}
