"""A creator uploads an image with their draft; the approver sees its thumbnail in the inbox
and on the item, opens nothing else, and approves with the keyboard shortcut."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from influencer_ops.tenancy import dangerously_unscoped
from programs.models import Deliverable, SubmissionMedia
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(out, format="PNG")
    return out.getvalue()


# The image's natural width once it has loaded (0 if it failed).
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise(done => {
  img.addEventListener("load", () => done(img.naturalWidth));
  img.addEventListener("error", () => done(0));
})"""


def fits_a_phone(page: Any) -> bool:
    """At 320 px wide nothing scrolls sideways; the desktop size is restored."""
    page.set_viewport_size({"width": 320, "height": 640})
    fits = page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 720})
    return bool(fits)


def test_an_uploaded_image_is_previewed_and_approved_with_a_key(
    live_server: Any, new_page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        deliverable = Deliverable.objects.filter(enrollment=world.enrollment).get()
    base = live_server.url

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/deliverables/{deliverable.pk}/")
    creator.get_by_label("Caption").fill("Morning glow with Lumen #ad")
    creator.get_by_label("Images and videos").set_input_files(
        [{"name": "glow.png", "mimeType": "image/png", "buffer": a_png()}]
    )
    creator.get_by_role("button", name="Send for review").click()
    assert creator.get_by_text("Version 1 sent for review.", exact=False).is_visible()
    preview = creator.get_by_role("img", name=re.compile(r"Image 1 of version 1, glow\.png"))
    assert preview.evaluate(LOADED_WIDTH) == 480
    with dangerously_unscoped():
        assert SubmissionMedia.objects.get().thumbnail
    assert fits_a_phone(creator)

    approver = new_page()
    sign_in(approver, base, "approver@northwind.test")
    approver.goto(f"{base}/orgs/northwind/approvals/")
    row = approver.locator("tbody tr").first
    thumb = row.get_by_role("img", name=re.compile("First image of Cara Creator"))
    assert thumb.evaluate(LOADED_WIDTH) == 480
    row.get_by_role("link", name=re.compile("Instagram post")).click()
    approver.wait_for_url(re.compile(rf"/content/deliverables/{deliverable.pk}/$"))
    image = approver.get_by_role("img", name=re.compile("Image 1 of version 1"))
    assert image.evaluate(LOADED_WIDTH) == 480
    assert fits_a_phone(approver)
    # The decision form comes after the content.
    assert (
        approver.get_by_role("heading", name="To review").bounding_box()["y"]
        < (approver.get_by_role("heading", name=re.compile("Your decision")).bounding_box()["y"])
    )
    # Typing in a field never triggers a shortcut.
    approver.get_by_label("Internal note (team only)").press_sequentially("car")
    assert approver.locator("input[name=outcome]:checked").count() == 0
    approver.get_by_label("Internal note (team only)").fill("")
    approver.locator("h1").click()  # focus back on the page, out of the fields
    approver.keyboard.press("a")
    assert approver.get_by_label("Approved", exact=True).is_checked()
    status = approver.locator("#shortcut-status")
    assert "Decision: Approved. Press Enter to save the review." in status.inner_text()
    assert approver.evaluate("document.activeElement.textContent") == "Save the review"
    approver.keyboard.press("Enter")
    approver.wait_for_url(re.compile(r"/orgs/northwind/approvals/$"))
    assert approver.get_by_text("Nothing else awaits you.").first.is_visible()
    with dangerously_unscoped():
        deliverable.refresh_from_db()
        assert deliverable.state == "approved"
