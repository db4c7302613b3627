"""A creator's data in a browser: from the portal home to "Your data", asking for a copy,
seeing it ready and downloading it; erasure refused with the reason while a payout is pending
(the demo creator), and erasure after the confirmation dialog for a creator with nothing
pending."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from influencer_ops.tenancy import dangerously_unscoped
from influencers.models import CreatorProfile
from influencers.privacy import tasks  # noqa: F401 (registered: the job runs inline on commit)
from influencers.privacy.selectors import unsettled_payouts
from tests.conftest import build_cast, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_as(new_page: Any, base: str, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return page


def test_the_demo_creator_asks_for_a_copy_and_cannot_be_erased_while_a_payout_is_pending(
    live_server: Any, new_page: Any
) -> None:
    call_command("seed_demo", stdout=StringIO())
    with dangerously_unscoped():
        creator = get_user_model().objects.get(email="creator@demo.test")
        assert unsettled_payouts(user=creator).exists()  # the demo's creator awaits a payment
    base = live_server.url
    page = _page_as(new_page, base, creator)

    page.goto(f"{base}/portal/")
    page.get_by_role("link", name="Your data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    status = page.locator("#export-status")
    assert "You have not asked for a copy yet." in status.inner_text()
    page.get_by_role("button", name="Ask for a copy of your data").click()
    expect(page.locator(".messages")).to_contain_text("We are preparing your data")
    # The job ran on commit (Celery runs tasks inline in tests): the copy is ready.
    assert "Ready until" in page.locator("#export-status").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data").click()
    assert download.value.suggested_filename.startswith("your-data-")

    blocked = page.locator("#erase-blocked")
    assert blocked.is_visible()
    assert "not settled yet" in blocked.inner_text()
    assert page.get_by_role("button", name="Erase my data").count() == 0


def test_a_creator_with_nothing_pending_erases_after_the_dialog(
    live_server: Any, new_page: Any
) -> None:
    with dangerously_unscoped():
        world = build_world(build_cast())
    base = live_server.url
    page = _page_as(new_page, base, world.creator.user)

    page.goto(f"{base}/portal/data/")
    page.get_by_role("button", name="Erase my data").click()
    dialog = page.get_by_role("dialog", name="Are you sure?")
    assert "cannot be undone" in dialog.inner_text()
    dialog.get_by_role("button", name="Go back").click()
    assert not dialog.is_visible()
    with dangerously_unscoped():
        assert CreatorProfile.objects.get(pk=world.creator.pk).erased_at is None

    page.get_by_role("button", name="Erase my data").click()
    dialog.get_by_role("button", name="Yes, erase my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data is erased")
    with dangerously_unscoped():
        profile = CreatorProfile.objects.get(pk=world.creator.pk)
        assert profile.display_name == f"Erased creator #{profile.pk}"
        other = CreatorProfile.objects.get(pk=world.other_creator.pk)
        assert other.display_name == "Olli Other"
