"""A Content-Security-Policy on every page: our own origin only, no inline script, no framing.

The header is checked on a representative set of pages (anonymous, org, portal, admin, API docs,
error pages) and our templates are checked for what the policy would block: inline scripts and
styles, event-handler attributes and javascript: URLs. tests/browser/test_csp.py loads pages in
Chromium and finds no violation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from organizations.roles import Role
from tests.accounts.test_accounts import staff_client
from tests.conftest import World, login_client

pytestmark = pytest.mark.django_db


def _directives(response: Any) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parts = [part.strip().split() for part in header.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def assert_strict_policy(response: Any) -> None:
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]


def test_every_kind_of_page_carries_the_policy(world: World) -> None:
    cast = world.cast
    anonymous = Client()
    admin = cast.client_for(Role.ADMIN)
    ism = cast.client_for(Role.ISM)
    creator = world.creator_client()
    pages = [
        (anonymous, "/", 200),
        (anonymous, "/accounts/login/", 200),
        (anonymous, "/admin/login/", 302),
        (anonymous, "/no-such-page/", 404),
        (anonymous, "/healthz", 200),
        (admin, "/orgs/northwind/", 200),
        (admin, f"/orgs/northwind/programs/{world.program.pk}/", 200),
        (admin, "/orgs/northwind/settings/", 200),
        (ism, "/orgs/northwind/desk/", 200),
        (creator, "/portal/", 200),
        (creator, "/api/v1/me/threads/", 200),
        (admin, "/api/docs/", 200),
        (admin, "/api/docs/?script=", 200),
        (admin, "/api/schema/", 200),
        (login_client(cast.outsider.user), "/orgs/northwind/", 404),
        (staff_client(), "/admin/", 200),
    ]
    for client, url, status in pages:
        response = client.get(url)
        assert response.status_code == status, url
        assert_strict_policy(response)


def test_swagger_ui_is_served_from_our_own_static_files(world: World) -> None:
    page = world.cast.client_for(Role.ADMIN).get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in source for source in sources)
    assert all(source.startswith("/") for source in sources), sources
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


TEMPLATES = Path(settings.BASE_DIR) / "templates"
BLOCKED = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "an inline <style>": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle=", re.I),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
    "an hx-on handler (needs eval)": re.compile(r"\b(?:data-)?hx-on", re.I),
}


@pytest.mark.parametrize(
    "name", sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html"))
)
def test_templates_have_nothing_the_policy_blocks(name: str) -> None:
    text = (TEMPLATES / name).read_text()
    found = [what for what, pattern in BLOCKED.items() if pattern.search(text)]
    assert not found, f"{name}: {', '.join(found)}"
