"""Files served with HTTP Range (RFC 9110 §14): what lets a browser's <video> start, seek and
resume without fetching the whole file.

``ranged_file_response`` answers a GET for a file kept in a Django storage: the whole file
(200, ``Accept-Ranges: bytes``), one range of it (206 with ``Content-Range`` for ``bytes=a-b``,
``bytes=a-`` and ``bytes=-n``), or 416 with ``Content-Range: bytes */size`` when the range
starts past the end. A header we do not serve as a range (malformed, several ranges, another
unit, an ``If-Range`` naming another version) gets the whole file, as the RFC allows.

Reading goes through the storage: local files (``FileSystemStorage``) are opened, sought and
read in chunks. S3-compatible storage (django-storages' ``S3Storage``, which has a ``bucket``)
is asked for just the bytes wanted (``GetObject`` with ``Range``) and streamed: its
``open()`` would first download the whole object. The response stays on our origin (CSP
``'self'``), after the caller's access checks; no presigned URL is handed out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CHUNK_SIZE = 64 * 1024
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):
    """The range starts at or past the end of the file: 416."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str, size: int) -> ByteRange | None:
    """The one range ``header`` asks of a file of ``size`` bytes; None: serve the whole file.
    Raises ``Unsatisfiable`` for a range that starts past the end (or a suffix of 0 bytes)."""
    match = _RANGE.match(header or "")
    if match is None:
        return None  # absent, another unit, several ranges, or malformed: the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # bytes=-n: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid range: ignored
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))


def _is_object_storage(storage: Any) -> bool:
    return hasattr(storage, "bucket") and hasattr(storage, "_normalize_name")


def _object_chunks(storage: Any, name: str, wanted: ByteRange | None) -> Iterator[bytes]:
    from storages.utils import clean_name  # only with django-storages configured

    key = storage._normalize_name(clean_name(name))
    params = {"Range": f"bytes={wanted.start}-{wanted.end}"} if wanted else {}
    body = storage.bucket.Object(key).get(**params)["Body"]
    try:
        yield from body.iter_chunks(CHUNK_SIZE)
    finally:
        body.close()


def _file_chunks(handle: File, wanted: ByteRange | None) -> Iterator[bytes]:
    try:
        remaining = None
        if wanted is not None:
            handle.seek(wanted.start)
            remaining = wanted.length
        while remaining is None or remaining > 0:
            chunk = handle.read(CHUNK_SIZE if remaining is None else min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            if remaining is not None:
                remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


def ranged_file_response(
    request: HttpRequest,
    *,
    storage: Storage,
    name: str,
    content_type: str,
    filename: str,
) -> HttpResponse | StreamingHttpResponse:
    """The stored file ``name``, whole or the range the request asks for. A missing file raises
    ``FileNotFoundError`` before anything is sent (the caller answers 404)."""
    size = storage.size(name)
    # Stored names are never reused (a new upload gets a new name): name and size identify it.
    etag = f'"{hashlib.sha256(name.encode()).hexdigest()[:16]}-{size:x}"'
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        refused["Accept-Ranges"] = "bytes"
        return refused
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range is not None and if_range.strip() != etag:
        wanted = None  # the client's copy is another version: send the whole file
    if _is_object_storage(storage):
        chunks = _object_chunks(storage, name, wanted)
    else:
        chunks = _file_chunks(storage.open(name, "rb"), wanted)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if wanted is None:
        response["Content-Length"] = str(size)
    else:
        response.status_code = 206
        response["Content-Length"] = str(wanted.length)
        response["Content-Range"] = f"bytes {wanted.start}-{wanted.end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    disposition = content_disposition_header(False, filename)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
