"""Compliance cases: opening with evidence, every action, what the creator sees (never the
team's notes), escalation, a terms amendment, ending a collaboration and what is owed, the
creator's response. Services, pages, API, and every refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict, DomainError, Forbidden, NotFound
from influencer_ops.models import AuditEvent
from messaging.kinds import TaskKind, TaskState
from messaging.models import Message, Notification, Task
from organizations.roles import Role
from programs import services as programs
from programs.cases import services as cases
from programs.models import (
    AmountOwed,
    CaseAction,
    ComplianceCase,
    Deliverable,
    DeliverableState,
    Enrollment,
)
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, login_client
from tests.factories import member
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

Kind = CaseAction.Kind
SECRET = "INTERNAL-ONLY: legal says wait"


# --- set-up ---


def user_of(world: World, role: str) -> Any:
    return world.cast.members[role].user


def membership_of(world: World, role: str) -> Any:
    return world.cast.members[role]


@pytest.fixture
def active(world: World) -> World:
    """The creator accepted terms of 500.00 for three posts, was confirmed, and the program
    launched: the enrollment is active with three pending deliverables."""
    ism = user_of(world, Role.ISM)
    spec = world.program.deliverable_specs.get()
    item = {"kind": "post", "platform": "instagram", "count": 3, "due_on": None}
    recruiting.terms_amend(
        enrollment=world.enrollment,
        actor=ism,
        reason="Three posts for 500.",
        changes={"fee": "500.00", "deliverables": [item | {"due_offset_days": 7, "spec": spec.pk}]},
    )
    recruiting.terms_accept(enrollment=world.enrollment, user=world.creator.user, terms_version=2)
    recruiting.enrollment_confirm(enrollment=world.enrollment, actor=ism)
    programs.program_launch(program=world.program, actor=user_of(world, Role.ADMIN))
    world.enrollment.refresh_from_db()
    world.program.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACTIVE
    assert world.enrollment.deliverables.count() == 3
    return world


def open_case(world: World, role: str = Role.BSM, **fields: Any) -> ComplianceCase:
    values: dict[str, Any] = {
        "kind": ComplianceCase.Kind.GUIDELINE_BREACH,
        "severity": ComplianceCase.Severity.MEDIUM,
        "evidence": "The post spells the brand “Lumen” instead of LUMEN.",
        "evidence_links": ["https://instagram.example/p/1"],
    } | fields
    return cases.case_open(
        enrollment=world.enrollment,
        actor=user_of(world, role),
        membership=membership_of(world, role),
        **values,
    )


def act(world: World, case: ComplianceCase, kind: str, role: str = Role.BSM, **fields: Any):
    fields.setdefault("text", f"About the {kind}.")
    return cases.case_act(
        case=case,
        actor=user_of(world, role),
        membership=membership_of(world, role),
        kind=kind,
        **fields,
    )


def other_brand_manager(world: World) -> Any:
    return member(
        world.cast.org, Role.BRAND_MANAGER, brands=[world.cast.other_brand], email="bm2@x.test"
    )


def page(world: World, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": world.cast.org.slug, **kwargs})


def api(world: World, suffix: str = "") -> str:
    return f"/api/v1/orgs/{world.cast.org.slug}/cases/{suffix}"


# --- opening a case ---


def test_the_bsm_opens_a_case_with_a_task_and_the_creator_is_told(active: World) -> None:
    case = open_case(active)
    assert case.state == ComplianceCase.State.OPEN
    assert case.evidence_links == ["https://instagram.example/p/1"]
    task = Task.objects.get(dedupe_key=f"case:{case.pk}")
    assert task.kind == TaskKind.COMPLIANCE_CASE
    assert task.owner_role == "bsm"
    assert task.assignee == user_of(active, Role.BSM)
    notice = Notification.objects.get(
        recipient=active.creator.user, event_key=f"case:{case.pk}:opened"
    )
    assert notice.url == reverse("portal_case", kwargs={"pk": case.pk})
    assert AuditEvent.objects.filter(verb="case.opened", target_id=str(case.pk)).exists()


def test_a_brand_manager_of_the_brand_opens_a_case_on_the_page(active: World) -> None:
    client = active.cast.client_for(Role.BRAND_MANAGER)
    url = page(active, "case_new", pk=active.enrollment.pk)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "contract_breach",
            "severity": "high",
            "evidence": "No disclosure on the second post.",
            "evidence_links": "https://a.example/1\nhttps://a.example/2\n",
        },
    )
    case = ComplianceCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page(active, "case_detail", pk=case.pk)
    assert case.opened_by == user_of(active, Role.BRAND_MANAGER)
    assert case.evidence_links == ["https://a.example/1", "https://a.example/2"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.APPROVER, Role.ISM])
def test_it_requires_a_role_that_works_on_cases(active: World, role: str) -> None:
    client = active.cast.client_for(role)
    url = page(active, "case_new", pk=active.enrollment.pk)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            url, {"kind": "guideline_breach", "severity": "low", "evidence": "x"}
        ).status_code
        == 403
    )
    assert not ComplianceCase.objects.exists()
    with pytest.raises(Forbidden):
        open_case(active, role)


def test_a_brand_manager_of_another_brand_gets_404(active: World) -> None:
    case = open_case(active)
    client = login_client(other_brand_manager(active).user)
    assert client.get(page(active, "case_new", pk=active.enrollment.pk)).status_code == 404
    assert client.get(page(active, "case_detail", pk=case.pk)).status_code == 404
    assert (
        client.post(
            page(active, "case_detail", pk=case.pk), {"kind": "note", "note-text": "x"}
        ).status_code
        == 404
    )
    assert client.get(api(active, f"{case.pk}/")).status_code == 404
    created = client.post(
        api(active),
        {
            "enrollment": active.enrollment.pk,
            "kind": "guideline_breach",
            "severity": "low",
            "evidence": "x",
        },
        content_type="application/json",
    )
    assert created.status_code == 404


def test_outsider_gets_404(active: World) -> None:
    case = open_case(active)
    client = login_client(active.cast.outsider.user)
    for url in (
        page(active, "case_list"),
        page(active, "case_new", pk=active.enrollment.pk),
        page(active, "case_detail", pk=case.pk),
        api(active),
        api(active, f"{case.pk}/"),
    ):
        assert client.get(url).status_code == 404, url
    # Their own org's pages do not reach our case either.
    own = f"/orgs/{active.cast.outsider_org.slug}/cases/{case.pk}/"
    assert client.get(own).status_code == 404


def test_a_case_needs_a_place_that_has_not_ended_and_evidence(active: World) -> None:
    other = active.other_enrollment  # still only invited
    with pytest.raises(Conflict):
        cases.case_open(
            enrollment=other,
            actor=user_of(active, Role.BSM),
            membership=membership_of(active, Role.BSM),
            kind="guideline_breach",
            severity="low",
            evidence="x",
            evidence_links=[],
        )
    with pytest.raises(DomainError, match="evidence"):
        open_case(active, evidence="   ")
    with pytest.raises(DomainError, match="http"):
        open_case(active, evidence_links=["ftp://files.example/x"])
    with pytest.raises(DomainError, match="20"):
        open_case(active, evidence_links=[f"https://e.example/{n}" for n in range(21)])
    with pytest.raises(DomainError):
        open_case(active, severity="apocalyptic")
    assert not ComplianceCase.objects.exists()


# --- actions ---


def test_each_action_kind_is_recorded(active: World) -> None:
    case = open_case(active)
    message = act(active, case, Kind.MESSAGE, text="Could you fix the spelling today?")
    thread_message = Message.objects.get(thread__enrollment=active.enrollment)
    assert thread_message.text == "Could you fix the spelling today?"
    assert not thread_message.from_creator
    warning = act(active, case, Kind.WARNING)
    remedy = act(
        active,
        case,
        Kind.REMEDY,
        remedy="revised_schedule",
        due_on=timezone.localdate() + timedelta(days=5),
    )
    amendment = act(
        active,
        case,
        Kind.TERMS_AMENDMENT,
        text="Performance-based pay from now on.",
        changes={"per_click_rate": "0.25", "fee": "0"},
    )
    note = act(active, case, Kind.NOTE, text=SECRET)
    escalation = act(active, case, Kind.ESCALATION)
    case.refresh_from_db()
    assert case.state == ComplianceCase.State.ESCALATED
    close = act(active, case, Kind.CLOSE, text="Fixed and acknowledged.")
    case.refresh_from_db()
    assert case.state == ComplianceCase.State.RESOLVED and case.closed_at is not None
    assert Task.objects.get(dedupe_key=f"case:{case.pk}").state == TaskState.DONE
    recorded = list(CaseAction.objects.filter(case=case).values_list("kind", flat=True))
    assert recorded == [
        Kind.MESSAGE,
        Kind.WARNING,
        Kind.REMEDY,
        Kind.TERMS_AMENDMENT,
        Kind.NOTE,
        Kind.ESCALATION,
        Kind.CLOSE,
    ]
    assert remedy.due_on is not None and remedy.remedy == "revised_schedule"
    assert amendment.terms_version is not None and amendment.terms_version.number == 3
    assert amendment.terms_version.snapshot["per_click_rate"] == "0.2500"
    assert not note.visible_to_creator
    assert all(
        a.visible_to_creator for a in (message, warning, remedy, amendment, escalation, close)
    )
    verbs = set(AuditEvent.objects.filter(target_id=str(case.pk)).values_list("verb", flat=True))
    assert {"case.warning", "case.note", "case.close", "case.escalation"} <= verbs


def test_a_remedy_needs_a_choice_and_a_future_due_date(active: World) -> None:
    case = open_case(active)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="remedy"):
        act(active, case, Kind.REMEDY, due_on=today + timedelta(days=3))
    with pytest.raises(DomainError, match="future"):
        act(active, case, Kind.REMEDY, remedy="coaching", due_on=today)
    with pytest.raises(DomainError, match="future"):
        act(active, case, Kind.REMEDY, remedy="coaching")
    assert not CaseAction.objects.exists()


def test_a_note_is_forced_internal_and_a_warning_visible(active: World) -> None:
    case = open_case(active)
    assert not act(active, case, Kind.NOTE, visible_to_creator=True).visible_to_creator
    assert act(active, case, Kind.WARNING, visible_to_creator=False).visible_to_creator
    assert not act(active, case, Kind.ESCALATION, visible_to_creator=False).visible_to_creator


def test_internal_notes_never_reach_the_creator(active: World) -> None:
    case = open_case(active)
    act(active, case, Kind.WARNING, text="Please respect the spelling.")
    act(active, case, Kind.NOTE, text=SECRET)
    act(active, case, Kind.CLOSE, text=f"Closed. {SECRET}", visible_to_creator=False)
    staff = active.cast.client_for(Role.BSM).get(page(active, "case_detail", pk=case.pk))
    assert SECRET in staff.content.decode()
    creator = active.creator_client()
    portal = creator.get(reverse("portal_case", kwargs={"pk": case.pk}))
    assert portal.status_code == 200
    body = portal.content.decode()
    assert "Please respect the spelling." in body
    assert SECRET not in body
    detail = creator.get(f"/api/v1/me/cases/{case.pk}/")
    assert detail.status_code == 200
    assert SECRET not in detail.content.decode()
    assert [a["kind"] for a in detail.json()["actions"]] == ["warning"]
    assert "visible_to_creator" not in detail.json()["actions"][0]
    listed = creator.get("/api/v1/me/cases/")
    assert SECRET not in listed.content.decode()
    notices = Notification.objects.filter(recipient=active.creator.user)
    assert all(SECRET not in n.body and SECRET not in n.title for n in notices)


def test_escalation_notifies_every_org_admin_once(active: World) -> None:
    second_admin = member(active.cast.org, Role.ADMIN, email="admin2@northwind.test").user
    case = open_case(active)
    act(active, case, Kind.ESCALATION, text="Repeated breaches.")
    admins = [user_of(active, Role.ADMIN), second_admin]
    key = f"case:{case.pk}:escalated"
    for admin in admins:
        assert Notification.objects.filter(recipient=admin, event_key=key).count() == 1
    assert not Notification.objects.filter(
        recipient=user_of(active, Role.BSM), event_key=key
    ).exists()
    with pytest.raises(Conflict):
        act(active, case, Kind.ESCALATION, text="Again.")
    assert Notification.objects.filter(event_key=key).count() == len(admins)


def test_a_case_ends_in_a_terms_amendment_the_creator_accepts(active: World) -> None:
    case = open_case(
        active, kind=ComplianceCase.Kind.UNDERPERFORMANCE, evidence="30 clicks of 1000."
    )
    action = act(
        active,
        case,
        Kind.TERMS_AMENDMENT,
        text="Pay per click instead of the flat fee.",
        changes={"per_click_rate": "0.25", "fee": "0"},
    )
    version = action.terms_version
    active.enrollment.refresh_from_db()
    assert active.enrollment.terms_version.number == 2  # not in force until accepted
    recruiting.terms_accept(
        enrollment=active.enrollment, user=active.creator.user, terms_version=version.number
    )
    active.enrollment.refresh_from_db()
    assert active.enrollment.terms_version == version
    assert version.snapshot["fee"] == "0.00"
    assert version.snapshot["per_click_rate"] == "0.2500"
    act(active, case, Kind.CLOSE, text="Moved to performance-based pay.")
    case.refresh_from_db()
    assert case.state == ComplianceCase.State.RESOLVED
    # The creator's case page shows the accepted version.
    body = active.creator_client().get(reverse("portal_case", kwargs={"pk": case.pk})).content
    assert f"Terms version {version.number}: <ins>accepted".encode() in body


def test_a_terms_amendment_needs_changes(active: World) -> None:
    case = open_case(active)
    with pytest.raises(DomainError):
        act(active, case, Kind.TERMS_AMENDMENT, changes={})
    with pytest.raises(DomainError):
        act(active, case, Kind.TERMS_AMENDMENT, changes={"brand": "Other"})


# --- ending the collaboration ---


def test_ending_the_collaboration(active: World) -> None:
    today = timezone.localdate()
    first, second, third = active.enrollment.deliverables.order_by("number")
    Deliverable.objects.filter(pk=first.pk).update(state=DeliverableState.PUBLISHED)
    Deliverable.objects.filter(pk=second.pk).update(state=DeliverableState.SUBMITTED)
    late = Deliverable.objects.create(
        organization=active.cast.org,
        enrollment=active.enrollment,
        program=active.program,
        kind="story",
        platform="instagram",
        due_on=today - timedelta(days=1),
        original_due_on=today - timedelta(days=1),
        number=1,
    )
    case = open_case(active, kind=ComplianceCase.Kind.CONTRACT_BREACH)
    action = act(active, case, Kind.TERMINATE, text="The posts did not carry the disclosure.")
    assert action.kind == Kind.TERMINATE and action.visible_to_creator
    active.enrollment.refresh_from_db()
    assert active.enrollment.state == EnrollmentState.TERMINATED
    assert active.enrollment.ended_at is not None
    assert active.enrollment.end_reason == "The posts did not carry the disclosure."
    states = dict(active.enrollment.deliverables.values_list("pk", "state"))
    assert states[first.pk] == DeliverableState.PUBLISHED
    assert states[second.pk] == DeliverableState.CANCELLED
    assert states[third.pk] == DeliverableState.CANCELLED
    assert states[late.pk] == DeliverableState.PENDING  # not in the future: left as missed
    owed = AmountOwed.objects.get(enrollment=active.enrollment)
    assert owed.amount == Decimal("166.67")
    assert owed.currency == "USD"
    assert "1 of 3" in owed.explanation and "per valid click" in owed.explanation
    message = Message.objects.filter(thread__enrollment=active.enrollment).latest("id")
    assert message.text.startswith("Thank you for your work on Spring Glow.")
    assert "166.67 USD" in message.text
    assert message.author == user_of(active, Role.BSM)
    case.refresh_from_db()
    assert case.state == ComplianceCase.State.TERMINATED and case.closed_at is not None
    assert Task.objects.get(dedupe_key=f"case:{case.pk}").state == TaskState.DONE
    with pytest.raises(Conflict):
        act(active, case, Kind.NOTE)
    # What is owed shows on both sides.
    portal = active.creator_client().get(reverse("portal_case", kwargs={"pk": case.pk}))
    assert b"$166.67" in portal.content
    staff = active.cast.client_for(Role.BSM).get(page(active, "case_detail", pk=case.pk))
    assert b"$166.67" in staff.content


@pytest.mark.parametrize(
    ("fee", "delivered", "expected"),
    [
        ("500.00", 1, "166.67"),
        ("500.00", 2, "333.33"),
        ("500.00", 3, "500.00"),
        ("0.05", 1, "0.02"),  # 0.0166…
        ("0.10", 1, "0.03"),  # 0.0333…
        ("250.01", 2, "166.67"),  # 166.6733…
        (None, 3, "0.00"),
    ],
)
def test_amount_owed_pro_rates_the_fee(
    active: World, fee: str | None, delivered: int, expected: str
) -> None:
    terms = active.enrollment.terms_version
    terms.snapshot = terms.snapshot | {"fee": fee}
    terms.save()
    ids = list(active.enrollment.deliverables.values_list("pk", flat=True))[:delivered]
    Deliverable.objects.filter(pk__in=ids).update(state=DeliverableState.APPROVED)
    owed = cases.amount_owed_compute(enrollment=active.enrollment)
    assert owed.amount == Decimal(expected)


def test_amount_owed_rounds_half_up(active: World) -> None:
    terms = active.enrollment.terms_version
    item = terms.snapshot["deliverables"][0] | {"count": 8}
    terms.snapshot = terms.snapshot | {"fee": "0.20", "deliverables": [item]}
    terms.save()
    Deliverable.objects.filter(enrollment=active.enrollment).update(state="published")
    # 0.20 × 3 / 8 = 0.075 → 0.08 (half up; banker's rounding would give 0.08 too, so also:)
    assert cases.amount_owed_compute(enrollment=active.enrollment).amount == Decimal("0.08")
    terms.snapshot = terms.snapshot | {"fee": "0.20", "deliverables": [item | {"count": 24}]}
    terms.save()
    # 0.20 × 3 / 24 = 0.025 → 0.03 (ROUND_HALF_EVEN would give 0.02)
    assert cases.amount_owed_compute(enrollment=active.enrollment).amount == Decimal("0.03")


def test_only_an_active_collaboration_can_be_ended(world: World) -> None:
    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=1
    )
    world.enrollment.refresh_from_db()
    case = open_case(world)
    with pytest.raises(Conflict, match="active"):
        act(world, case, Kind.TERMINATE)
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    assert not AmountOwed.objects.exists()


# --- closed cases ---


def test_acting_on_a_closed_case_is_a_conflict(active: World) -> None:
    case = open_case(active)
    act(active, case, Kind.CLOSE)
    with pytest.raises(Conflict):
        act(active, case, Kind.WARNING)
    client = active.cast.client_for(Role.BSM)
    response = client.post(api(active, f"{case.pk}/actions/"), {"kind": "warning", "text": "x"})
    assert response.status_code == 409
    detail = page(active, "case_detail", pk=case.pk)
    assert client.post(detail, {"kind": "warning", "warning-text": "x"}).status_code == 409
    with pytest.raises(Conflict):
        cases.case_respond(case=case, user=active.creator.user, text="But…")


# --- the creator's response ---


def test_the_creator_responds_on_their_own_case(active: World) -> None:
    case = open_case(active)
    client = active.creator_client()
    url = reverse("portal_case", kwargs={"pk": case.pk})
    response = client.post(url, {"text": "I fixed the spelling this morning."})
    assert response.status_code == 302
    action = CaseAction.objects.get(case=case)
    assert action.kind == Kind.CREATOR_RESPONSE and action.actor == active.creator.user
    assert Notification.objects.filter(
        recipient=user_of(active, Role.BSM), event_key=f"case:{case.pk}:action:{action.pk}"
    ).exists()
    api_response = client.post(
        f"/api/v1/me/cases/{case.pk}/respond/",
        {"text": "And the caption."},
        content_type="application/json",
    )
    assert api_response.status_code == 201
    assert [a["kind"] for a in api_response.json()["actions"]] == ["creator_response"] * 2
    staff = active.cast.client_for(Role.BSM).get(page(active, "case_detail", pk=case.pk))
    assert b"I fixed the spelling this morning." in staff.content


def test_another_creator_gets_404(active: World) -> None:
    case = open_case(active)
    client = active.creator_client("other_creator")
    url = reverse("portal_case", kwargs={"pk": case.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Not mine."}).status_code == 404
    assert client.get(f"/api/v1/me/cases/{case.pk}/").status_code == 404
    assert client.post(f"/api/v1/me/cases/{case.pk}/respond/", {"text": "x"}).status_code == 404
    assert client.get("/api/v1/me/cases/").json()["results"] == []
    with pytest.raises(NotFound):
        cases.case_respond(case=case, user=active.other_creator.user, text="Not mine.")
    assert not CaseAction.objects.exists()


def test_staff_are_not_creators_in_the_portal(active: World) -> None:
    case = open_case(active)
    client = active.cast.client_for(Role.BSM)
    assert client.get(reverse("portal_case", kwargs={"pk": case.pk})).status_code == 403
    assert client.get("/api/v1/me/cases/").status_code == 403


# --- pages ---


def _case_on_other_brand(world: World) -> ComplianceCase:
    admin = user_of(world, Role.ADMIN)
    program = programs.program_create(
        organization=world.cast.org, brand=world.cast.other_brand, name="Trail Days", actor=admin
    )
    enrollment = Enrollment.objects.create(
        organization=world.cast.org, program=program, creator=world.other_creator, state="active"
    )
    return ComplianceCase.objects.create(
        organization=world.cast.org,
        enrollment=enrollment,
        kind="guideline_breach",
        severity="low",
        evidence="Wrong hashtag.",
        opened_by=admin,
    )


def test_the_case_list_shows_what_the_member_may_see(active: World) -> None:
    mine = open_case(active)
    theirs = _case_on_other_brand(active)
    for role, expected in (
        (Role.BSM, {mine.pk, theirs.pk}),
        (Role.ADMIN, {mine.pk, theirs.pk}),
        (Role.BRAND_MANAGER, {mine.pk}),
        (Role.ANALYST, {mine.pk}),
    ):
        client = active.cast.client_for(role)
        response = client.get(page(active, "case_list"))
        assert response.status_code == 200
        shown = {row.record.pk for row in response.context["listing"].page.object_list}
        assert shown == expected, role
        listed = client.get(api(active)).json()["results"]
        assert {c["id"] for c in listed} == expected, role
    other = login_client(other_brand_manager(active).user)
    theirs_listed = other.get(page(active, "case_list")).context["listing"].page.object_list
    assert {row.record.pk for row in theirs_listed} == {theirs.pk}


def test_the_case_list_filters_by_state(active: World) -> None:
    closed = open_case(active)
    act(active, closed, Kind.CLOSE)
    still_open = open_case(active)
    client = active.cast.client_for(Role.BSM)
    response = client.get(page(active, "case_list"), {"state": "open"})
    assert [row.record.pk for row in response.context["listing"].page.object_list] == [
        still_open.pk
    ]
    listed = client.get(api(active), {"state": "resolved"}).json()["results"]
    assert [c["id"] for c in listed] == [closed.pk]
    assert client.get(api(active), {"state": "bogus"}).status_code == 400


def test_analysts_read_cases_but_cannot_act(active: World) -> None:
    case = open_case(active)
    client = active.cast.client_for(Role.ANALYST)
    url = page(active, "case_detail", pk=case.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"Act on the case" not in response.content
    assert client.post(url, {"kind": "note", "note-text": "x"}).status_code == 403
    api_response = client.post(
        api(active, f"{case.pk}/actions/"),
        {"kind": "note", "text": "x"},
        content_type="application/json",
    )
    assert api_response.status_code == 403
    assert not CaseAction.objects.exists()


def test_the_case_page_records_actions(active: World) -> None:
    case = open_case(active)
    client = active.cast.client_for(Role.BRAND_MANAGER)
    url = page(active, "case_detail", pk=case.pk)
    page_html = client.get(url).content.decode()
    assert page_html.count("<h1") == 1
    assert 'for="id_remedy-due_on"' in page_html
    due = (timezone.localdate() + timedelta(days=4)).isoformat()
    response = client.post(
        url,
        {
            "kind": "remedy",
            "remedy-remedy": "extra_material",
            "remedy-due_on": due,
            "remedy-text": "Send two more photos.",
        },
    )
    assert response.status_code == 302
    action = CaseAction.objects.get(case=case)
    assert (action.kind, action.remedy, action.due_on.isoformat()) == (
        "remedy",
        "extra_material",
        due,
    )
    bad = client.post(url, {"kind": "remedy", "remedy-remedy": "coaching", "remedy-text": "x"})
    assert bad.status_code == 400
    assert client.post(url, {"kind": "creator_response", "text": "x"}).status_code == 400
    amend = client.post(
        url,
        {
            "kind": "terms_amendment",
            "terms_amendment-text": "Per click.",
            "terms_amendment-per_click_rate": "0.25",
        },
    )
    assert amend.status_code == 302
    assert CaseAction.objects.get(case=case, kind="terms_amendment").terms_version.number == 3
    end = client.post(url, {"kind": "terminate", "terminate-text": "It ends."})
    assert end.status_code == 400  # the confirmation box is required
    end = client.post(
        url, {"kind": "terminate", "terminate-text": "It ends.", "terminate-confirm": "on"}
    )
    assert end.status_code == 302
    active.enrollment.refresh_from_db()
    assert active.enrollment.state == EnrollmentState.TERMINATED


def test_the_case_list_has_a_constant_number_of_queries(active: World) -> None:
    admin = user_of(active, Role.ADMIN)

    def add(count: int) -> None:
        enrollments = [active.enrollment, active.other_enrollment]
        ComplianceCase.objects.bulk_create(
            ComplianceCase(
                organization=active.cast.org,
                enrollment=enrollments[n % 2],
                kind="guideline_breach",
                severity="low",
                evidence=f"Case {n}",
                opened_by=admin,
            )
            for n in range(count)
        )

    client = active.cast.client_for(Role.BRAND_MANAGER)
    add(5)

    def fetch() -> None:
        for url in (page(active, "case_list"), api(active)):
            assert client.get(url).status_code == 200

    assert_constant_queries(fetch, grow=lambda: add(45))
    assert ComplianceCase.objects.count() == 50


# --- API ---


def test_the_api_opens_a_case_and_records_actions(active: World) -> None:
    client = active.cast.client_for(Role.BSM)
    created = client.post(
        api(active),
        {
            "enrollment": active.enrollment.pk,
            "kind": "missed_deadlines",
            "severity": "high",
            "evidence": "Two posts late.",
            "evidence_links": ["https://x.example/a"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["state"] == "open" and created.json()["actions"] == []
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    for payload in (
        {"kind": "warning", "text": "Second late post."},
        {"kind": "remedy", "text": "New schedule.", "remedy": "revised_schedule", "due_on": due},
        {
            "kind": "terms_amendment",
            "text": "Per click.",
            "changes": {"per_click_rate": "0.25", "fee": "0"},
        },
        {"kind": "note", "text": SECRET},
        {"kind": "escalation", "text": "Admins, please look.", "visible_to_creator": False},
    ):
        response = client.post(
            api(active, f"{case_id}/actions/"), payload, content_type="application/json"
        )
        assert response.status_code == 201, response.content
    detail = client.get(api(active, f"{case_id}/")).json()
    assert detail["state"] == "escalated"
    assert [a["kind"] for a in detail["actions"]] == [
        "warning",
        "remedy",
        "terms_amendment",
        "note",
        "escalation",
    ]
    assert detail["actions"][2]["terms_version"] == 3
    assert [a["visible_to_creator"] for a in detail["actions"]] == [True, True, True, False, False]
    bad = client.post(api(active, f"{case_id}/actions/"), {"kind": "creator_response", "text": "x"})
    assert bad.status_code == 400
    end = client.post(api(active, f"{case_id}/actions/"), {"kind": "terminate", "text": "Ends."})
    assert end.status_code == 201
    assert (
        end.json()["amount_owed"]["amount"] == "0.00"
    )  # the accepted terms: 500.00, none delivered
    creator_view = active.creator_client().get(f"/api/v1/me/cases/{case_id}/").json()
    assert [a["kind"] for a in creator_view["actions"]] == [
        "warning",
        "remedy",
        "terms_amendment",
        "terminate",
    ]


def test_the_api_refuses_roles_and_bad_input(active: World) -> None:
    body = {
        "enrollment": active.enrollment.pk,
        "kind": "guideline_breach",
        "severity": "low",
        "evidence": "x",
    }
    analyst = active.cast.client_for(Role.ANALYST)
    assert analyst.post(api(active), body, content_type="application/json").status_code == 403
    outsider = login_client(active.cast.outsider.user)
    assert outsider.post(api(active), body, content_type="application/json").status_code == 404
    bsm = active.cast.client_for(Role.BSM)
    missing = body | {"enrollment": 999999}
    assert bsm.post(api(active), missing, content_type="application/json").status_code == 404
    links = body | {"evidence_links": [f"https://e.example/{n}" for n in range(21)]}
    assert bsm.post(api(active), links, content_type="application/json").status_code == 400
    invited = body | {"enrollment": active.other_enrollment.pk}
    assert bsm.post(api(active), invited, content_type="application/json").status_code == 409
    assert not ComplianceCase.objects.exists()


def test_a_cases_history_shows_staff_everything_and_the_creator_what_is_theirs(
    active: World,
) -> None:
    bsm = user_of(active, Role.BSM)
    bsm.name = "Ben BSM"
    bsm.save()
    case = open_case(active)
    due = timezone.localdate() + timedelta(days=5)
    act(active, case, Kind.REMEDY, remedy="extra_material", due_on=due, text="Two more shots.")
    act(active, case, Kind.NOTE, text="She was on holiday.")
    staff = active.cast.client_for(Role.BSM).get(page(active, "case_detail", pk=case.pk))
    html = staff.content.decode()
    assert "Ben BSM opened the case: guideline breach, medium severity" in html
    assert "Ben BSM asked for a remedy" in html and "Remedy: <ins>Extra material</ins>" in html
    assert '<details class="history-details" open>' in html  # what is asked is never hidden
    assert "Ben BSM added an internal note" in html and "Internal: not shown to the creator" in html
    portal = active.creator_client().get(reverse("portal_case", kwargs={"pk": case.pk}))
    mine = portal.content.decode()
    assert "Case opened: guideline breach, medium severity" in mine and "Ben BSM opened" not in mine
    assert "Two more shots." in mine and "Remedy: <ins>Extra material</ins>" in mine
    assert "She was on holiday." not in mine and "internal note" not in mine
