"""An approver works their approvals in a browser by clicking only: home → the inbox → the
oldest item → approve with corrections → straight on to the next item, then back to an empty
inbox."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped
from programs.content import services as content
from programs.models import Deliverable
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch
from tests.factories.influencers import CreatorProfileFactory
from tests.factories.programs import DeliverableFactory, EnrollmentFactory, SubmissionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def two_waiting() -> tuple[Deliverable, Deliverable]:
    """Cara's post (sent first) and Nia's (sent an hour later) await the Lumen approvers."""
    world = build_world(build_cast())
    confirm_and_launch(world)
    first = Deliverable.objects.filter(enrollment=world.enrollment).get()
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        content.submission_create(
            deliverable=first, user=world.creator.user, caption="Morning glow with Lumen #ad"
        )
    org = world.cast.org
    nia = CreatorProfileFactory(organization=org, display_name="Nia Next")
    enrollment = EnrollmentFactory(
        organization=org, program=world.program, creator=nia, state="active"
    )
    second = DeliverableFactory.create(organization=org, enrollment=enrollment, state="submitted")
    SubmissionFactory(organization=org, deliverable=second, caption="Evening glow #ad")
    return first, second


def test_an_approver_goes_from_home_through_the_inbox_to_the_next_item(
    live_server: Any, page: Any
) -> None:
    with dangerously_unscoped():
        first, second = two_waiting()
    base = live_server.url
    sign_in(page, base, "approver@northwind.test")
    page.wait_for_url(re.compile(r"/orgs/northwind/$"))  # approvers land on the org home
    page.get_by_role("link", name="Open the approvals inbox").click()
    assert page.get_by_role("heading", level=1, name="Approvals").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "Cara Creator" in rows.nth(0).inner_text()  # the longest waiting first
    rows.nth(0).get_by_role("link").click()
    page.get_by_label("Approved with corrections").check()
    page.get_by_label("Comment for the creator").fill("Write LUMEN in capitals when you post.")
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(re.compile(rf"/content/deliverables/{second.pk}/$"))
    assert page.get_by_text("Next: Nia Next's Instagram post", exact=False).is_visible()
    with dangerously_unscoped():
        first.refresh_from_db()
        assert first.state == "approved"
    page.get_by_label("Approved", exact=True).check()
    page.get_by_role("button", name="Save the review").click()
    page.wait_for_url(re.compile(r"/orgs/northwind/approvals/$"))
    assert page.get_by_text("Nothing else awaits you.").first.is_visible()
