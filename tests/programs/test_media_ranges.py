"""A submitted video plays and seeks: the private media views answer HTTP Range (206 with
Content-Range, Accept-Ranges on 200, 416 past the end) for staff covering the brand and the
owning creator, and the viewer checks still come first (anyone else a 404, ranges or not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from organizations.roles import Role
from programs.models import SubmissionMedia
from tests.conftest import World, login_client
from tests.factories import member
from tests.programs.test_content import launch, submit
from tests.programs.test_media import MP4, staff_page, upload

pytestmark = pytest.mark.django_db

VIDEO = MP4 + bytes(range(256)) * 8  # 2,272 bytes: an MP4 signature, then recognisable bytes


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def video(world: World) -> tuple[World, SubmissionMedia]:
    launched = launch(world)
    item = submit(launched, files=[upload("clip.mp4", VIDEO)]).media.get()
    return launched, item


def content(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_staff_get_the_video_in_ranges(video: tuple[World, SubmissionMedia]) -> None:
    world, item = video
    url = staff_page("content_media", pk=item.pk)
    client = world.cast.client_for(Role.APPROVER)
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == str(len(VIDEO))
    assert content(whole) == VIDEO
    first = client.get(url, headers={"Range": "bytes=0-1"})
    assert first.status_code == 206
    assert first["Content-Range"] == f"bytes 0-1/{len(VIDEO)}"
    assert first["Content-Type"] == "video/mp4"
    assert content(first) == VIDEO[:2]
    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and content(tail) == VIDEO[-100:]
    rest = client.get(url, headers={"Range": "bytes=2000-"})
    assert rest["Content-Range"] == f"bytes 2000-{len(VIDEO) - 1}/{len(VIDEO)}"
    assert content(rest) == VIDEO[2000:]
    # The same private headers on a range as on the whole file.
    assert first["Cache-Control"] == "private, max-age=3600"
    assert first["Content-Security-Policy"] == "default-src 'none'; sandbox"
    past = client.get(url, headers={"Range": f"bytes={len(VIDEO)}-"})
    assert past.status_code == 416
    assert past["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_the_creator_gets_their_video_in_ranges(video: tuple[World, SubmissionMedia]) -> None:
    world, item = video
    url = reverse("portal_media", kwargs={"pk": item.pk})
    response = world.creator_client().get(url, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert content(response) == VIDEO[100:200]


def test_a_range_never_opens_the_door(video: tuple[World, SubmissionMedia]) -> None:
    world, item = video
    ranged = {"Range": "bytes=0-99"}
    other_brand = member(
        world.cast.org, Role.APPROVER, brands=[world.cast.other_brand], email="t@nw.test"
    )
    url = staff_page("content_media", pk=item.pk)
    assert login_client(other_brand.user).get(url, headers=ranged).status_code == 404
    outsider = login_client(world.cast.outsider.user)
    assert (
        outsider.get(staff_page("content_media", "acme", pk=item.pk), headers=ranged).status_code
        == 404
    )
    portal_url = reverse("portal_media", kwargs={"pk": item.pk})
    assert world.creator_client("other_creator").get(portal_url, headers=ranged).status_code == 404


def test_a_missing_file_is_a_404_for_a_range_too(video: tuple[World, SubmissionMedia]) -> None:
    from django.core.files.storage import default_storage

    world, item = video
    default_storage.delete(item.file.name)
    client = world.cast.client_for(Role.APPROVER)
    url = staff_page("content_media", pk=item.pk)
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 404
    assert client.get(url).status_code == 404
