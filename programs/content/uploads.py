"""The first upload handler of every request: a file larger than the largest accepted media
file (``MEDIA_VIDEO_MAX_BYTES``) is dropped while it streams in, never written in full to memory
or disk, and its name remembered on the request so that the view refuses the submission."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

REFUSED_ATTR = "uploads_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.MEDIA_VIDEO_MAX_BYTES:
            refused = getattr(self.request, REFUSED_ATTR, None)
            if refused is None:
                refused = []
                setattr(self.request, REFUSED_ATTR, refused)
            refused.append(self.file_name or "a file")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler (memory or temporary file) builds the file


def too_large(request: Any) -> list[str]:
    """Names of the files the handler dropped for their size (DRF's Request wraps Django's)."""
    django_request = getattr(request, "_request", request)
    return list(getattr(django_request, REFUSED_ATTR, []))
