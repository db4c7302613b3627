"""Desk task pages carry their context and finish the work in place: per kind, the page shows
the conversation, the subject and the actions; each action works and completes or records;
refusals leave nothing written; the page's queries do not grow with its content."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from messaging.kinds import OwnerRole, TaskKind, TaskState, Topic
from messaging.models import Message, Notification, Task, TaskEvent, Thread
from messaging.services.queue import task_create
from messaging.services.requests import request_create
from messaging.services.threads import message_post, thread_for_enrollment
from organizations.roles import Role
from payments.models import PayoutState
from programs.models import Deliverable
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, login_client, make_payout
from tests.helpers import assert_constant_queries
from tests.programs.test_deadlines import launched

pytestmark = pytest.mark.django_db


def page(task: Task) -> str:
    return reverse("desk_task", kwargs={"org_slug": "northwind", "pk": task.pk})


def work(task: Task, action: str, slug: str = "northwind") -> str:
    return reverse("desk_task_work", kwargs={"org_slug": slug, "pk": task.pk, "action": action})


def client(world: World, role: str) -> Client:
    return world.cast.client_for(role)


def accept(world: World) -> Task:
    """Cara accepts her invitation in the portal: a confirm task for the ISM."""
    terms = recruiting.latest_terms(world.enrollment)
    recruiting.invitation_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=terms.number
    )
    return Task.objects.get(kind=TaskKind.CONFIRM_CREATOR, enrollment=world.enrollment)


def ask_correction(world: World, text: str = "My milestone should be 600, not 1000.") -> Task:
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=Topic.MILESTONE_CORRECTION,
        text=text,
        enrollment=world.enrollment,
    )
    return Task.objects.get(source_request=request)


def bsm_task(world: World, kind: str, key: str, **fields: Any) -> Task:
    task, _ = task_create(
        organization=world.cast.org,
        kind=kind,
        title=f"{kind} of Cara",
        owner_role=fields.pop("owner_role", OwnerRole.BSM),
        dedupe_key=key,
        program=world.program,
        enrollment=world.enrollment,
        creator=world.creator,
        **fields,
    )
    return task


def state_of(task: Task) -> str:
    task.refresh_from_db()
    return task.state


# --- confirm_creator ---


def test_the_confirm_task_shows_its_context_and_confirms_in_place(world: World) -> None:
    task = accept(world)
    ism = client(world, Role.ISM)
    html = ism.get(page(task)).content.decode()
    for name, pk in (
        ("creator_detail", world.creator.pk),
        ("program_detail", world.program.pk),
        ("enrollment_detail", world.enrollment.pk),
    ):
        assert reverse(name, kwargs={"org_slug": "northwind", "pk": pk}) in html
    assert "Terms: version 1" in html and "Confirm Cara Creator" in html
    response = ism.post(work(task, "confirm"))
    assert response.status_code == 302
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.CONFIRMED
    assert state_of(task) == TaskState.DONE
    assert "is confirmed" in ism.get(response.url).content.decode()


def test_confirming_while_a_milestone_correction_is_open_is_refused_clearly(world: World) -> None:
    task = accept(world)
    ask_correction(world)
    response = client(world, Role.ISM).post(work(task, "confirm"))
    assert response.status_code == 409
    assert "click-milestone correction" in response.content.decode()
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    assert state_of(task) == TaskState.OPEN


def test_task_work_walls(world: World) -> None:
    task = accept(world)
    # The BSM does not see pre-launch ISM work; an analyst has no desk; another org: 404.
    assert client(world, Role.BSM).post(work(task, "confirm")).status_code == 404
    assert client(world, Role.ANALYST).post(work(task, "confirm")).status_code == 403
    outsider = login_client(world.cast.outsider.user)
    assert outsider.post(work(task, "confirm")).status_code == 404
    assert outsider.post(work(task, "confirm", slug="acme")).status_code == 404
    assert client(world, Role.ISM).post(work(task, "nonsense")).status_code == 404
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED


def test_a_handed_over_confirm_task_is_not_the_bsms_to_confirm(world: World) -> None:
    task = accept(world)
    Task.objects.filter(pk=task.pk).update(owner_role=OwnerRole.BSM)
    bsm = client(world, Role.BSM)
    assert "for influencer success managers and admins" in bsm.get(page(task)).content.decode()
    assert bsm.post(work(task, "confirm")).status_code == 403
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.ACCEPTED
    assert state_of(task) == TaskState.OPEN


# --- milestone correction ---


def test_the_correction_is_prefilled_amends_the_terms_and_completes(world: World) -> None:
    confirm_task = accept(world)
    task = ask_correction(world)
    ism = client(world, Role.ISM)
    html = ism.get(page(task)).content.decode()
    assert 'name="milestone-new"' in html and 'value="600"' in html
    response = ism.post(
        work(task, "milestone"), {"milestone-new": "600", "milestone-reason": "Agreed on the call."}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.DONE and "from 1,000 to 600" in task.resolution
    amendment = recruiting.latest_terms(world.enrollment)
    assert amendment.snapshot["click_milestone"] == 600 and amendment.accepted_at is None
    assert "from 1,000 to 600 valid clicks" in amendment.reason
    world.creator.refresh_from_db()
    assert world.creator.click_milestone == 600
    assert Notification.objects.filter(
        recipient=world.creator.user, event_key__contains=f"terms:{amendment.number}"
    ).exists()
    # Confirmation stays refused until the creator accepts the amendment.
    refused = ism.post(work(confirm_task, "confirm"))
    assert refused.status_code == 409 and "waiting for the creator" in refused.content.decode()
    recruiting.terms_accept(
        enrollment=world.enrollment, user=world.creator.user, terms_version=amendment.number
    )
    assert ism.post(work(confirm_task, "confirm")).status_code == 302
    world.enrollment.refresh_from_db()
    assert world.enrollment.state == EnrollmentState.CONFIRMED
    assert world.enrollment.terms_version.snapshot["click_milestone"] == 600


@pytest.mark.parametrize(
    "data",
    [
        {"milestone-new": "", "milestone-reason": "Agreed."},
        {"milestone-new": "0", "milestone-reason": "Agreed."},
        {"milestone-new": "600", "milestone-reason": ""},
        {"milestone-new": "1000", "milestone-reason": "Same as before."},  # the service refuses
    ],
)
def test_a_bad_correction_writes_nothing(world: World, data: dict[str, str]) -> None:
    accept(world)
    task = ask_correction(world)
    versions = world.enrollment.terms_versions.count()
    response = client(world, Role.ISM).post(work(task, "milestone"), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    world.creator.refresh_from_db()
    assert world.creator.click_milestone == 1000
    assert world.enrollment.terms_versions.count() == versions
    assert state_of(task) == TaskState.OPEN


# --- the conversation ---


def test_the_request_conversation_is_inline_and_a_reply_can_resolve(world: World) -> None:
    task = ask_correction(world, "Could my milestone be 800?")
    ism = client(world, Role.ISM)
    html = ism.get(page(task)).content.decode()
    assert "Could my milestone be 800?" in html
    assert (
        reverse(
            "desk_thread", kwargs={"org_slug": "northwind", "pk": task.source_request.thread_id}
        )
        in html
    )
    response = ism.post(work(task, "reply"), {"reply-text": "Checking with the brand."})
    assert response.status_code == 302 and state_of(task) == TaskState.OPEN
    ism.post(work(task, "reply"), {"reply-text": "It stays 1000.", "reply-resolve": "on"})
    task.refresh_from_db()
    assert task.state == TaskState.DONE and "It stays 1000." in task.resolution
    texts = list(
        Message.objects.filter(thread=task.source_request.thread).values_list("text", flat=True)
    )
    assert texts[-2:] == ["Checking with the brand.", "It stays 1000."]
    assert client(world, Role.ISM).post(work(task, "reply"), {"reply-text": "x"}).status_code == 409


def test_an_empty_reply_is_a_form_error(world: World) -> None:
    task = ask_correction(world)
    before = Message.objects.count()
    assert client(world, Role.ISM).post(work(task, "reply"), {"reply-text": ""}).status_code == 400
    assert Message.objects.count() == before


# --- content review ---


def test_the_review_task_links_to_the_review_page(world: World) -> None:
    deliverable = launched(world)
    task = bsm_task(world, TaskKind.CONTENT_REVIEW, f"review:{deliverable.pk}")
    html = client(world, Role.BSM).get(page(task)).content.decode()
    url = reverse("content_deliverable", kwargs={"org_slug": "northwind", "pk": deliverable.pk})
    assert url in html and "Open the review page" in html


# --- overdue deliverable ---


def overdue(world: World) -> tuple[Deliverable, Task]:
    deliverable = launched(world)
    key = f"overdue:{deliverable.pk}:{deliverable.due_on}"
    return deliverable, bsm_task(world, TaskKind.DELIVERABLE_OVERDUE, key)


def test_moving_the_due_date_completes_the_overdue_task(world: World) -> None:
    deliverable, task = overdue(world)
    bsm = client(world, Role.BSM)
    html = bsm.get(page(task)).content.decode()
    assert "Move the due date" in html and f'value="{deliverable.pk}"' in html
    new_due_on = deliverable.due_on + timedelta(days=5)
    response = bsm.post(
        work(task, "due"), {"due-deliverables": [deliverable.pk], "due-new_due_on": new_due_on}
    )
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.due_on == new_due_on
    task.refresh_from_db()
    assert task.state == TaskState.DONE and "without penalty" in task.resolution


def test_only_this_creators_deliverables_move(world: World) -> None:
    deliverable, task = overdue(world)
    other = Deliverable.objects.create(
        organization=world.cast.org,
        enrollment=world.other_enrollment,
        program=world.program,
        kind="post",
        platform="instagram",
        due_on=deliverable.due_on,
        original_due_on=deliverable.due_on,
    )
    response = client(world, Role.BSM).post(
        work(task, "due"),
        {"due-deliverables": [other.pk], "due-new_due_on": deliverable.due_on + timedelta(days=3)},
    )
    assert response.status_code == 400  # not one of the choices
    other.refresh_from_db()
    assert other.due_on == deliverable.due_on and state_of(task) == TaskState.OPEN


def test_messaging_about_an_overdue_deliverable(world: World) -> None:
    _deliverable, task = overdue(world)
    response = client(world, Role.BSM).post(
        work(task, "reply"), {"reply-text": "Can you post by Friday?", "reply-resolve": "on"}
    )
    assert response.status_code == 302
    thread = Thread.objects.get(enrollment=world.enrollment)
    assert thread.messages.last().text == "Can you post by Friday?"
    assert state_of(task) == TaskState.DONE


# --- underperforming ---


def behind(world: World) -> Task:
    launched(world)
    return bsm_task(world, TaskKind.UNDERPERFORMING, f"underperforming:{world.enrollment.pk}")


def remedies(task: Task) -> list[str]:
    return list(TaskEvent.objects.filter(task=task, verb="remedy").values_list("note", flat=True))


def test_the_underperforming_task_shows_the_numbers_and_the_remedies(world: World) -> None:
    task = behind(world)
    html = client(world, Role.BSM).get(page(task)).content.decode()
    for text in (
        "Valid clicks so far",
        "Target milestone",
        "1,000 valid clicks",
        "needed",
        "left",
        "Send extra material",
        "Restate the goals",
        "Revise the schedule",
        "Amend to performance-based pay",
        "Coaching note",
        reverse("case_new", kwargs={"org_slug": "northwind", "pk": world.enrollment.pk}),
    ):
        assert text in html, text


def test_each_remedy_is_recorded(world: World) -> None:
    task = behind(world)
    bsm = client(world, Role.BSM)
    deliverable = Deliverable.objects.get(enrollment=world.enrollment)
    posts = [
        ("reply", {"reply-text": "How is it going?"}),
        ("material", {"material-text": "Product facts: https://lumen.example/facts"}),
        ("goals", {"goals-text": "The goal: new skincare fans."}),
        (
            "due",
            {
                "due-deliverables": [deliverable.pk],
                "due-new_due_on": deliverable.due_on + timedelta(days=4),
            },
        ),
        ("amend", {"amend-per_click_rate": "0.25", "amend-reason": "Pay per click instead."}),
        ("coach", {"coach-note": "Suggested posting at 19:00."}),
    ]
    for action, data in posts:
        assert bsm.post(work(task, action), data).status_code == 302, action
    notes = remedies(task)
    assert [n.split(":")[0] for n in notes] == [
        "Messaged the creator",
        "Sent extra material",
        "Restated the program's goals",
        "Revised the posting schedule",
        "Proposed performance-based pay",
        "Coaching note (internal)",
    ]
    assert AuditEvent.objects.filter(verb=AuditVerb.TASK_REMEDY_RECORDED).count() == 6
    amendment = recruiting.latest_terms(world.enrollment)
    assert amendment.snapshot["per_click_rate"] == "0.2500" and amendment.accepted_at is None
    # The creator got three messages; the coaching note stays internal.
    texts = list(
        Thread.objects.get(enrollment=world.enrollment).messages.values_list("text", flat=True)
    )
    assert len(texts) == 3 and not any("19:00" in t for t in texts)
    assert state_of(task) == TaskState.OPEN  # remedies do not close it; recovery or the BSM does
    html = bsm.get(page(task)).content.decode()
    assert "tried a remedy" in html and "Suggested posting at 19:00." in html


@pytest.mark.parametrize(
    "data",
    [
        {"amend-per_click_rate": "-1", "amend-reason": "x"},
        {"amend-per_click_rate": "abc", "amend-reason": "x"},
        {"amend-per_click_rate": "0.25", "amend-reason": ""},
    ],
)
def test_a_bad_amendment_writes_nothing(world: World, data: dict[str, str]) -> None:
    task = behind(world)
    versions = world.enrollment.terms_versions.count()
    assert client(world, Role.BSM).post(work(task, "amend"), data).status_code == 400
    assert world.enrollment.terms_versions.count() == versions
    assert remedies(task) == []


def test_an_amendment_the_service_refuses_records_no_remedy(world: World) -> None:
    task = behind(world)
    recruiting.terms_amend(
        enrollment=world.enrollment,
        actor=world.cast.members[Role.BSM].user,
        reason="Per click.",
        changes={"per_click_rate": "0.20"},
    )
    response = client(world, Role.BSM).post(
        work(task, "amend"), {"amend-per_click_rate": "0.20", "amend-reason": "same again"}
    )
    assert response.status_code == 400 and "changes nothing" in response.content.decode()
    assert remedies(task) == []


def test_the_task_page_queries_do_not_grow(world: World) -> None:
    task = behind(world)
    bsm = client(world, Role.BSM)
    thread = thread_for_enrollment(enrollment=world.enrollment)
    user = world.cast.members[Role.BSM].user

    def grow() -> None:
        for n in range(8):
            message_post(thread=thread, author=user, text=f"Note {n}", from_creator=False)
            TaskEvent.objects.create(
                organization=world.cast.org, task=task, verb="remedy", note=f"{n}"
            )

    message_post(thread=thread, author=user, text="Hello", from_creator=False)
    assert_constant_queries(lambda: bsm.get(page(task)), grow=grow)


# --- payouts ---


def test_a_delayed_payout_task_shows_the_payout_and_holds_it(world: World) -> None:
    launched(world)
    payout = make_payout(world, amount="250.00")
    task = bsm_task(
        world,
        TaskKind.PAYOUT_DELAYED,
        f"payout-delayed:{payout.pk}",
        source_event=f"payout:{payout.pk}",
    )
    bsm = client(world, Role.BSM)
    html = bsm.get(page(task)).content.decode()
    assert "250.00" in html and "Earned" in html
    assert reverse("payout_detail", kwargs={"org_slug": "northwind", "pk": payout.pk}) in html
    assert (
        bsm.post(work(task, "hold"), {"hold-payout": payout.pk, "hold-reason": ""}).status_code
        == 400
    )
    response = bsm.post(
        work(task, "hold"), {"hold-payout": payout.pk, "hold-reason": "Tax form missing."}
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.state == PayoutState.ON_HOLD and payout.hold_reason == "Tax form missing."
    assert state_of(task) == TaskState.DONE


def test_a_failed_payout_task_releases_it(world: World) -> None:
    launched(world)
    payout = make_payout(world)
    from payments.payouts.services import payout_hold

    payout_hold(payout=payout, actor=world.cast.members[Role.ADMIN].user, reason="Bank refused.")
    task = bsm_task(
        world,
        TaskKind.PAYOUT_FAILED,
        f"payout-failed:{payout.pk}",
        source_event=f"payout:{payout.pk}",
    )
    bsm = client(world, Role.BSM)
    assert "Release the payout" in bsm.get(page(task)).content.decode()
    # Another payout than the task's is refused.
    other = make_payout(world, key="k2", enrollment=world.other_enrollment)
    assert bsm.post(work(task, "release"), {"release-payout": other.pk}).status_code == 400
    assert bsm.post(work(task, "release"), {"release-payout": payout.pk}).status_code == 302
    payout.refresh_from_db()
    assert payout.state == PayoutState.EARNED and state_of(task) == TaskState.DONE


def test_a_role_that_may_not_manage_payouts_gets_403(world: World) -> None:
    launched(world)
    payout = make_payout(world)
    # An ISM-owned task about a payout (the ISM may read payouts, not act on them).
    task = bsm_task(
        world,
        TaskKind.PAYOUT_DELAYED,
        f"payout-delayed:{payout.pk}",
        source_event=f"payout:{payout.pk}",
        owner_role=OwnerRole.ISM,
    )
    ism = client(world, Role.ISM)
    assert "for brand success managers and admins" in ism.get(page(task)).content.decode()
    response = ism.post(work(task, "hold"), {"hold-payout": payout.pk, "hold-reason": "No."})
    assert response.status_code == 403
    payout.refresh_from_db()
    assert payout.state == PayoutState.EARNED and state_of(task) == TaskState.OPEN


def test_a_compensation_question_lists_the_places_payouts(world: World) -> None:
    launched(world)
    payouts = [make_payout(world, amount=a, key=a) for a in ("100.00", "55.00")]
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=Topic.COMPENSATION,
        text="When am I paid?",
        enrollment=world.enrollment,
    )
    task = Task.objects.get(source_request=request)
    html = client(world, task.owner_role).get(page(task)).content.decode()
    for payout in payouts:
        assert reverse("payout_detail", kwargs={"org_slug": "northwind", "pk": payout.pk}) in html
    assert "Decimal" not in html and Decimal("55.00").to_eng_string() in html


def test_a_request_task_page_queries_do_not_grow_with_payouts_or_questions(world: World) -> None:
    launched(world)
    make_payout(world, key="first")

    def ask_about_pay(text: str) -> Task:
        request = request_create(
            creator=world.creator,
            user=world.creator.user,
            topic=Topic.COMPENSATION,
            text=text,
            enrollment=world.enrollment,
        )
        return Task.objects.get(source_request=request)

    task = ask_about_pay("When am I paid?")
    viewer = client(world, task.owner_role)

    def grow() -> None:
        for n in range(4):
            make_payout(world, key=f"more-{n}")
            ask_about_pay(f"And this one ({n})?")

    assert_constant_queries(lambda: viewer.get(page(task)), grow=grow)
