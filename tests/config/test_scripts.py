"""Each page loads only the scripts it uses: review.js where the review form or the "next item"
link is (and nowhere else), htmx where an hx- attribute asks for it (every signed-in page has
the polling bell; anonymous pages have none and load no htmx); app.js everywhere (the menu
button, the flash focus and the confirmation dialog of the shell)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from organizations.roles import Role
from tests.conftest import World
from tests.programs.test_content import launch, submit

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# hx- attributes that make htmx act (the CSRF header on <body> alone needs no htmx).
HX_ACTION = re.compile(r"\s(?:data-)?hx-(?:get|post|put|patch|delete|trigger|swap-oob)=")
REVIEW_UI = ("data-review-shortcuts", "data-next-item")


def scripts_of(html: str) -> list[str]:
    return re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)


def check_page(label: str, html: str) -> None:
    scripts = scripts_of(html)
    has_review_js = any("/js/review." in s for s in scripts)
    has_htmx = any("htmx" in s for s in scripts)
    assert has_review_js == any(marker in html for marker in REVIEW_UI), label
    assert has_htmx == bool(HX_ACTION.search(html)), label
    assert any("/js/app." in s for s in scripts), label


def test_templates_load_review_js_only_beside_the_review_ui() -> None:
    users = [p for p in TEMPLATES.rglob("*.html") if "js/review.js" in p.read_text()]
    assert users, "review.js is loaded by no template"
    for path in users:
        text = path.read_text()
        assert any(marker in text for marker in REVIEW_UI), path


@pytest.mark.django_db
def test_rendered_pages_load_only_the_scripts_they_use(world: World) -> None:
    launched = launch(world)
    submit(launched)
    deliverable = launched.program.deliverables.get()
    review_page = reverse(
        "content_deliverable", kwargs={"org_slug": "northwind", "pk": deliverable.pk}
    )
    approver = launched.cast.client_for(Role.APPROVER)
    analyst = launched.cast.client_for(Role.ANALYST)
    pages = {
        "landing": (Client(), reverse("home")),
        "sign-in": (Client(), reverse("account_login")),
        "sign-up": (Client(), reverse("account_signup")),
        "org home": (approver, reverse("org_home", args=["northwind"])),
        "programs": (approver, reverse("program_list", args=["northwind"])),
        "review": (approver, review_page),
        "analyst's view of the item": (analyst, review_page),
        "portal": (launched.creator_client(), reverse("portal_home")),
    }
    seen = {}
    for label, (client, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, label
        html = response.content.decode()
        check_page(label, html)
        seen[label] = scripts_of(html)
    assert any("/js/review." in s for s in seen["review"])
    assert not any("/js/review." in s for s in seen["analyst's view of the item"])
    assert not any("htmx" in s for s in seen["landing"] + seen["sign-in"])
    assert any("htmx" in s for s in seen["org home"])
