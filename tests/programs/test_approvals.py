"""Disclosure blocks and approvals reach approvers: a version without the disclosure is refused
(unless the program's check only advises), review tasks sit in the approvers' queue of the
brand and go to the BSM past their due time, and the approvals inbox lists what awaits a
decision, with "next" after each one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from influencer_ops.errors import DomainError
from influencer_ops.models import AuditEvent
from messaging.kinds import NotificationKind, OwnerRole, TaskKind, TaskState
from messaging.models import Notification, Task, TaskEvent
from messaging.selectors import assignable_members
from messaging.services.queue import escalate_overdue, task_reassign
from organizations.roles import Role
from programs import services as programs
from programs.content import services as content
from programs.content.services.submissions import DisclosureMissing
from programs.models import Deliverable, DeliverableState, Review, Submission
from tests.conftest import World, login_client
from tests.factories import member
from tests.factories.influencers import CreatorProfileFactory
from tests.factories.programs import DeliverableFactory, EnrollmentFactory, SubmissionFactory
from tests.helpers import assert_constant_queries
from tests.programs.test_content import launch, make_advisory, submit, the_deliverable

pytestmark = pytest.mark.django_db

PHRASES = ("“#ad”", "“#sponsored”", "“paid partnership”")


@pytest.fixture
def launched(world: World) -> World:
    return launch(world)


def page(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": "northwind", **kwargs})


def review_tasks(world: World) -> list[Task]:
    return list(Task.objects.filter(kind=TaskKind.CONTENT_REVIEW).order_by("pk"))


def assert_nothing_stored(world: World) -> None:
    assert not Submission.objects.exists()
    assert not review_tasks(world)
    assert not AuditEvent.objects.filter(verb="submission.created").exists()
    assert not Notification.objects.filter(event_key__startswith="submission:").exists()
    assert the_deliverable(world).state == DeliverableState.PENDING


# --- the disclosure blocks ---


def test_a_version_without_the_disclosure_is_refused_with_the_phrases(launched: World) -> None:
    with pytest.raises(DisclosureMissing) as refused:
        submit(launched, caption="Loving my #adventure with the serum")
    assert refused.value.status_code == 400
    message = str(refused.value)
    assert all(phrase in message for phrase in PHRASES)
    assert "in the caption itself" in message
    assert refused.value.field_errors() == {"caption": [message]}
    assert_nothing_stored(launched)


def test_the_refusal_names_the_programs_own_rule(launched: World) -> None:
    launched.program.disclosure_rule = "Werbung, #anzeige"
    launched.program.save(update_fields=["disclosure_rule"])
    launched.enrollment.terms_version.snapshot.pop("disclosure_rule", None)
    launched.enrollment.terms_version.save(update_fields=["snapshot"])
    with pytest.raises(DisclosureMissing) as refused:
        submit(launched, caption="Nice #ad")
    assert "“Werbung”, “#anzeige”" in str(refused.value)
    assert submit(launched, caption="Werbung: the serum").disclosure_passed


def test_the_portal_refuses_on_the_caption_and_sends_nothing(launched: World) -> None:
    client = launched.creator_client()
    url = reverse("portal_deliverable", kwargs={"pk": the_deliverable(launched).pk})
    body = client.get(url).content.decode()
    assert "A version without it is not sent." in body
    response = client.post(url, {"action": "submit", "caption": "Look at this glow"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Not sent: the caption must disclose the partnership." in body
    assert all(phrase.replace("“", "&ldquo;") in body or phrase in body for phrase in PHRASES)
    assert 'aria-invalid="true"' in body or "has-error" in body
    assert "sent for review" not in body.lower().replace("send for review", "")
    assert_nothing_stored(launched)
    response = client.post(url, {"action": "submit", "caption": "#ad Look at this glow"})
    assert response.status_code == 302
    assert Submission.objects.get().disclosure_passed is True


def test_the_api_refuses_with_400_and_sends_nothing(launched: World) -> None:
    response = launched.creator_client().post(
        f"/api/v1/me/deliverables/{the_deliverable(launched).pk}/submit/",
        {"caption": "Look at this glow", "links": ["https://example.com/draft"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert all(phrase in detail for phrase in PHRASES)
    assert_nothing_stored(launched)


# --- the advisory setting ---


def test_making_the_check_advisory_is_an_audited_brief_setting(world: World) -> None:
    admin = world.cast.client_for(Role.ADMIN)
    response = admin.patch(
        f"/api/v1/orgs/northwind/programs/{world.program.pk}/",
        {"disclosure_advisory": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["disclosure_advisory"] is True
    event = AuditEvent.objects.filter(verb="program.updated").latest("pk")
    assert event.before == {"disclosure_advisory": False}
    assert event.after == {"disclosure_advisory": True}
    body = admin.get(page("program_edit", pk=world.program.pk)).content.decode()
    assert 'name="disclosure_advisory"' in body and "Only advise on the disclosure check" in body


def test_the_brief_page_turns_the_advisory_mode_off_again(launched: World) -> None:
    make_advisory(launched)
    program = programs.program_update(
        program=launched.program,
        actor=launched.cast.members[Role.BSM].user,
        disclosure_advisory=False,
    )
    assert program.disclosure_advisory is False
    with pytest.raises(DisclosureMissing):
        submit(launched, caption="No tag")


def test_in_advisory_mode_a_failing_version_goes_to_review_flagged(launched: World) -> None:
    make_advisory(launched)
    client = launched.creator_client()
    url = reverse("portal_deliverable", kwargs={"pk": the_deliverable(launched).pk})
    response = client.post(url, {"action": "submit", "caption": "Look at this glow"}, follow=True)
    body = response.content.decode()
    assert "sent for review, flagged" in body
    submission = Submission.objects.get()
    assert submission.disclosure_passed is False
    (task,) = review_tasks(launched)
    assert task.owner_role == OwnerRole.APPROVER
    approver = launched.cast.client_for(Role.APPROVER)
    inbox = approver.get(page("approvals_inbox")).content.decode()
    assert "Failed: approving needs a reason" in inbox


def test_approving_a_failing_version_needs_a_reason_on_the_page_and_the_api(
    launched: World,
) -> None:
    make_advisory(launched)
    submission = submit(launched, caption="Look at this glow")
    approver = launched.cast.client_for(Role.APPROVER)
    url = page("content_deliverable", pk=the_deliverable(launched).pk)
    data = {"submission": submission.pk, "outcome": "approved_with_corrections", "comment": "Ok"}
    response = approver.post(url, data)
    assert response.status_code == 400
    assert "give a reason to approve anyway" in response.content.decode()
    api = f"/api/v1/orgs/northwind/submissions/{submission.pk}/review/"
    response = approver.post(api, {"outcome": "approved"}, content_type="application/json")
    assert response.status_code == 400
    assert "give a reason" in response.json()["detail"]
    assert not Review.objects.exists()
    response = approver.post(url, {**data, "override_reason": "Said #ad out loud in the video."})
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.override_reason == "Said #ad out loud in the video."
    body = approver.get(url).content.decode()
    assert "Disclosure check overridden:" in body and "Said #ad out loud" in body
    event = AuditEvent.objects.get(verb="submission.reviewed")
    assert event.after["override_reason"] == "Said #ad out loud in the video."


# --- approvals reach the approvers of the brand ---


def test_the_review_task_sits_in_the_approvers_queue_and_they_are_told(launched: World) -> None:
    cast = launched.cast
    trailhead_approver = member(
        cast.org, Role.APPROVER, brands=[cast.other_brand], email="a2@northwind.test"
    )
    submission = submit(launched)
    (task,) = review_tasks(launched)
    assert (task.owner_role, task.assignee, task.state) == ("approver", None, TaskState.OPEN)
    told = set(
        Notification.objects.filter(kind=NotificationKind.TASK_ASSIGNED).values_list(
            "recipient__email", flat=True
        )
    )
    assert "approver@northwind.test" in told
    assert trailhead_approver.user.email not in told
    assert "bsm@northwind.test" not in told
    note = Notification.objects.get(recipient=cast.members[Role.APPROVER].user)
    assert note.event_key == f"submission:{submission.pk}:created"
    assert note.url == page("content_deliverable", pk=the_deliverable(launched).pk)
    # Only admins see the approvers' queue on the desk; the BSM does not (yet).
    admin_desk = cast.client_for(Role.ADMIN).get(page("org_desk")).content.decode()
    assert escape(task.title) in admin_desk
    bsm_desk = cast.client_for(Role.BSM).get(page("org_desk")).content.decode()
    assert escape(task.title) not in bsm_desk


def test_an_approver_of_another_brand_sees_nothing_of_it(launched: World) -> None:
    cast = launched.cast
    other = member(cast.org, Role.APPROVER, brands=[cast.other_brand], email="a2@northwind.test")
    submit(launched)
    client = login_client(other.user)
    assert client.get(page("content_deliverable", pk=the_deliverable(launched).pk)).status_code == (
        404
    )
    inbox = client.get(page("approvals_inbox"))
    assert inbox.status_code == 200
    assert "Cara Creator" not in inbox.content.decode()
    assert "Nothing else awaits you." in inbox.content.decode()


def test_past_its_due_time_the_review_goes_to_the_bsm_with_an_event(launched: World) -> None:
    cast = launched.cast
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit(launched)
    with time_machine.travel(start + timedelta(days=4), tick=False):
        assert escalate_overdue(organization=cast.org) == 1
        assert escalate_overdue(organization=cast.org) == 0
    (task,) = review_tasks(launched)
    bsm = cast.members[Role.BSM].user
    assert (task.owner_role, task.assignee, task.state) == ("bsm", bsm, TaskState.OPEN)
    event = TaskEvent.objects.get(task=task, verb="handed_over")
    assert (event.from_role, event.to_role, event.to_assignee) == ("approver", "bsm", bsm)
    assert "No approver decided in time" in event.note
    assert Notification.objects.filter(
        recipient=bsm, kind=NotificationKind.TASK_ESCALATED, event_key=f"task:{task.pk}:escalated"
    ).exists()
    # The BSM sees it on the desk now; the approver can still decide, which closes it.
    assert escape(task.title) in cast.client_for(Role.BSM).get(page("org_desk")).content.decode()
    content.review_create(
        submission=Submission.objects.get(),
        membership=cast.members[Role.APPROVER],
        outcome=Review.Outcome.APPROVED,
    )
    task.refresh_from_db()
    assert task.state == TaskState.DONE


# --- the approvals inbox ---


def waiting(world: World, count: int) -> list[Deliverable]:
    """``count`` more deliverables of the program, each with a submitted version."""
    made = []
    for _ in range(count):
        creator = CreatorProfileFactory(organization=world.cast.org)
        enrollment = EnrollmentFactory(
            organization=world.cast.org, program=world.program, creator=creator, state="active"
        )
        deliverable = DeliverableFactory.create(
            organization=world.cast.org, enrollment=enrollment, state=DeliverableState.SUBMITTED
        )
        SubmissionFactory(organization=world.cast.org, deliverable=deliverable)
        made.append(deliverable)
    return made


def test_the_inbox_lists_what_awaits_a_decision_oldest_first(launched: World) -> None:
    start = timezone.now() - timedelta(days=2)
    with time_machine.travel(start, tick=False):
        (older,) = waiting(launched, 1)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        submit(launched)
    done = waiting(launched, 1)[0]
    Deliverable.objects.filter(pk=done.pk).update(state=DeliverableState.APPROVED)
    client = launched.cast.client_for(Role.APPROVER)
    response = client.get(page("approvals_inbox"))
    assert response.status_code == 200
    rows = [d.pk for d in response.context["page"]]
    assert rows == [older.pk, the_deliverable(launched).pk]


def test_the_inbox_is_paginated_with_constant_queries(launched: World) -> None:
    client = launched.cast.client_for(Role.APPROVER)
    waiting(launched, 3)
    assert_constant_queries(
        lambda: client.get(page("approvals_inbox")), grow=lambda: waiting(launched, 30)
    )
    first = client.get(page("approvals_inbox"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(page("approvals_inbox") + "?page=2")
    assert len(second.context["page"].object_list) == 8
    assert "Page 2 of 2" in second.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.APPROVER, True),
        (Role.BRAND_MANAGER, True),
        (Role.ADMIN, True),
        (Role.ISM, False),
        (Role.BSM, False),
        (Role.ANALYST, False),
    ],
)
def test_the_inbox_and_its_links_are_for_roles_that_approve(
    world: World, role: str, allowed: bool
) -> None:
    client = world.cast.client_for(role)
    response = client.get(page("approvals_inbox"))
    assert response.status_code == (200 if allowed else 403)
    home = client.get(page("org_home")).content.decode()
    link = f'href="{page("approvals_inbox")}"'
    assert (link in home) is allowed
    assert ("Open the approvals inbox" in home) is allowed


def test_the_outsider_gets_404_on_the_inbox(world: World) -> None:
    client = login_client(world.cast.outsider.user)
    assert client.get(page("approvals_inbox")).status_code == 404


def test_after_each_decision_the_reviewer_goes_to_the_next_item(launched: World) -> None:
    start = timezone.now()
    with time_machine.travel(start - timedelta(hours=2), tick=False):
        first = submit(launched)
    (second,) = waiting(launched, 1)
    client = launched.cast.client_for(Role.APPROVER)
    url = page("content_deliverable", pk=first.deliverable_id)
    response = client.post(
        url, {"submission": first.pk, "outcome": "approved", "comment": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == page("content_deliverable", pk=second.pk)
    assert "Approved: the creator has been told. Next:" in response.content.decode()
    latest = second.submissions.get()
    response = client.post(
        page("content_deliverable", pk=second.pk),
        {"submission": latest.pk, "outcome": "changes_requested", "comment": "More light."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page("approvals_inbox")
    assert "Nothing else awaits you." in response.content.decode()


def test_an_approval_task_goes_only_to_approvers_of_its_brand(launched: World) -> None:
    cast = launched.cast
    other = member(cast.org, Role.APPROVER, brands=[cast.other_brand], email="a2@northwind.test")
    submit(launched)
    (task,) = review_tasks(launched)
    admin = cast.members[Role.ADMIN]
    people = {m.user.email for m in assignable_members(task=task)}
    assert people == {"approver@northwind.test", "admin@northwind.test"}
    with pytest.raises(DomainError):
        task_reassign(task=task, membership=admin, assignee=other.user)
    mine = cast.members[Role.APPROVER].user
    task_reassign(task=task, membership=admin, assignee=mine)
    task_reassign(task=task, membership=admin, assignee=None, note="Back to the team.")
    told = Notification.objects.filter(event_key__startswith=f"task:{task.pk}:reassigned")
    assert set(told.values_list("recipient__email", flat=True)) == {mine.email}
    assert {n.url for n in told} == {page("approvals_inbox")}
