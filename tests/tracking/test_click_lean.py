"""The lean entry point of ``/r/<code>`` (``tracking.clicks.lean``, in front of Django in
``config.wsgi``) answers exactly as the Django view: same status, Location, headers and click;
unknown codes, other methods and bad hosts are left to Django, so its 404/405/400 are the same."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from tests.factories import TrackedLinkFactory
from tracking.clicks import services as clicks
from tracking.clicks.lean import LeanRedirects
from tracking.links import services as links
from tracking.links.attribution import with_attribution
from tracking.models import ClickEvent, TrackedLink

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
Answer = tuple[str, dict[str, str], bytes]


def _wipe(client: redis.Redis) -> None:
    for key in client.scan_iter(match=f"{links.click_key('')}*", count=1000):
        client.delete(key)


@pytest.fixture(autouse=True)
def click_store() -> Iterator[redis.Redis]:
    client = links.click_redis()
    _wipe(client)
    yield client
    _wipe(client)


@pytest.fixture
def apps() -> Iterator[tuple[LeanRedirects, WSGIHandler]]:
    """The deployed pair, called as a WSGI server would, with the test's transaction kept open
    (as Django's test client does: no closing of "old" connections between requests)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    django_app = WSGIHandler()
    try:
        yield LeanRedirects(django_app), django_app
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(app: Any, path: str, *, method: str = "GET", **extra: str) -> Answer:
    environ = RequestFactory()._base_environ(PATH_INFO=path, REQUEST_METHOD=method, **extra)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> None:
        seen["status"], seen["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    headers = {name.lower(): value for name, value in seen["headers"]}
    assert len(headers) == len(seen["headers"]), "a header sent twice"
    return seen["status"], headers, body


@pytest.fixture
def link() -> TrackedLink:
    return TrackedLinkFactory.create(
        destination="https://shop.example.test/spring?utm_source=x#top"
    )


def _unmasked(text: str) -> str:
    """Without the per-request CSRF token (the pages' forms, their cookie)."""
    text = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]*', r"\1…", text)
    return re.sub(r"csrftoken=[^;]*", "csrftoken=…", text)


def _same(lean: Answer, django: Answer) -> None:
    assert lean[0] == django[0]
    assert _unmasked(lean[2].decode()) == _unmasked(django[2].decode())
    lean_headers = {name: _unmasked(value) for name, value in lean[1].items()}
    django_headers = {name: _unmasked(value) for name, value in django[1].items()}
    # Expires is "now" (to the second): both carry one, equal unless a second ticked between.
    assert {lean_headers.pop("expires", None) is None, django_headers.pop("expires", 0)} != {True}
    assert lean_headers == django_headers


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_the_lean_redirect_answers_as_the_django_view(
    apps: tuple[LeanRedirects, WSGIHandler], link: TrackedLink, method: str
) -> None:
    lean, django = apps
    path = f"/r/{link.code}"
    first = _call(lean, path, method=method, HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.9")
    second = _call(django, path, method=method, HTTP_USER_AGENT=CHROME, REMOTE_ADDR="203.0.113.8")
    _same(first, second)
    status, headers, _ = first
    assert status == "302 Found"
    assert headers["location"] == with_attribution(link.destination, link.code)
    assert headers["location"] == (
        f"https://shop.example.test/spring?utm_source=x&io_ref={link.code}#top"
    )
    assert headers["x-robots-tag"] == "noindex, nofollow"
    assert "no-cache" in headers["cache-control"] and "no-store" in headers["cache-control"]
    assert "content-security-policy" in headers and headers["x-frame-options"] == "DENY"
    # Each path recorded its click: two clients, two clicks (HEAD: filtered, as a bot).
    assert clicks.flush_clicks() == 2
    reasons = sorted(ClickEvent.objects.values_list("filter_reason", flat=True))
    assert reasons == (["bot", "bot"] if method == "HEAD" else ["", ""])


def test_a_trailing_slash_and_the_trusted_proxy_rule_are_the_views(
    apps: tuple[LeanRedirects, WSGIHandler], link: TrackedLink, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    lean, django = apps
    for app in (lean, django):
        _call(
            app,
            f"/r/{link.code}/",
            HTTP_USER_AGENT=CHROME,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    clicks.flush_clicks()
    # The same client behind the proxy: the second click is a repeat, whichever path took it.
    assert sorted(ClickEvent.objects.values_list("filter_reason", flat=True)) == ["", "repeat"]
    assert len(set(ClickEvent.objects.values_list("client_hash", flat=True))) == 1


@pytest.mark.parametrize(
    ("path", "method", "host"),
    [
        ("/r/no-such-code", "GET", "testserver"),
        ("/r/bad*code", "GET", "testserver"),
        ("/r/{code}", "POST", "testserver"),
        ("/r/{code}", "GET", "evil.example"),
    ],
)
def test_what_the_lean_path_does_not_answer_django_answers_the_same(
    apps: tuple[LeanRedirects, WSGIHandler], link: TrackedLink, path: str, method: str, host: str
) -> None:
    lean, django = apps
    path = path.format(code=link.code)
    first = _call(lean, path, method=method, HTTP_HOST=host, HTTP_USER_AGENT=CHROME)
    second = _call(django, path, method=method, HTTP_HOST=host, HTTP_USER_AGENT=CHROME)
    _same(first, second)
    assert first[0].split()[0] in {"404", "403", "400"}  # POST: the CSRF check, as before
    assert clicks.flush_clicks() == 0


def test_an_inactive_link_is_the_same_404_page_and_records_nothing(
    apps: tuple[LeanRedirects, WSGIHandler], link: TrackedLink
) -> None:
    links.link_cache_put(link=link)
    TrackedLink.objects.filter(pk=link.pk).update(active=False)
    link.refresh_from_db()
    links.link_cache_put(link=link)
    lean, django = apps
    first = _call(lean, f"/r/{link.code}", HTTP_USER_AGENT=CHROME)
    _same(first, _call(django, f"/r/{link.code}", HTTP_USER_AGENT=CHROME))
    assert first[0] == "404 Not Found" and b"<html" in first[2].lower()
    assert clicks.flush_clicks() == 0


def test_the_deployed_application_puts_the_lean_path_in_front_of_django() -> None:
    from config import wsgi

    assert isinstance(wsgi.application, LeanRedirects)
    assert isinstance(wsgi.application.django_app, WSGIHandler)


def test_the_click_path_shortcuts_change_nothing(link: TrackedLink, click_store: Any) -> None:
    from django.utils.crypto import salted_hmac

    # The client hash with its key derived once is Django's salted HMAC.
    expected = salted_hmac(
        "tracking.clicks.services.client", "203.0.113.9\nMozilla/5.0", algorithm="sha256"
    ).hexdigest()
    assert clicks.client_hash(ip="203.0.113.9", user_agent="Mozilla/5.0") == expected
    # A Redis that lost its scripts (a restart without the AOF, SCRIPT FLUSH) gets it again.
    click_store.script_flush()
    assert clicks.record_click(code=link.code, user_agent=CHROME, ip="203.0.113.9") is not None
    assert clicks.record_click(code=link.code, user_agent=CHROME, ip="203.0.113.9") is not None
    assert clicks.flush_clicks() == 2
    assert sorted(ClickEvent.objects.values_list("filter_reason", flat=True)) == ["", "repeat"]
