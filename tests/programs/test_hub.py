"""The program's tabs and the enrollment hub: who sees which tab, what the hub shows each role,
the refusals (403 without the role, 404 outside the org or the brand, 4xx for bad input with
nothing written), a constant query count, and the links that lead to the hub."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.kinds import OwnerRole, TaskKind, Topic
from messaging.models import Task
from messaging.services.requests import request_create
from messaging.services.threads import message_post
from organizations.roles import Role
from programs import services as programs
from programs.cases.services import case_open
from programs.models import Deliverable, Enrollment, Submission, TermsVersion
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, login_client, make_creator, make_payout
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db
_seq = count()

# Every role's tabs on a program of a brand it covers, in their order.
TABS = {
    Role.ADMIN: [
        "Overview",
        "Recruiting roster",
        "Content",
        "Due dates",
        "Performance",
        "Payouts",
        "Tasks",
        "History",
        "Calendar",
    ],
    Role.ISM: [
        "Overview",
        "Recruiting roster",
        "Content",
        "Due dates",
        "Performance",
        "Payouts",
        "Tasks",
        "History",
        "Calendar",
    ],
    Role.BSM: [
        "Overview",
        "Content",
        "Due dates",
        "Performance",
        "Payouts",
        "Tasks",
        "History",
        "Calendar",
    ],
    Role.BRAND_MANAGER: ["Overview", "Content", "Due dates", "Performance", "History", "Calendar"],
    Role.APPROVER: ["Overview", "Content", "History", "Calendar"],
    Role.ANALYST: ["Overview", "Performance", "History", "Calendar"],
}
# The page behind each tab, and the tab it marks as the current one.
TAB_PAGES = {
    "Overview": "program_detail",
    "Recruiting roster": "desk_program_roster",
    "Content": "program_content",
    "Due dates": "program_due_dates",
    "Performance": "program_report",
    "Payouts": "program_payouts",
    "Tasks": "program_tasks",
    "History": "program_history",
    "Calendar": "program_calendar",
}
TAB_BAR = re.compile(r'<nav aria-label="Program" class="tabs">(.*?)</nav>', re.S)
TAB_LINK = re.compile(r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>')


def _url(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def tabs_of(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, current) of each tab in the page's tab bar."""
    bar = TAB_BAR.search(html)
    assert bar is not None, "the page has no program tab bar"
    return [(label, href, bool(current)) for href, current, label in TAB_LINK.findall(bar[1])]


def accepted(world: World) -> Enrollment:
    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=1
    )
    world.enrollment.refresh_from_db()
    return world.enrollment


def hub_url(enrollment: Enrollment, slug: str = "northwind") -> str:
    return _url("enrollment_detail", slug, pk=enrollment.pk)


# --- the tabs ---


@pytest.mark.parametrize("role", list(TABS))
def test_each_role_sees_exactly_its_tabs_and_every_tab_opens(world: World, role: str) -> None:
    client = world.cast.client_for(role)
    page = client.get(_url("program_detail", pk=world.program.pk))
    tabs = tabs_of(page.content.decode())
    assert [label for label, _, _ in tabs] == TABS[role]
    for label, href, _ in tabs:
        assert href == _url(TAB_PAGES[label], pk=world.program.pk)
        opened = client.get(href)
        assert opened.status_code == 200, (role, label)
        html = opened.content.decode()
        assert html.count("<h1") == 1
        # The same tabs on every program page, the one shown marked as current.
        assert [(lbl, cur) for lbl, _, cur in tabs_of(html)] == [
            (lbl, lbl == label) for lbl in TABS[role]
        ]


@pytest.mark.parametrize(
    ("role", "hidden"),
    [
        (Role.BSM, ["desk_program_roster"]),
        (Role.BRAND_MANAGER, ["desk_program_roster", "program_payouts", "program_tasks"]),
        (Role.APPROVER, ["program_due_dates", "program_payouts", "program_tasks"]),
        (Role.ANALYST, ["program_due_dates", "program_payouts", "program_tasks"]),
    ],
)
def test_a_hidden_tab_is_refused_to_the_role(world: World, role: str, hidden: list[str]) -> None:
    client = world.cast.client_for(role)
    for name in hidden:
        assert client.get(_url(name, pk=world.program.pk)).status_code == 403, name


def test_the_candidates_page_carries_the_roster_tab(world: World) -> None:
    page = world.cast.client_for(Role.ISM).get(_url("desk_program_candidates", pk=world.program.pk))
    current = [label for label, _, cur in tabs_of(page.content.decode()) if cur]
    assert current == ["Recruiting roster"]


def test_tab_pages_of_another_org_or_brand_are_404(world: World) -> None:
    trail = programs.program_create(
        organization=world.cast.org,
        brand=world.cast.other_brand,
        name="Trail Mix",
        actor=world.cast.members[Role.ADMIN].user,
    )
    for name in ("program_history", "program_tasks", "program_payouts"):
        assert (
            login_client(world.cast.outsider.user).get(_url(name, pk=world.program.pk)).status_code
            == 404
        )
        own = _url(name, "acme", pk=world.program.pk)
        assert login_client(world.cast.outsider.user).get(own).status_code == 404
    brand_client = world.cast.client_for(Role.BRAND_MANAGER)
    assert brand_client.get(_url("program_history", pk=trail.pk)).status_code == 404
    assert brand_client.get(_url("program_due_dates", pk=trail.pk)).status_code == 404


def test_the_payouts_tab_lists_the_programs_payouts_with_hub_links(world: World) -> None:
    payout = make_payout(world, "120.00")
    page = world.cast.client_for(Role.BSM).get(_url("program_payouts", pk=world.program.pk))
    html = page.content.decode()
    assert _url("payout_detail", pk=payout.pk) in html
    assert hub_url(world.enrollment) in html


def test_the_history_tab_reads_in_sentences_and_pages(world: World) -> None:
    admin = world.cast.members[Role.ADMIN].user
    for n in range(55):
        programs.program_update(program=world.program, actor=admin, goals=f"Goals {n}")
    client = world.cast.client_for(Role.APPROVER)
    first = client.get(_url("program_history", pk=world.program.pk)).content.decode()
    assert "changed the brief of Spring Glow" in first and "program.updated" not in first
    assert "Page 1 of 2" in first
    second = client.get(_url("program_history", pk=world.program.pk) + "?page=2")
    assert "created the program Spring Glow" in second.content.decode()


# --- the hub: what each role sees ---


def test_every_role_covering_the_brand_reads_the_hub_with_its_own_actions(world: World) -> None:
    enrollment = accepted(world)
    url = hub_url(enrollment)
    expected = {
        # role: (confirm, amend, withdraw, case link, payouts and desk sections)
        Role.ADMIN: (True, True, True, True, True),
        Role.ISM: (True, True, True, False, True),
        Role.BSM: (False, True, False, True, True),
        Role.BRAND_MANAGER: (False, False, False, True, False),
        Role.APPROVER: (False, False, False, False, False),
        Role.ANALYST: (False, False, False, False, False),
    }
    make_payout(world, "80.00")
    for role, (confirm, amend, withdraw, case, desk) in expected.items():
        page = world.cast.client_for(role).get(url)
        assert page.status_code == 200, role
        html = page.content.decode()
        assert html.count("<h1") == 1
        assert "Cara Creator in Spring Glow" in html
        assert ('value="confirm"' in html) is confirm, role
        assert ('value="amend"' in html) is amend, role
        assert ('value="withdraw"' in html) is withdraw, role
        assert (_url("case_new", pk=enrollment.pk) in html) is case, role
        assert ("80.00" in html) is desk, role  # payouts: the roles that read money
        assert ('id="tasks-h"' in html) is desk, role
        assert "Version 1" in html and "accepted" in html


def test_the_hub_shows_terms_changes_work_clicks_payouts_thread_tasks_and_cases(
    world: World,
) -> None:
    enrollment = accepted(world)
    ism = world.cast.members[Role.ISM].user
    recruiting.terms_amend(
        enrollment=enrollment,
        actor=ism,
        reason="Pay for performance",
        changes={"fee": Decimal("300"), "per_click_rate": Decimal("0.15")},
    )
    deliverable = Deliverable.objects.create(
        organization=world.cast.org,
        enrollment=enrollment,
        program=world.program,
        kind="post",
        platform="instagram",
        due_on=timezone.localdate() + timedelta(days=3),
        original_due_on=timezone.localdate() + timedelta(days=3),
    )
    Submission.objects.create(
        organization=world.cast.org,
        deliverable=deliverable,
        version=1,
        caption="Morning glow",
        disclosure_passed=False,
        submitted_by=world.creator.user,
    )
    payout = make_payout(world, "250.00")
    case = case_open(
        enrollment=enrollment,
        actor=world.cast.members[Role.BSM].user,
        membership=world.cast.members[Role.BSM],
        kind="guideline_breach",
        severity="low",
        evidence="A competitor's jacket in frame.",
        evidence_links=[],
    )
    question = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=Topic.REQUIREMENTS,
        text="May the video be vertical?",
        enrollment=enrollment,
    )
    html = world.cast.client_for(Role.ADMIN).get(hub_url(enrollment)).content.decode()
    assert "May the video be vertical?" in html
    assert question.thread_id is not None
    assert _url("desk_thread", pk=question.thread_id) in html
    assert "Version 2" in html and "awaiting the creator's acceptance" in html
    assert "Flat fee: <del>250.00" in html and "<ins>300.00" in html
    assert "Pay per valid click: <del>—</del> → <ins>0.1500" in html
    assert "“Pay for performance”" in html
    assert _url("content_deliverable", pk=deliverable.pk) in html
    assert "disclosure missing" in html
    assert _url("payout_detail", pk=payout.pk) in html
    assert _url("case_detail", pk=case.pk) in html
    assert "End the collaboration" in html and _url("case_new", pk=enrollment.pk) not in html
    confirm_task = Task.objects.get(enrollment=enrollment, kind=TaskKind.CONFIRM_CREATOR)
    assert _url("desk_task", pk=confirm_task.pk) in html
    assert "Valid clicks" in html and "Click milestone" in html
    assert "sent new terms: Terms v2 for Cara Creator in Spring Glow" in html
    assert "accepted the invitation: Cara Creator in Spring Glow" in html


def test_the_hub_history_is_limited_with_a_count(world: World) -> None:
    enrollment = accepted(world)
    ism = world.cast.members[Role.ISM].user
    for n in range(52):
        recruiting.terms_amend(
            enrollment=enrollment, actor=ism, reason=f"Change {n}", changes={"fee": n + 1}
        )
    html = world.cast.client_for(Role.ISM).get(hub_url(enrollment)).content.decode()
    assert "The latest 50 of 54 events" in html


# --- the hub: refusals ---


@pytest.mark.parametrize(
    ("role", "action"),
    [
        (Role.ANALYST, "confirm"),
        (Role.APPROVER, "confirm"),
        (Role.BRAND_MANAGER, "confirm"),
        (Role.BSM, "confirm"),
        (Role.BSM, "withdraw"),
        (Role.ANALYST, "amend"),
        (Role.BRAND_MANAGER, "amend"),
    ],
)
def test_an_action_without_its_role_is_403_and_writes_nothing(
    world: World, role: str, action: str
) -> None:
    enrollment = accepted(world)
    payload = {"action": action, "reason": "Because", "fee": "999"}
    response = world.cast.client_for(role).post(hub_url(enrollment), payload)
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.ACCEPTED
    assert TermsVersion.objects.filter(enrollment=enrollment).count() == 1


def test_the_bsm_amends_to_performance_based_pay(world: World) -> None:
    enrollment = accepted(world)
    response = world.cast.client_for(Role.BSM).post(
        hub_url(enrollment),
        {"action": "amend", "reason": "Paid per click from now on", "per_click_rate": "0.20"},
    )
    assert response.status_code == 302
    latest = TermsVersion.objects.filter(enrollment=enrollment).order_by("-number").first()
    assert latest is not None and latest.snapshot["per_click_rate"] == "0.2000"


def test_a_link_may_prefill_the_amendment_without_writing_it(world: World) -> None:
    enrollment = accepted(world)
    url = hub_url(enrollment) + "?per_click_rate=0.15&reason=Pace+is+behind&bogus=1"
    html = world.cast.client_for(Role.BSM).get(url).content.decode()
    assert 'value="0.15"' in html and 'value="Pace is behind"' in html
    assert TermsVersion.objects.filter(enrollment=enrollment).count() == 1


def test_the_ism_confirms_on_the_hub(world: World) -> None:
    enrollment = accepted(world)
    client = world.cast.client_for(Role.ISM)
    response = client.post(hub_url(enrollment), {"action": "confirm"}, follow=True)
    assert "Cara Creator is confirmed" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.CONFIRMED
    assert not Task.objects.filter(
        enrollment=enrollment, kind=TaskKind.CONFIRM_CREATOR, state__in=["open", "in_progress"]
    ).exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"action": "amend", "reason": "", "fee": "300"}, 400),
        ({"action": "amend", "reason": "Less", "fee": "-5"}, 400),
        ({"action": "amend", "reason": "Nothing"}, 400),
        ({"action": "withdraw", "reason": ""}, 400),
        ({"action": "fly"}, 400),
        ({}, 400),
    ],
)
def test_bad_input_is_4xx_and_writes_nothing(world: World, payload: dict, status: int) -> None:
    enrollment = accepted(world)
    response = world.cast.client_for(Role.ADMIN).post(hub_url(enrollment), payload)
    assert response.status_code == status
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.ACCEPTED
    assert TermsVersion.objects.filter(enrollment=enrollment).count() == 1


def test_confirming_an_invitation_not_yet_accepted_is_a_conflict(world: World) -> None:
    response = world.cast.client_for(Role.ISM).post(
        hub_url(world.enrollment), {"action": "confirm"}
    )
    assert response.status_code == 409
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.INVITED


def test_another_org_or_brand_gets_404(world: World) -> None:
    outsider = login_client(world.cast.outsider.user)
    assert outsider.get(hub_url(world.enrollment)).status_code == 404
    assert outsider.get(hub_url(world.enrollment, "acme")).status_code == 404
    assert (
        outsider.post(hub_url(world.enrollment, "acme"), {"action": "confirm"}).status_code == 404
    )
    assert world.cast.client_for(Role.ADMIN).get(_url("enrollment_detail", pk=0)).status_code == 404
    admin = world.cast.members[Role.ADMIN].user
    trail = programs.program_create(
        organization=world.cast.org, brand=world.cast.other_brand, name="Trail Mix", actor=admin
    )
    enrollment = Enrollment.objects.create(
        organization=world.cast.org, program=trail, creator=world.creator, state="invited"
    )
    for role in (Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST):
        assert world.cast.client_for(role).get(hub_url(enrollment)).status_code == 404, role
    assert world.cast.client_for(Role.ISM).get(hub_url(enrollment)).status_code == 200


def test_the_old_desk_address_redirects_permanently(world: World) -> None:
    old = _url("desk_enrollment", pk=world.enrollment.pk)
    response = world.cast.client_for(Role.ISM).get(old)
    assert response.status_code == 301
    assert response["Location"] == hub_url(world.enrollment)


# --- the hub: queries ---


def test_the_hub_has_a_constant_number_of_queries(world: World) -> None:
    enrollment = accepted(world)
    ism = world.cast.members[Role.ISM].user
    thread = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=Topic.REQUIREMENTS,
        text="First question",
        enrollment=enrollment,
    ).thread

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(_seq)
            message_post(thread=thread, author=ism, text=f"Answer {i}", from_creator=False)
            recruiting.terms_amend(
                enrollment=enrollment, actor=ism, reason=f"Change {i}", changes={"fee": i + 1}
            )
            deliverable = Deliverable.objects.create(
                organization=world.cast.org,
                enrollment=enrollment,
                program=world.program,
                kind="post",
                platform="instagram",
                due_on=timezone.localdate(),
                original_due_on=timezone.localdate(),
            )
            for version in (1, 2):
                Submission.objects.create(
                    organization=world.cast.org,
                    deliverable=deliverable,
                    version=version,
                    disclosure_passed=True,
                    submitted_by=world.creator.user,
                )
            make_payout(world, "10.00", key=f"k{i}")
            Task.objects.create(
                organization=world.cast.org,
                kind=TaskKind.CREATOR_REQUEST,
                title=f"Question {i}",
                owner_role=OwnerRole.ISM,
                assignee=ism if i % 2 else None,
                enrollment=enrollment,
                program=world.program,
                dedupe_key=f"q{i}",
                due_at=timezone.now() + timedelta(hours=i),
            )

    grow(2)
    client = world.cast.client_for(Role.ADMIN)
    url = hub_url(enrollment)
    response = assert_constant_queries(lambda: client.get(url), grow=lambda: grow(12))
    assert response.status_code == 200


# --- links to the hub ---


def test_the_roster_the_creator_page_and_the_case_link_to_the_hub(world: World) -> None:
    enrollment = accepted(world)
    hub = hub_url(enrollment)
    ism = world.cast.client_for(Role.ISM)
    roster = ism.get(_url("desk_program_roster", pk=world.program.pk)).content.decode()
    assert f'href="{hub}"' in roster and "desk/enrollments" not in roster
    creator = ism.get(_url("creator_detail", pk=world.creator.pk)).content.decode()
    assert f'href="{hub}"' in creator
    other = make_creator(world.cast.org, "Nobody Yet", "nobody@example.test")
    empty = ism.get(_url("creator_detail", pk=other.pk)).content.decode()
    assert "Not in any program yet" in empty
    payout = make_payout(world, "50.00")
    bsm = world.cast.client_for(Role.BSM)
    assert hub in bsm.get(_url("payout_detail", pk=payout.pk)).content.decode()
    assert hub in bsm.get(_url("payout_list")).content.decode()
    case = case_open(
        enrollment=enrollment,
        actor=world.cast.members[Role.BSM].user,
        membership=world.cast.members[Role.BSM],
        kind="guideline_breach",
        severity="low",
        evidence="Competitor in frame.",
        evidence_links=[],
    )
    assert hub in bsm.get(_url("case_detail", pk=case.pk)).content.decode()
    assert hub in bsm.get(_url("case_new", pk=enrollment.pk)).content.decode()
