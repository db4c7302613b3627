"""Static files as production and `make run` serve them: `collectstatic` with the hashed
manifest storage succeeds (every CSS url() resolves, drf-spectacular-sidecar's Swagger files
included); pages link only hashed names that exist; WhiteNoise serves a hashed name with a
long immutable Cache-Control and the plain name with a short one. The suite itself keeps the
plain storage (no collectstatic before each run)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from organizations.roles import Role
from tests.conftest import World
from tests.programs.test_content import launch, submit

HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js|svg|png|ico|woff2?)$")
YEAR = 31_536_000
MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "config.staticfiles.HashedStaticFilesStorage"},
}


class Assets(HTMLParser):
    """Every <script src> and <link href> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        url = found.get("src") if tag == "script" else found.get("href") if tag == "link" else None
        if url:
            self.urls.append(url)


def assets_of(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One `collectstatic` with the manifest storage for the module (a few seconds)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False):
        call_command("collectstatic", "--no-input", verbosity=0)
        yield root


def assert_hashed_and_collected(url: str, root: Path) -> None:
    assert url.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/"), url
    name = url.split("?", 1)[0].removeprefix("/static/")
    assert HASHED.search(name), f"{url} is not a hashed name"
    assert (root / name).is_file(), f"{url} was not collected"


def test_collectstatic_hashes_every_file_including_swagger(collected: Path) -> None:
    manifest = (collected / "staticfiles.json").read_text()
    for name in (
        "css/app.css",
        "js/app.js",
        "js/review.js",
        "img/favicon.svg",
        "css/swagger.css",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "django_htmx/htmx-2.min.js",
    ):
        assert f'"{name}"' in manifest, name
    # Compressed copies for WhiteNoise to serve to browsers that accept them.
    assert list(collected.glob("css/app.*.css.gz"))


@pytest.mark.django_db
def test_pages_link_only_hashed_files_that_exist(collected: Path, world: World) -> None:
    launched = launch(world)
    submit(launched)
    deliverable = launched.program.deliverables.get()
    approver = launched.cast.client_for(Role.APPROVER)
    pages = {
        "landing": (Client(), reverse("home")),
        "sign-in": (Client(), reverse("account_login")),
        "org home": (approver, reverse("org_home", args=["northwind"])),
        "review": (
            approver,
            reverse("content_deliverable", kwargs={"org_slug": "northwind", "pk": deliverable.pk}),
        ),
        "api docs": (approver, reverse("api_docs")),
    }
    with override_settings(STATIC_ROOT=collected, STORAGES=MANIFEST):
        for label, (client, url) in pages.items():
            response = client.get(url)
            assert response.status_code == 200, label
            urls = assets_of(response.content.decode())
            static_urls = [u for u in urls if u.startswith("/static/")]
            assert static_urls, label
            for asset in static_urls:
                assert_hashed_and_collected(asset, collected)
            # Nothing else but Swagger's own page script (a view, not a static file).
            assert set(urls) - set(static_urls) <= {reverse("api_docs") + "?script="}, label
            if label == "review":
                assert any("/js/review." in u for u in static_urls)
            if label == "api docs":
                assert any("swagger-ui-bundle." in u for u in static_urls)


def whitenoise_get(url: str, root: Path, **headers: Any) -> Any:
    # A new client builds its own middleware, so WhiteNoise indexes the collected folder.
    with override_settings(STATIC_ROOT=root, STORAGES=MANIFEST, WHITENOISE_USE_FINDERS=False):
        return Client().get(url, headers=headers)


@pytest.mark.django_db  # the unknown name falls through to the app's 404 page
def test_whitenoise_caches_hashed_names_for_good_and_plain_names_briefly(collected: Path) -> None:
    with override_settings(STATIC_ROOT=collected, STORAGES=MANIFEST):
        from django.templatetags.static import static

        hashed = static("css/app.css")
    assert HASHED.search(hashed), hashed
    response = whitenoise_get(hashed, collected)
    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "immutable" in cache and "public" in cache
    max_age = int(re.search(r"max-age=(\d+)", cache).group(1))
    assert max_age >= YEAR
    assert response["Content-Type"].startswith("text/css")
    gzipped = whitenoise_get(hashed, collected, **{"Accept-Encoding": "gzip"})
    assert gzipped["Content-Encoding"] == "gzip"
    plain = whitenoise_get("/static/css/app.css", collected)
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", plain["Cache-Control"]).group(1)) <= 600
    assert whitenoise_get("/static/css/app.0123456789ab.css", collected).status_code == 404
