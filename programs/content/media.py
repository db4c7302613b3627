"""Uploaded media of a submission version: what is accepted, where it is stored, thumbnails.

Accepted by content, never by the file's name or the browser's word: images that Pillow opens
and verifies (JPEG, PNG, GIF, WebP), videos by their signature (MP4 and MOV: an ISO ``ftyp``
box; WebM: an EBML header naming ``webm``). Each kind has its size limit (settings). Every
file is checked, and each image's thumbnail made, before anything is stored; ``store`` then
writes through ``default_storage`` under ``orgs/<org>/submissions/<deliverable>/v<version>/``
and ``discard`` removes what a failed write left.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from influencer_ops.errors import FieldError
from programs.models import MediaKind, Submission, SubmissionMedia

FIELD = "media_files"
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
IMAGE_MAX_PIXELS = 50_000_000
THUMBNAIL_BOX = (480, 480)
# ISO base-media brands that are still images or audio, not video.
NOT_VIDEO_BRANDS = {b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B "}
ACCEPTED = "JPEG, PNG, GIF or WebP images, or MP4, WebM or MOV videos"


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its kind, type and, for an image, its size and thumbnail."""

    upload: File
    name: str
    size: int
    kind: str
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def _megabytes(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def _refuse(message: str) -> FieldError:
    return FieldError(FIELD, gettext("Not sent: %(message)s") % {"message": message})


def refuse_too_large(names: Sequence[str]) -> FieldError:
    """The upload handler dropped these files while they streamed in."""
    listed = ", ".join(f"“{name[:80]}”" for name in names)
    return _refuse(
        gettext("%(listed)s is larger than %(megabytes)s, the most a file may be.")
        % {"listed": listed, "megabytes": _megabytes(settings.MEDIA_VIDEO_MAX_BYTES)}
    )


def _video_signature(head: bytes) -> tuple[str, str] | None:
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in NOT_VIDEO_BRANDS:
            return None
        return ("video/quicktime", "mov") if brand == b"qt  " else ("video/mp4", "mp4")
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head[:64]:
        return ("video/webm", "webm")
    return None


def _thumbnail(upload: File) -> bytes:
    upload.seek(0)
    with Image.open(upload) as opened:
        image = ImageOps.exif_transpose(opened) or opened
        image.thumbnail(THUMBNAIL_BOX)
        if image.mode not in ("RGB", "L"):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def check_upload(upload: File) -> Checked:
    """Refused (400, on the ``media_files`` field): a type we do not accept, whatever its name
    says; a file over its kind's limit; an image Pillow cannot verify or decode."""
    name = "".join(c for c in (upload.name or "file").rsplit("/", 1)[-1] if c.isprintable())
    name = name.strip()[:200] or "file"
    size = int(upload.size or 0)
    if size == 0:
        raise _refuse(gettext("“%(name)s” is empty.") % {"name": name})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    video = _video_signature(head)
    if video is not None:
        if size > settings.MEDIA_VIDEO_MAX_BYTES:
            limit = _megabytes(settings.MEDIA_VIDEO_MAX_BYTES)
            raise _refuse(
                gettext("the video “%(name)s” is %(megabytes)s; videos may be at most %(limit)s.")
                % {"name": name, "megabytes": _megabytes(size), "limit": limit}
            )
        return Checked(upload, name, size, MediaKind.VIDEO, video[0], video[1])
    if size > settings.MEDIA_IMAGE_MAX_BYTES:
        limit = _megabytes(settings.MEDIA_IMAGE_MAX_BYTES)
        raise _refuse(
            gettext("the image “%(name)s” is %(megabytes)s; images may be at most %(limit)s.")
            % {"name": name, "megabytes": _megabytes(size), "limit": limit}
        )
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise _refuse(
                    gettext("the image “%(name)s” has too many pixels (%(width)s × %(height)s).")
                    % {"name": name, "width": width, "height": height}
                )
            image.verify()
        if image_format not in IMAGE_FORMATS:
            raise UnidentifiedImageError(image_format)
        thumbnail = _thumbnail(upload)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(
            gettext("“%(name)s” is not a file we accept. Send %(ACCEPTED)s.")
            % {"name": name, "ACCEPTED": ACCEPTED}
        ) from None
    finally:
        upload.seek(0)
    content_type, extension = IMAGE_FORMATS[image_format]
    return Checked(
        upload, name, size, MediaKind.IMAGE, content_type, extension, width, height, thumbnail
    )


def check_uploads(uploads: Sequence[File]) -> list[Checked]:
    if len(uploads) > settings.MEDIA_MAX_FILES:
        raise _refuse(
            gettext("send at most %(MEDIA_MAX_FILES)s files with a version.")
            % {"MEDIA_MAX_FILES": settings.MEDIA_MAX_FILES}
        )
    return [check_upload(upload) for upload in uploads]


def folder_of(submission: Submission) -> str:
    """Where a version's files live: one folder per org, deliverable and version."""
    return (
        f"orgs/{submission.organization_id}/submissions/{submission.deliverable_id}/"
        f"v{submission.version}"
    )


def store(submission: Submission, checked: Sequence[Checked], saved: list[str]) -> None:
    """Write each file (and thumbnail) through the storage API and record it; every stored
    name is appended to ``saved`` as soon as it exists, so the caller can ``discard`` them."""
    folder = folder_of(submission)
    for position, item in enumerate(checked, start=1):
        stem = uuid.uuid4().hex
        item.upload.seek(0)
        name = default_storage.save(f"{folder}/{stem}.{item.extension}", item.upload)
        saved.append(name)
        thumbnail = ""
        if item.thumbnail is not None:
            thumbnail = default_storage.save(
                f"{folder}/{stem}-thumb.jpg", ContentFile(item.thumbnail)
            )
            saved.append(thumbnail)
        SubmissionMedia.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            position=position,
            kind=item.kind,
            file=name,
            thumbnail=thumbnail,
            content_type=item.content_type,
            size=item.size,
            original_name=item.name,
            width=item.width,
            height=item.height,
        )


def discard(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)
