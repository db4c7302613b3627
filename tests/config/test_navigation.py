"""The layout: the sidebar each role sees (grouped by area), the menu button, breadcrumbs on
program, hub, task and payout pages, and the org navigation kept on the notifications page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from messaging.kinds import OwnerRole, TaskKind
from messaging.services import queue
from organizations.models import Membership
from organizations.roles import Role
from payments.models import Payout
from tests.conftest import Cast, World, confirm_and_launch, login_client, make_payout

pytestmark = pytest.mark.django_db

WORK, MONEY, INSIGHT, ORG = "Work", "Money", "Insight", "Organization"
STAFF = {
    WORK: ["Home", "Desk", "Programs", "Creators", "Cases"],
    MONEY: ["Payments"],
    INSIGHT: ["Reports"],
    ORG: ["Members", "Brands"],
}
SIDEBARS = {
    Role.ADMIN: {
        WORK: ["Home", "Desk", "Approvals", "Programs", "Creators", "Cases"],
        MONEY: ["Payments"],
        INSIGHT: ["Reports"],
        ORG: ["Members", "Brands", "Settings", "Audit trail", "Webhooks", "Orders", "API tokens"],
    },
    Role.ISM: STAFF,
    Role.BSM: STAFF,
    Role.BRAND_MANAGER: {
        WORK: ["Home", "Approvals", "Programs", "Cases"],
        INSIGHT: ["Reports"],
        ORG: ["Brands"],
    },
    Role.APPROVER: {WORK: ["Home", "Approvals", "Programs", "Cases"], ORG: ["Brands"]},
    Role.ANALYST: {WORK: ["Home", "Programs", "Cases"], INSIGHT: ["Reports"], ORG: ["Brands"]},
}


def _url(name: str, slug: str = "northwind", **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def _groups(response) -> dict[str, list[str]]:
    return {
        group.label: [item.label for item in group.items] for group in response.context["sidebar"]
    }


def _main_nav(html: str) -> str:
    match = re.search(
        r'<nav id="site-nav" class="sidebar" aria-label="Main">(.*?)</nav>', html, re.S
    )
    assert match, "no sidebar"
    return match.group(1)


def _breadcrumbs(html: str) -> str:
    match = re.search(r'<nav aria-label="Breadcrumb" class="breadcrumbs">(.*?)</nav>', html, re.S)
    assert match, "no breadcrumbs"
    return match.group(1)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_each_role_sees_its_groups_and_every_item_opens(cast: Cast, role: str) -> None:
    client = cast.client_for(role)
    response = client.get(_url("org_home"))
    assert response.status_code == 200
    assert _groups(response) == SIDEBARS[role]
    html = _main_nav(response.content.decode())
    # Each group is a labelled list; the current page is marked.
    for group in SIDEBARS[role]:
        assert f">{group}</p>" in html
    assert f'<a href="{_url("org_home")}" aria-current="page">Home</a>' in html
    for group in response.context["sidebar"]:
        for item in group.items:
            assert client.get(item.url).status_code == 200, (role, item.label)


def test_the_current_item_follows_the_area_of_the_page(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    pages = {
        _url("program_detail", pk=world.program.pk): "Programs",
        _url("enrollment_detail", pk=world.enrollment.pk): "Programs",
        _url("org_brands"): "Brands",
        _url("payment_run_list"): "Payments",
        _url("org_desk"): "Desk",
    }
    for url, label in pages.items():
        groups = client.get(url).context["sidebar"]
        current = [item.label for group in groups for item in group.items if item.current]
        assert current == [label], url


def test_the_menu_button_controls_the_sidebar(cast: Cast) -> None:
    html = cast.client_for(Role.ISM).get(_url("org_home")).content.decode()
    button = re.search(r"<button[^>]*class=\"menu-button[^>]*>Menu</button>", html)
    assert button, "no menu button"
    assert 'type="button"' in button.group(0)
    assert 'aria-expanded="false"' in button.group(0)
    assert 'aria-controls="site-nav"' in button.group(0)
    assert 'id="site-nav"' in html
    # The script that toggles it is a static file (CSP: no inline script).
    assert re.search(r'<script src="[^"]*js/app[.\w]*js" defer></script>', html)
    assert "onclick" not in html


def test_anonymous_pages_have_no_sidebar(client) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert 'id="site-nav"' not in html and "menu-button" not in html


def test_the_notifications_page_keeps_the_org_navigation(cast: Cast) -> None:
    client = cast.client_for(Role.BSM)
    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert _groups(response) == STAFF
    assert _url("org_desk") in _main_nav(response.content.decode())


def test_the_notifications_page_follows_the_org_last_worked_in(cast: Cast) -> None:
    user = cast.members[Role.ADMIN].user
    Membership.objects.create(organization=cast.outsider_org, user=user, role=Role.ADMIN)
    client = login_client(user)
    # Acme sorts first: without a last org, the first membership's navigation.
    assert _url("org_home", slug="acme") in _main_nav(
        client.get(reverse("notifications")).content.decode()
    )
    client.get(_url("org_home"))
    html = _main_nav(client.get(reverse("notifications")).content.decode())
    assert _url("org_home") in html and "/orgs/acme/" not in html


def test_a_creator_without_an_org_sees_the_portal_link(world: World) -> None:
    response = world.creator_client().get(reverse("notifications"))
    assert list(response.context["sidebar"]) == []
    html = _main_nav(response.content.decode())
    assert reverse("portal_home") in html and "/orgs/" not in html


def test_program_pages_carry_breadcrumbs(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    program = world.program
    detail = _breadcrumbs(client.get(_url("program_detail", pk=program.pk)).content.decode())
    assert f'<a href="{_url("program_list")}">Programs</a>' in detail
    assert f'<span aria-current="page">{program.name}</span>' in detail
    for name, label in (("program_tasks", "Tasks"), ("program_history", "History")):
        crumbs = _breadcrumbs(client.get(_url(name, pk=program.pk)).content.decode())
        assert f'<a href="{_url("program_detail", pk=program.pk)}">{program.name}</a>' in crumbs
        assert f'<span aria-current="page">{label}</span>' in crumbs


def test_the_enrollment_hub_carries_breadcrumbs(world: World) -> None:
    html = world.cast.client_for(Role.ISM).get(_url("enrollment_detail", pk=world.enrollment.pk))
    crumbs = _breadcrumbs(html.content.decode())
    assert f'<a href="{_url("program_list")}">Programs</a>' in crumbs
    assert f'<a href="{_url("program_detail", pk=world.program.pk)}">Spring Glow</a>' in crumbs
    assert '<span aria-current="page">Cara Creator</span>' in crumbs


def test_task_and_payout_pages_carry_breadcrumbs(world: World) -> None:
    task, _ = queue.task_create(
        organization=world.cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Answer Cara",
        owner_role=OwnerRole.ISM,
        dedupe_key="test:breadcrumbs",
    )
    client = world.cast.client_for(Role.ADMIN)
    crumbs = _breadcrumbs(client.get(_url("desk_task", pk=task.pk)).content.decode())
    assert f'<a href="{_url("org_desk")}">Desk</a>' in crumbs
    assert f'<span aria-current="page">{task.title}</span>' in crumbs
    confirm_and_launch(world)
    payout: Payout = make_payout(world)
    crumbs = _breadcrumbs(client.get(_url("payout_detail", pk=payout.pk)).content.decode())
    assert f'<a href="{_url("payout_list")}">Payments</a>' in crumbs
    assert f'<span aria-current="page">Payout #{payout.pk}</span>' in crumbs
