"""Uploaded images and videos of a submission version: accepted by content (Pillow for images,
signatures for videos), size limits, storage per org with thumbnails, nothing stored on a
refusal, private serving (staff covering the brand, the owning creator; anyone else a 404),
the API upload, and the review page's previews and shortcuts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from influencer_ops.errors import FieldError
from organizations.roles import Role
from programs.content import media
from programs.content.services import submissions as submission_services
from programs.models import Deliverable, Submission, SubmissionMedia
from tests.conftest import World
from tests.factories import member
from tests.programs.test_content import launch, make_advisory, submit, the_deliverable

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 200
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 200
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def launched(world: World) -> World:
    return launch(world)


def png(size: tuple[int, int] = (1200, 800), fmt: str = "PNG", mode: str = "RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 80, 40, 255) if mode == "RGBA" else (200, 80, 40)).save(
        out, format=fmt
    )
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_stored(world: World, root: Path) -> None:
    assert not Submission.objects.exists()
    assert not SubmissionMedia.objects.exists()
    assert stored_files(root) == []
    assert the_deliverable(world).state == "pending"


def portal_url(world: World) -> str:
    return reverse("portal_deliverable", kwargs={"pk": the_deliverable(world).pk})


def staff_page(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


# --- accepted uploads ---


def test_an_image_is_stored_under_its_org_with_a_thumbnail(
    launched: World, media_root: Path
) -> None:
    submission = submit(launched, files=[upload("glow.png", png(), "image/png")])
    item = submission.media.get()
    deliverable = the_deliverable(launched)
    folder = f"orgs/{launched.cast.org.pk}/submissions/{deliverable.pk}/v1/"
    assert item.kind == "image"
    assert item.content_type == "image/png"
    assert (item.width, item.height) == (1200, 800)
    assert item.original_name == "glow.png"
    assert item.file.name.startswith(folder) and item.file.name.endswith(".png")
    assert item.thumbnail.name.startswith(folder) and item.thumbnail.name.endswith("-thumb.jpg")
    assert (media_root / item.file.name).read_bytes() == png()
    with Image.open(media_root / item.thumbnail.name) as thumb:
        assert thumb.format == "JPEG"
        assert max(thumb.size) == 480 and thumb.size == (480, 320)
    assert default_storage.exists(item.thumbnail.name)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("clip.mp4", MP4, "video/mp4"),
        ("clip.mov", MOV, "video/quicktime"),
        ("clip.webm", WEBM, "video/webm"),
        ("named-wrongly.jpg", MP4, "video/mp4"),  # the content decides, not the name
    ],
)
def test_videos_are_recognised_by_their_signature(
    launched: World, name: str, content: bytes, content_type: str
) -> None:
    item = submit(launched, files=[upload(name, content)]).media.get()
    assert (item.kind, item.content_type) == ("video", content_type)
    assert not item.thumbnail
    assert item.file.name.endswith("." + content_type.split("/")[1].replace("quicktime", "mov"))


def test_a_version_may_be_only_files_and_keeps_their_order(launched: World) -> None:
    make_advisory(launched)  # no caption: the disclosure check only flags it
    files = [upload("a.jpg", png(fmt="JPEG", mode="RGB")), upload("b.webm", WEBM)]
    submission = submit(launched, caption="", files=files)
    assert not submission.disclosure_passed
    kinds = [(m.position, m.kind, m.content_type) for m in submission.media.all()]
    assert kinds == [(1, "image", "image/jpeg"), (2, "video", "video/webm")]


# --- refusals: 400 on the field, nothing stored ---


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([upload("notes.png", b"just some text, not a picture" * 10)], "is not a file we accept"),
        ([upload("fake.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 300)], "not a file"),
        ([upload("photo.heic", HEIC)], "is not a file we accept"),
        ([upload("tiny.bmp", png(fmt="BMP", mode="RGB"))], "is not a file we accept"),
        ([upload("empty.png", b"")], "is empty"),
        ([upload("ok.png", png()), upload("bad.png", b"nope" * 50)], "“bad.png”"),
    ],
)
def test_a_file_we_do_not_accept_is_refused_and_nothing_is_stored(
    launched: World, media_root: Path, files: list[Any], says: str
) -> None:
    with pytest.raises(FieldError) as refused:
        submit(launched, files=files)
    assert refused.value.status_code == 400
    assert refused.value.field == "media_files"
    assert says in str(refused.value)
    assert_nothing_stored(launched, media_root)


def test_pillow_rejects_a_truncated_image(launched: World, media_root: Path) -> None:
    broken = png()[:200]  # a real PNG header, cut off
    with pytest.raises(FieldError, match="is not a file we accept"):
        submit(launched, files=[upload("cut.png", broken)])
    assert_nothing_stored(launched, media_root)


def test_size_limits_per_kind(launched: World, media_root: Path, settings: Any) -> None:
    settings.MEDIA_IMAGE_MAX_BYTES = 1000
    settings.MEDIA_VIDEO_MAX_BYTES = 100
    big_image = png((300, 300), fmt="BMP", mode="RGB")  # over 1000 bytes: refused before Pillow
    with pytest.raises(FieldError, match="images may be at most"):
        submit(launched, files=[upload("big.bmp", big_image)])
    with pytest.raises(FieldError, match="videos may be at most"):
        submit(launched, files=[upload("long.mp4", MP4)])
    settings.MEDIA_MAX_FILES = 1
    with pytest.raises(FieldError, match="at most 1 files"):
        submit(launched, files=[upload("a.webm", WEBM[:90]), upload("b.webm", WEBM[:90])])
    assert_nothing_stored(launched, media_root)


def test_files_stored_before_a_later_failure_are_removed(
    launched: World, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: Any) -> None:
        raise RuntimeError("the notice could not be written")

    monkeypatch.setattr(submission_services, "_tell_approvers", fail)
    with pytest.raises(RuntimeError):
        submit(launched, files=[upload("glow.png", png())])
    assert stored_files(media_root) == []


# --- the portal upload ---


def test_the_creator_uploads_on_the_portal_and_sees_the_preview(
    launched: World, media_root: Path
) -> None:
    client = launched.creator_client()
    body = client.get(portal_url(launched)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file" name="media_files"' in body and "multiple" in body
    assert 'name="media_url"' in body  # the link field stays beside the upload
    response = client.post(
        portal_url(launched),
        {"action": "submit", "caption": "#ad glow", "media_files": [upload("g.png", png())]},
    )
    assert response.status_code == 302
    item = SubmissionMedia.objects.get()
    body = client.get(portal_url(launched)).content.decode()
    thumb = reverse("portal_media_thumbnail", kwargs={"pk": item.pk})
    full = reverse("portal_media", kwargs={"pk": item.pk})
    assert f'src="{thumb}"' in body and f'href="{full}"' in body
    got = client.get(full)
    assert got.status_code == 200
    assert got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == png()


def test_the_portal_refuses_a_fake_image_on_the_field(launched: World, media_root: Path) -> None:
    response = launched.creator_client().post(
        portal_url(launched),
        {"action": "submit", "caption": "#ad", "media_files": [upload("x.png", b"<svg/>" * 40)]},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Not sent: &ldquo;x.png&rdquo; is not a file we accept" in body or (
        "Not sent: “x.png” is not a file we accept" in body
    )
    assert 'id="id_media_files_error"' in body
    assert_nothing_stored(launched, media_root)


def test_a_file_over_the_upload_limit_is_dropped_while_it_streams(
    launched: World, media_root: Path, settings: Any
) -> None:
    settings.MEDIA_VIDEO_MAX_BYTES = 100
    response = launched.creator_client().post(
        portal_url(launched),
        {"action": "submit", "caption": "#ad", "media_files": [upload("huge.mp4", MP4)]},
    )
    assert response.status_code == 400
    assert "“huge.mp4” is larger than 100 bytes" in response.content.decode()
    assert_nothing_stored(launched, media_root)


# --- private serving ---


@pytest.fixture
def uploaded(launched: World) -> SubmissionMedia:
    submit(launched, files=[upload("glow.png", png())])
    return SubmissionMedia.objects.get()


def test_staff_covering_the_brand_see_the_file_and_thumbnail(
    launched: World, uploaded: SubmissionMedia
) -> None:
    for role in (Role.APPROVER, Role.ADMIN, Role.BRAND_MANAGER, Role.ISM):
        client = launched.cast.client_for(role)
        full = client.get(staff_page("content_media", pk=uploaded.pk))
        assert full.status_code == 200, role
        assert full["Content-Type"] == "image/png"
        assert full["Cache-Control"] == "private, max-age=3600"
        assert full["X-Content-Type-Options"] == "nosniff"
        assert full["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert full["Content-Disposition"] == 'inline; filename="glow.png"'
        thumb = client.get(staff_page("content_media_thumbnail", pk=uploaded.pk))
        assert thumb.status_code == 200
        assert b"".join(thumb.streaming_content)[:3] == b"\xff\xd8\xff"


def test_anyone_else_gets_a_404(launched: World, uploaded: SubmissionMedia) -> None:
    other_brand_approver = member(
        launched.cast.org, Role.APPROVER, brands=[launched.cast.other_brand], email="t@nw.test"
    )
    from tests.conftest import login_client

    client = login_client(other_brand_approver.user)
    assert client.get(staff_page("content_media", pk=uploaded.pk)).status_code == 404
    outsider = login_client(launched.cast.outsider.user)
    assert outsider.get(staff_page("content_media", "acme", pk=uploaded.pk)).status_code == 404
    other_creator = launched.creator_client("other_creator")
    assert other_creator.get(reverse("portal_media", kwargs={"pk": uploaded.pk})).status_code == 404
    thumb = reverse("portal_media_thumbnail", kwargs={"pk": uploaded.pk})
    assert other_creator.get(thumb).status_code == 404
    owner = launched.creator_client()
    assert owner.get(reverse("portal_media", kwargs={"pk": uploaded.pk})).status_code == 200
    # A staff URL is not for the creator, a portal URL not for staff.
    assert owner.get(staff_page("content_media", pk=uploaded.pk)).status_code in (403, 404)
    approver = launched.cast.client_for(Role.APPROVER)
    assert approver.get(reverse("portal_media", kwargs={"pk": uploaded.pk})).status_code == 403


def test_nothing_is_served_from_a_public_media_url(
    launched: World, uploaded: SubmissionMedia, client: Any
) -> None:
    assert client.get("/media/" + uploaded.file.name).status_code == 404
    anonymous = client.get(staff_page("content_media", pk=uploaded.pk))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_video_without_a_thumbnail_answers_404_for_the_thumbnail(launched: World) -> None:
    item = submit(launched, files=[upload("clip.mp4", MP4)]).media.get()
    client = launched.cast.client_for(Role.APPROVER)
    assert client.get(staff_page("content_media_thumbnail", pk=item.pk)).status_code == 404
    video = client.get(staff_page("content_media", pk=item.pk))
    assert video.status_code == 200 and video["Content-Type"] == "video/mp4"


# --- the API ---


def test_the_api_takes_files_as_multipart(launched: World, media_root: Path) -> None:
    deliverable = the_deliverable(launched)
    client = launched.creator_client()
    response = client.post(
        f"/api/v1/me/deliverables/{deliverable.pk}/submit/",
        {
            "caption": "#ad glow",
            "links": ["https://example.com/a"],
            "files": [upload("a.png", png()), upload("b.mp4", MP4)],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["links"] == ["https://example.com/a"]
    files = body["media"]
    assert [(f["kind"], f["content_type"]) for f in files] == [
        ("image", "image/png"),
        ("video", "video/mp4"),
    ]
    assert files[0]["url"] == reverse("portal_media", kwargs={"pk": files[0]["id"]})
    assert files[1]["thumbnail_url"] is None
    assert client.get(files[0]["thumbnail_url"]).status_code == 200
    staff = launched.cast.client_for(Role.APPROVER).get(
        f"/api/v1/orgs/northwind/submissions/?deliverable={deliverable.pk}"
    )
    staff_media = staff.json()["results"][0]["media"]
    assert staff_media[0]["url"] == staff_page("content_media", pk=files[0]["id"])


def test_the_api_refuses_a_fake_image_with_400_and_stores_nothing(
    launched: World, media_root: Path
) -> None:
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{the_deliverable(launched).pk}/submit/",
        {"caption": "#ad", "files": [upload("x.jpg", b"GIF89a" + b"\x00" * 100)]},
    )
    assert response.status_code == 400
    assert "x.jpg" in str(response.json())
    assert_nothing_stored(launched, media_root)


def test_the_api_refuses_a_file_over_the_upload_limit(
    launched: World, media_root: Path, settings: Any
) -> None:
    settings.MEDIA_VIDEO_MAX_BYTES = 100
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{the_deliverable(launched).pk}/submit/",
        {"caption": "#ad", "files": [upload("huge.mp4", MP4)]},
    )
    assert response.status_code == 400
    assert "“huge.mp4” is larger than 100 bytes" in str(response.json())
    assert_nothing_stored(launched, media_root)


def test_a_json_submission_still_works(launched: World) -> None:
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{the_deliverable(launched).pk}/submit/",
        {"caption": "#ad", "media_url": "https://example.com/v.mp4"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["media"] == []


# --- the review page and the inbox ---


def test_the_review_page_shows_previews_above_the_decision(launched: World) -> None:
    submit(launched, files=[upload("g.png", png()), upload("clip.webm", WEBM)])
    image, video = SubmissionMedia.objects.order_by("position")
    deliverable: Deliverable = the_deliverable(launched)
    client = launched.cast.client_for(Role.APPROVER)
    body = client.get(staff_page("content_deliverable", pk=deliverable.pk)).content.decode()
    thumb = staff_page("content_media_thumbnail", pk=image.pk)
    full = staff_page("content_media", pk=image.pk)
    assert (
        f'<a href="{full}" class="media-thumb-link"><img class="media-thumb" src="{thumb}"' in body
    )
    assert "open at full size" in body
    video_url = staff_page("content_media", pk=video.pk)
    assert f'<video class="media-video" controls preload="metadata" src="{video_url}"' in body
    assert (
        body.index("To review") < body.index("My spring routine") < body.index("Your decision on")
    )
    assert body.index(thumb) < body.index('name="outcome"')
    assert "<kbd>A</kbd> approve" in body and 'id="shortcut-status"' in body
    assert "/static/js/review.js" in body
    assert "<script>" not in body  # no inline script (CSP)
    inbox = client.get(staff_page("approvals_inbox")).content.decode()
    assert f'class="inbox-thumb" src="{thumb}"' in inbox


def test_the_review_page_links_the_next_item(launched: World) -> None:
    from tests.factories.influencers import CreatorProfileFactory
    from tests.factories.programs import DeliverableFactory, EnrollmentFactory, SubmissionFactory

    submit(launched)
    org = launched.cast.org
    nia = CreatorProfileFactory(organization=org, display_name="Nia Next")
    enrollment = EnrollmentFactory(
        organization=org, program=launched.program, creator=nia, state="active"
    )
    second = DeliverableFactory.create(organization=org, enrollment=enrollment, state="submitted")
    SubmissionFactory(organization=org, deliverable=second, caption="Evening glow #ad")
    client = launched.cast.client_for(Role.APPROVER)
    body = client.get(
        staff_page("content_deliverable", pk=the_deliverable(launched).pk)
    ).content.decode()
    assert f'href="{staff_page("content_deliverable", pk=second.pk)}" data-next-item' in body
    assert "Next item: Nia Next" in body
    # The analyst sees the page, without a decision form, shortcuts or script.
    analyst = launched.cast.client_for(Role.ANALYST).get(
        staff_page("content_deliverable", pk=the_deliverable(launched).pk)
    )
    assert analyst.status_code == 200
    assert "review.js" not in analyst.content.decode()


def test_the_media_module_never_trusts_the_name() -> None:
    checked = media.check_upload(upload("cat.mp4", png()))
    assert (checked.kind, checked.content_type, checked.extension) == ("image", "image/png", "png")
    assert media.check_upload(upload("a\r\nSet-Cookie: x.png", png())).name == "aSet-Cookie: x.png"


def test_a_non_ascii_file_name_is_served_encoded(launched: World) -> None:
    item = submit(launched, files=[upload("été “glow”.png", png())]).media.get()
    client = launched.cast.client_for(Role.APPROVER)
    response = client.get(staff_page("content_media", pk=item.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")


# --- storage configuration ---

ROOT = Path(__file__).resolve().parents[2]


def test_object_storage_is_used_when_its_bucket_is_set() -> None:
    """MEDIA_S3_* select django-storages' S3 backend: private, signed, never overwriting."""
    script = (
        "import django; django.setup();"
        'from django.core.files.storage import storages; s = storages["default"];'
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl,"
        " s.querystring_auth, s.file_overwrite)"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MEDIA_")},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MEDIA_S3_BUCKET": "media-bucket",
        "MEDIA_S3_ENDPOINT_URL": "http://minio:9000",
        "MEDIA_S3_ACCESS_KEY": "key",
        "MEDIA_S3_SECRET_KEY": "secret",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "media-bucket",
        "http://minio:9000",
        "private",
        "True",
        "False",
    ]


def test_compose_runs_minio_with_a_private_bucket_wired_to_the_app() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "  minio:\n    image: minio/minio:" in compose
    assert "MEDIA_S3_ENDPOINT_URL: http://minio:9000" in compose
    assert "mc anonymous set none local/$$MEDIA_S3_BUCKET" in compose
    assert "minio-bucket: { condition: service_completed_successfully }" in compose
