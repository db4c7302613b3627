"""Feedback: destructive and money-moving actions ask first (a <dialog> opened by app.js from the
form's data-confirm), cancelling a program sits in its own danger zone, the desk's counters
follow an htmx claim, and the first two-factor set-up ends at home with the codes one link away."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from messaging.kinds import OwnerRole, TaskKind, TaskState
from messaging.services import queue
from organizations.models import Membership
from organizations.roles import Role
from payments.models import PaymentSchedule
from payments.runs.schedule import schedule_for
from programs.cases import services as cases
from programs.models import ComplianceCase
from tests.conftest import Cast, World, confirm_and_launch, make_payout
from tests.factories import PASSWORD, OrganizationFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db


def _url(name: str, slug: str = "northwind", **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def _form_posting_to(html: str, action: str) -> str:
    """The opening tag of the form whose action is ``action`` (or whose hidden action is)."""
    for tag in re.findall(r"<form\b[^>]*>", html):
        if f'action="{action}"' in tag:
            return tag
    raise AssertionError(f"no form posting to {action}")


def _asks_first(tag: str, words: str) -> None:
    match = re.search(r'data-confirm="([^"]*)"', tag)
    assert match, f"no confirmation on {tag}"
    assert words in match.group(1)
    assert "data-confirm-button=" in tag


def test_the_page_carries_one_confirmation_dialog(cast: Cast) -> None:
    html = cast.client_for(Role.ADMIN).get(_url("org_home")).content.decode()
    assert html.count('<dialog id="confirm-dialog"') == 1
    assert '<form method="dialog">' in html
    assert 'value="proceed"' in html and 'value="back"' in html


def test_cancel_program_sits_in_a_danger_zone_and_asks_first(world: World) -> None:
    program = world.program
    html = world.cast.client_for(Role.ADMIN).get(_url("program_detail", pk=program.pk))
    html = html.content.decode()
    cancel_url = _url("program_cancel", pk=program.pk)
    _asks_first(_form_posting_to(html, cancel_url), "Cancel Spring Glow?")
    actions = html[
        html.index('id="actions-h"') : html.index("</section>", html.index('id="actions-h"'))
    ]
    assert cancel_url not in actions  # not beside "Open recruiting" / "Mark completed"
    zone_start = html.index('<section class="card danger-zone"')
    zone = html[zone_start : html.index("</section>", zone_start)]
    assert cancel_url in zone and "Danger zone" in zone
    assert html.index('id="actions-h"') < zone_start


def test_a_role_that_cannot_cancel_sees_no_danger_zone(world: World) -> None:
    html = world.cast.client_for(Role.ANALYST).get(_url("program_detail", pk=world.program.pk))
    assert b"danger-zone" not in html.content


def test_withdrawing_a_place_asks_first(world: World) -> None:
    html = world.cast.client_for(Role.ISM).get(_url("enrollment_detail", pk=world.enrollment.pk))
    tags = [t for t in re.findall(r"<form\b[^>]*>", html.content.decode()) if "data-confirm" in t]
    assert len(tags) == 1
    _asks_first(tags[0], "Withdraw Cara Creator")


def test_ending_a_collaboration_asks_first(world: World) -> None:
    confirm_and_launch(world)
    bsm = world.cast.members[Role.BSM]
    case = cases.case_open(
        enrollment=world.enrollment,
        actor=bsm.user,
        membership=bsm,
        kind=ComplianceCase.Kind.GUIDELINE_BREACH,
        severity=ComplianceCase.Severity.HIGH,
        evidence="The post spells the brand wrong.",
        evidence_links=[],
    )
    html = world.cast.client_for(Role.BSM).get(_url("case_detail", pk=case.pk)).content.decode()
    terminate = html[html.index('id="act-terminate-h"') :]
    _asks_first(re.search(r"<form\b[^>]*>", terminate).group(0), "End the collaboration")


def test_starting_a_run_and_cancelling_a_payout_ask_first(world: World) -> None:
    confirm_and_launch(world)
    schedule = schedule_for(organization=world.cast.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(require_readiness=False)
    payout = make_payout(world, "250.00")
    client = world.cast.client_for(Role.ADMIN)
    html = client.get(_url("payment_run_preview")).content.decode()
    _asks_first(_form_posting_to(html, _url("payment_run_preview")), "pay 1 payout ($250.00)")
    html = client.get(_url("payout_detail", pk=payout.pk)).content.decode()
    cancel = _form_posting_to(html, _url("payout_cancel", pk=payout.pk))
    _asks_first(cancel, f"Cancel payout #{payout.pk}")


def test_an_htmx_claim_returns_the_row_and_the_desk_counters(world: World) -> None:
    task, _ = queue.task_create(
        organization=world.cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Answer Cara",
        owner_role=OwnerRole.ISM,
        dedupe_key="test:counters",
    )
    client = world.cast.client_for(Role.ISM)
    desk = client.get(_url("org_desk")).content.decode()
    assert desk.count('id="task-counts"') == 1 and "data-hx-swap-oob" not in desk
    assert re.search(r"<strong>1</strong> open</li>\s*<li><strong>0</strong> in progress", desk)
    response = client.post(_url("desk_task_claim", pk=task.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<tr id="task-{task.pk}"' in html
    counters = re.search(r'<ul class="stats" id="task-counts"[^>]*>(.*?)</ul>', html, re.S)
    assert counters and 'data-hx-swap-oob="true"' in counters.group(0)
    assert re.search(r"<strong>0</strong> open</li>\s*<li><strong>1</strong> in progress", html)
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS
    # Without htmx, the claim still redirects to the task page (no counters needed).
    other, _ = queue.task_create(
        organization=world.cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Answer Olli",
        owner_role=OwnerRole.ISM,
        dedupe_key="test:counters-2",
    )
    assert client.post(_url("desk_task_claim", pk=other.pk)).status_code == 302


def _signed_in_without_totp(email: str) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _activate(client: Client, next_url: str | None) -> Any:
    url = reverse("mfa_activate_totp") + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    if page.status_code == 302:  # allauth asks for the password again first
        assert page["Location"].startswith(reverse("account_reauthenticate"))
        page = client.post(page["Location"], {"password": PASSWORD}, follow=True)
    assert page.status_code == 200
    assert page.request["PATH_INFO"] == reverse("mfa_activate_totp")
    secret = page.context["form"].secret
    return client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)


def test_first_two_factor_set_up_lands_where_the_admin_was_going(db: None) -> None:
    org = OrganizationFactory(name="Fresh Agency", slug="fresh")
    admin = UserFactory(email="fresh-admin@demo.test")
    Membership.objects.create(organization=org, user=admin, role=Role.ADMIN)
    client = _signed_in_without_totp(admin.email)
    # The org page sends them to set up an authenticator, remembering where they were going.
    response = client.get(_url("org_home", slug="fresh"))
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next=/orgs/fresh/"
    landed = _activate(client, "/orgs/fresh/")
    assert landed.redirect_chain[-1][0] == "/orgs/fresh/"
    assert reverse("mfa_view_recovery_codes") not in [url for url, _ in landed.redirect_chain]
    assert landed.status_code == 200
    html = landed.content.decode()
    assert "Two-factor sign-in is on" in html
    assert f'<a href="{reverse("mfa_view_recovery_codes")}">recovery codes</a>' in html
    # The codes are there when they look.
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200


def test_two_factor_set_up_without_a_destination_lands_at_home(db: None) -> None:
    user = UserFactory(email="someone@demo.test", is_creator=True)
    client = _signed_in_without_totp(user.email)
    landed = _activate(client, "https://evil.example/")
    assert [url for url, _ in landed.redirect_chain][:2] == [
        reverse("home"),
        reverse("portal_home"),
    ]


def test_a_later_set_up_with_codes_already_kept_still_lands_at_home(db: None) -> None:
    """Deactivating and activating again keeps the recovery codes: no message about new ones."""
    user = UserFactory(email="again@demo.test", is_creator=True)
    client = _signed_in_without_totp(user.email)
    _activate(client, None)
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    landed = _activate(client, None)
    assert landed.redirect_chain[0][0] == reverse("home")
    assert b"Two-factor sign-in is on" not in landed.content
