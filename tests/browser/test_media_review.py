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


# The video's state once it can play, after a seek into its middle (or the error's code).
SEEKED = """async video => {
  const ready = () => new Promise((done, fail) => {
    if (video.readyState >= 1) return done();
    video.addEventListener("loadedmetadata", () => done(), { once: true });
    const failed = () => fail(new Error("media error " + video.error.code));
    video.addEventListener("error", failed, { once: true });
  });
  await ready();
  const duration = video.duration;
  video.muted = true;
  await video.play();
  await new Promise(done => {
    video.addEventListener("seeked", done, { once: true });
    video.currentTime = duration / 2;
  });
  video.pause();
  return { duration, readyState: video.readyState, time: video.currentTime,
           width: video.videoWidth };
}"""


def test_the_demo_inbox_shows_a_loaded_thumbnail_and_a_video_that_plays_and_seeks(
    live_server: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    from io import StringIO

    from django.conf import settings as django_settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", stdout=StringIO())
    with dangerously_unscoped():
        approver = get_user_model().objects.get(email="approver@demo.test")
    client = Client()
    client.force_login(approver)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context()
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    media_answers: list[tuple[str, int, str | None, str | None]] = []

    def note(response: Any) -> None:
        if "/content/media/" in response.url:
            request_range = response.request.headers.get("range")
            answer = (response.status, request_range, response.headers.get("content-range"))
            media_answers.append((response.url, *answer))

    page.on("response", note)
    page.goto(f"{live_server.url}/orgs/northwind/approvals/")
    row = page.locator("tbody tr").filter(has_text="Glow Serum Drop")
    thumb = row.locator("img.inbox-thumb")
    assert thumb.evaluate(LOADED_WIDTH) > 0
    row.get_by_role("link", name=re.compile(r"Instagram post")).click()
    page.wait_for_url(re.compile(r"/content/deliverables/\d+/$"))
    shot = page.get_by_role("img", name=re.compile("Image 1 of version 1"))
    assert shot.evaluate(LOADED_WIDTH) == 384  # the 800 × 1000 shot's 480-pixel-high thumbnail
    video = page.locator("video.media-video")
    state = video.evaluate(SEEKED)
    assert 3.5 < state["duration"] < 4.5
    assert state["width"] == 480
    assert state["readyState"] >= 1 and abs(state["time"] - state["duration"] / 2) < 0.5
    video_answers = [a for a in media_answers if a[2] is not None]
    assert video_answers, media_answers  # the browser asked for the video in ranges …
    assert all(status == 206 and content_range for _, status, _, content_range in video_answers)
    context.close()
