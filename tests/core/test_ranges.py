"""HTTP Range on stored files (influencer_ops.ranges): the header's three forms, what is
ignored, 416, and reading through the storage: local files sought, S3-compatible object
storage asked for just the range (GetObject with Range, checked with botocore's Stubber)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory

from influencer_ops.ranges import ByteRange, Unsatisfiable, parse_range, ranged_file_response

DATA = bytes(range(256)) * 40  # 10,240 bytes, each position recognisable


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file: all of it
        ("bytes=990-5000", ByteRange(990, 999)),  # an end past the file: clipped
        ("bytes=999-999", ByteRange(999, 999)),
        ("BYTES = 3 - 4", ByteRange(3, 4)),
    ],
)
def test_the_three_forms_of_a_range(header: str, expected: ByteRange) -> None:
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize(
    "header", ["", "bytes=", "bytes=-", "items=0-9", "bytes=0-9,20-29", "bytes=9-3", "bytes=a-b"]
)
def test_what_is_not_a_single_range_gets_the_whole_file(header: str) -> None:
    assert parse_range(header, 1000) is None


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=-0", 1000)])
def test_a_range_past_the_end_is_unsatisfiable(header: str, size: int) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, size)
    with pytest.raises(Unsatisfiable):
        parse_range("bytes=0-", 0)


@pytest.fixture
def local(tmp_path: Path) -> FileSystemStorage:
    storage = FileSystemStorage(location=tmp_path)
    storage.save("clip.mp4", ContentFile(DATA))
    return storage


def answer(storage: Any, range_header: str | None = None, **headers: str) -> Any:
    if range_header is not None:
        headers["Range"] = range_header
    request = RequestFactory().get("/", headers=headers)
    return ranged_file_response(
        request, storage=storage, name="clip.mp4", content_type="video/mp4", filename="clip.mp4"
    )


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_local_files_whole_and_in_ranges(local: FileSystemStorage) -> None:
    whole = answer(local)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == str(len(DATA))
    assert whole["Content-Disposition"] == 'inline; filename="clip.mp4"'
    assert body(whole) == DATA
    for header, start, end in (
        ("bytes=100-199", 100, 199),
        ("bytes=70000-", None, None),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-300", 9940, 10239),
        ("bytes=0-0", 0, 0),
        ("bytes=65000-70000", None, None),
        ("bytes=1-70000", 1, 10239),
    ):
        response = answer(local, header)
        if start is None:
            assert response.status_code == 416, header
            assert response["Content-Range"] == f"bytes */{len(DATA)}"
            continue
        assert response.status_code == 206, header
        assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
        assert response["Content-Length"] == str(end - start + 1)
        assert response["Accept-Ranges"] == "bytes"
        assert body(response) == DATA[start : end + 1], header


def test_a_large_range_streams_in_chunks(tmp_path: Path) -> None:
    storage = FileSystemStorage(location=tmp_path)
    big = bytes(range(256)) * 1024  # 256 KiB: several chunks
    storage.save("clip.mp4", ContentFile(big))
    response = answer(storage, "bytes=1000-200000")
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert b"".join(chunks) == big[1000:200001]


def test_if_range_naming_another_version_gets_the_whole_file(local: FileSystemStorage) -> None:
    etag = answer(local)["ETag"]
    assert answer(local, "bytes=0-9", **{"If-Range": etag}).status_code == 206
    stale = answer(local, "bytes=0-9", **{"If-Range": '"another"'})
    assert stale.status_code == 200 and body(stale) == DATA


def test_a_missing_file_raises_before_anything_is_sent(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        answer(FileSystemStorage(location=tmp_path), "bytes=0-9")


# --- S3-compatible object storage (django-storages), without a server ---


@pytest.fixture
def s3() -> Any:
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="media-bucket",
        endpoint_url="http://minio.invalid:9000",
        access_key="key",
        secret_key="secret",
        region_name="us-east-1",
    )
    client = storage.connection.meta.client
    with Stubber(client) as stubber:
        yield storage, stubber


def stream(data: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(data), len(data))


def test_object_storage_is_asked_for_just_the_range(s3: Any) -> None:
    storage, stubber = s3
    stubber.add_response(
        "head_object",
        {"ContentLength": len(DATA)},
        {"Bucket": "media-bucket", "Key": "clip.mp4"},
    )
    stubber.add_response(
        "get_object",
        {"Body": stream(DATA[500:600]), "ContentLength": 100},
        {"Bucket": "media-bucket", "Key": "clip.mp4", "Range": "bytes=500-599"},
    )
    response = answer(storage, "bytes=500-599")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 500-599/{len(DATA)}"
    assert body(response) == DATA[500:600]
    stubber.assert_no_pending_responses()


def test_object_storage_whole_file_and_416(s3: Any) -> None:
    storage, stubber = s3
    head = ({"ContentLength": len(DATA)}, {"Bucket": "media-bucket", "Key": "clip.mp4"})
    stubber.add_response("head_object", *head)
    stubber.add_response(
        "get_object",
        {"Body": stream(DATA), "ContentLength": len(DATA)},
        {"Bucket": "media-bucket", "Key": "clip.mp4"},
    )
    whole = answer(storage)
    assert whole.status_code == 200 and body(whole) == DATA
    stubber.add_response("head_object", *head)
    assert answer(storage, "bytes=20000-").status_code == 416  # no GetObject asked
    stubber.assert_no_pending_responses()


def test_object_storage_missing_file_raises_file_not_found(s3: Any) -> None:
    storage, stubber = s3
    stubber.add_client_error("head_object", "404", http_status_code=404)
    with pytest.raises(FileNotFoundError):
        answer(storage, "bytes=0-9")
