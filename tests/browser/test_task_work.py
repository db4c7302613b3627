"""A desk task finishes the work where it is shown: the ISM confirms an accepted creator from
the confirm task, and the BSM proposes performance-based pay from an underperformer's task."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from programs import services as programs
from programs.models import Enrollment
from programs.recruiting import services as recruiting
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world
from tests.factories import TOTP_SECRET
from tracking.pace.services import pace_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_confirm_and_amend_from_the_task_pages(live_server: Any, new_page: Any) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
        admin = world.cast.members[Role.ADMIN].user
        terms = recruiting.latest_terms(world.enrollment)
        recruiting.invitation_accept(
            enrollment=world.enrollment, user=world.creator.user, terms_version=terms.number
        )
        for state in ("accepted", "confirmed"):
            recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
    base = live_server.url

    ism = new_page()
    sign_in(ism, base, "ism@northwind.test", TOTP_SECRET)
    ism.goto(f"{base}/orgs/northwind/desk/")
    ism.get_by_role("link", name="Confirm Cara Creator for Spring Glow").first.click()
    assert ism.get_by_role("heading", name="Confirm the creator").is_visible()
    ism.get_by_role("button", name="Confirm Cara Creator").click()
    assert ism.get_by_text("Cara Creator is confirmed.").is_visible()
    assert ism.get_by_text("Confirmed.").first.is_visible()  # the task's resolution

    with dangerously_unscoped():
        world.program.refresh_from_db()
        programs.program_launch(program=world.program, actor=admin)
        world.program.refresh_from_db()
        # Forty days in, without a click: both creators are far behind pace.
        pace_sweep(organization=world.cast.org, today=world.program.launch_on + timedelta(days=40))

    bsm = new_page()
    sign_in(bsm, base, "bsm@northwind.test", TOTP_SECRET)
    bsm.goto(f"{base}/orgs/northwind/desk/")
    bsm.get_by_role("link", name=re.compile(r"^Behind pace: Cara Creator")).first.click()
    assert bsm.get_by_text("Valid clicks so far").is_visible()
    bsm.get_by_label("New pay per valid click").fill("0.25")
    bsm.get_by_label("Reason the creator reads").fill("Pay per click suits your audience better.")
    bsm.get_by_role("button", name="Send the amendment").click()
    assert bsm.get_by_text("Terms version 2 sent to the creator to accept.").is_visible()
    assert bsm.get_by_text("tried a remedy").is_visible()
    with dangerously_unscoped():
        enrollment = Enrollment.objects.get(pk=world.enrollment.pk)
        latest = recruiting.latest_terms(enrollment)
        assert latest.snapshot["per_click_rate"] == "0.2500" and latest.accepted_at is None
