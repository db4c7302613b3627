"""Values in a browser: a creator lists "alcohol" as something she won't promote; the beer
program's candidate list leaves her out and says why; the ISM invites her anyway, first without
a reason (refused), then with one; she sees the conflict on the invitation and accepts only by
ticking the acknowledgement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped
from organizations.roles import Role
from programs import services as programs
from programs.models import Enrollment, Program
from tests.browser.conftest import creator_with_login, sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

T = TypeVar("T")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def unscoped(read: Callable[[], T]) -> T:
    with dangerously_unscoped():
        return read()


def beer_program(cast: Any) -> Program:
    admin = cast.members[Role.ADMIN].user
    today = timezone.localdate()
    program = programs.program_create(
        organization=cast.org,
        brand=cast.brand,
        name="Glow Lager",
        actor=admin,
        assigned_ism=cast.members[Role.ISM].user,
    )
    program = programs.program_update(
        program=program,
        actor=admin,
        goals="A lager for after the skincare routine. State the alcohol content.",
        platforms=["instagram"],
        categories=["beauty"],
        guidelines="Legal drinking age audiences only.",
        launch_on=today + timedelta(days=30),
        end_on=today + timedelta(days=60),
        flat_fee=Decimal("300.00"),
    )
    programs.deliverable_spec_add(
        program=program, actor=admin, kind="post", platform="instagram", count=1, due_offset_days=7
    )
    return programs.program_open_recruiting(program=program, actor=admin)


def test_an_excluded_creator_is_invited_only_with_a_reason_and_accepts_knowingly(
    live_server: Any, new_page: Any
) -> None:
    with dangerously_unscoped():
        cast = build_cast()
        creator_with_login(cast, "Vera Values", "vera@example.test")
        program = beer_program(cast)
    base = live_server.url

    vera = new_page()
    sign_in(vera, base, "vera@example.test")
    vera.goto(f"{base}/portal/")
    vera.get_by_role("link", name="What you won't promote").first.click()
    vera.get_by_label("What kind").select_option("topic")
    vera.get_by_label("Brand, product or topic").fill("alcohol")
    vera.get_by_role("button", name="Add").click()
    assert vera.locator("#exclusions strong").get_by_text("alcohol").is_visible()

    ism = new_page()
    sign_in(ism, base, "ism@northwind.test", TOTP_SECRET)
    ism.goto(f"{base}/orgs/northwind/desk/programs/{program.pk}/candidates/")
    assert ism.get_by_text("left out: excludes alcohol").is_visible()
    ism.get_by_label("Select Vera Values").check()
    ism.get_by_role("button", name="Invite selected").click()
    assert ism.locator("#invite-error").get_by_text("Give a reason to invite anyway").is_visible()
    assert not unscoped(lambda: Enrollment.objects.filter(program=program).exists())
    assert ism.get_by_label("Select Vera Values").is_checked()
    ism.get_by_label("Invite despite unavailability or exclusions: reason").fill(
        "An alcohol-free version is part of the range."
    )
    ism.get_by_role("button", name="Invite selected").click()
    ism.wait_for_url("**/roster/")
    enrollment = unscoped(lambda: Enrollment.objects.get(program=program))
    assert enrollment.state == "invited" and enrollment.exclusion_conflicts

    vera.goto(f"{base}/portal/")
    vera.get_by_role("link", name="Glow Lager", exact=True).first.click()
    conflict = vera.locator("#conflict")
    assert conflict.get_by_text("excludes alcohol").is_visible()
    assert conflict.get_by_text("An alcohol-free version is part of the range.").is_visible()
    vera.get_by_label("I accept these terms").check()
    vera.get_by_role("button", name="Accept").click()
    unscoped(enrollment.refresh_from_db)
    assert enrollment.state == "invited"  # refused without the acknowledgement
    vera.get_by_label("I accept these terms").check()
    vera.get_by_label("I understand this program goes against").check()
    vera.get_by_role("button", name="Accept").click()
    assert vera.get_by_text("You accepted").is_visible()
    unscoped(enrollment.refresh_from_db)
    assert enrollment.state == "accepted" and enrollment.conflict_acknowledged_at is not None
