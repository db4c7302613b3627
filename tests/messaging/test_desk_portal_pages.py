"""The success desk and the creator portal pages: walls, roles, and the request round trip."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from messaging.kinds import TaskState, Topic
from messaging.models import Task, Thread
from messaging.services.requests import request_create
from organizations.roles import Role
from tests.conftest import World, confirm_and_launch, login_client, make_creator
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def desk(name: str, slug: str = "northwind", **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def ask(
    world: World, topic: str = Topic.REQUIREMENTS, text: str = "How long is the video?"
) -> Task:
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=topic,
        text=text,
        enrollment=world.enrollment,
    )
    return Task.objects.get(source_request=request)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_desk_pages_require_a_desk_role(world: World, role: str) -> None:
    task = ask(world)
    thread_id = task.source_request.thread_id
    client = world.cast.client_for(role)
    allowed = role in (Role.ADMIN, Role.ISM, Role.BSM)
    for url in (
        desk("org_desk"),
        desk("desk_threads"),
        desk("desk_thread", pk=thread_id),
        desk("desk_announce"),
    ):
        assert client.get(url).status_code == (200 if allowed else 403), url


def test_the_bsm_does_not_see_pre_launch_ism_tasks(world: World) -> None:
    task = ask(world)
    client = world.cast.client_for(Role.BSM)
    assert client.get(desk("desk_task", pk=task.pk)).status_code == 404
    assert task.title.encode() not in client.get(desk("org_desk")).content


def test_the_ism_reads_where_a_handed_over_task_went_but_cannot_act_on_it(world: World) -> None:
    task = ask(world)
    confirm_and_launch(world)
    task.refresh_from_db()
    assert task.owner_role == "bsm"
    ism = world.cast.client_for(Role.ISM)
    page = ism.get(desk("desk_task", pk=task.pk))
    assert page.status_code == 200
    assert b"This task has moved" in page.content and b"to the BSM" in page.content
    assert b"Claim" not in page.content
    assert ism.post(desk("desk_task_claim", pk=task.pk)).status_code == 404
    # Never the ISM's: a BSM's own post-launch task stays a 404 like a missing one.
    bsm_task = ask(world, Topic.EXTENSION, "Can I post a day later?")
    assert bsm_task.owner_role == "bsm"
    assert ism.get(desk("desk_task", pk=bsm_task.pk)).status_code == 404
    assert (
        login_client(world.cast.outsider.user)
        .get(desk("desk_task", slug="acme", pk=task.pk))
        .status_code
        == 404
    )


def test_the_bsm_reads_a_handed_over_tasks_history_in_words(world: World) -> None:
    task = ask(world)
    confirm_and_launch(world)
    html = world.cast.client_for(Role.BSM).get(desk("desk_task", pk=task.pk)).content.decode()
    assert "created the task for" in html and "handed the task over to" in html
    assert "Owning team: <del>ISM</del> → <ins>BSM</ins>" in html
    assert "Handed_over" not in html


def test_outsider_gets_404_on_every_desk_page(world: World) -> None:
    task = ask(world)
    client = login_client(world.cast.outsider.user)
    for url in (
        desk("org_desk"),
        desk("desk_task", pk=task.pk),
        desk("desk_thread", pk=task.source_request.thread_id),
    ):
        assert client.get(url).status_code == 404
    # Even through their own org's URL, another org's task is missing.
    assert client.get(desk("desk_task", slug="acme", pk=task.pk)).status_code == 404
    assert client.post(desk("desk_task_claim", slug="acme", pk=task.pk)).status_code == 404
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_the_ism_desk_shows_the_question_and_claims_it_inline(world: World) -> None:
    task = ask(world)
    client = world.cast.client_for(Role.ISM)
    page = client.get(desk("org_desk")).content.decode()
    assert task.title in page
    response = client.post(desk("desk_task_claim", pk=task.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="task-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS


def test_an_analyst_cannot_claim(world: World) -> None:
    task = ask(world)
    response = world.cast.client_for(Role.ANALYST).post(desk("desk_task_claim", pk=task.pk))
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_completing_twice_reports_the_conflict(world: World) -> None:
    task = ask(world)
    client = world.cast.client_for(Role.ISM)
    client.post(desk("desk_task_complete", pk=task.pk), {"resolution": "Answered"})
    response = client.post(
        desk("desk_task_complete", pk=task.pk), {"resolution": "Again"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409


def test_desk_filters(world: World) -> None:
    task = ask(world)
    client = world.cast.client_for(Role.ISM)
    assert task.title.encode() in client.get(desk("org_desk"), {"kind": "creator_request"}).content
    assert (
        task.title.encode() not in client.get(desk("org_desk"), {"kind": "content_review"}).content
    )
    assert task.title.encode() not in client.get(desk("org_desk"), {"overdue": "on"}).content
    # Nonsense filters are ignored, not a 500.
    assert client.get(desk("org_desk"), {"program": "abc", "due": "x"}).status_code == 200


def ask_more(world: World) -> None:
    for n in range(45):
        ask(world, text=f"more {n}")


def test_the_desk_has_a_constant_number_of_queries(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    for n in range(5):
        ask(world, text=f"q{n}")
    assert_constant_queries(lambda: client.get(desk("org_desk")), grow=lambda: ask_more(world))


def test_the_creator_asks_the_ism_answers_and_the_creator_sees_the_answer(world: World) -> None:
    creator = world.creator_client()
    response = creator.post(
        reverse("portal_request_new"),
        {
            "enrollment": world.enrollment.pk,
            "topic": Topic.REQUIREMENTS,
            "text": "Do you need a vertical video?",
        },
    )
    assert response.status_code == 302
    thread = Thread.objects.get(enrollment=world.enrollment)
    page = creator.get(reverse("portal_thread", kwargs={"pk": thread.pk})).content.decode()
    assert "Do you need a vertical video?" in page
    assert "is with" in page  # who owns it and when it is due
    ism = world.cast.client_for(Role.ISM)
    response = ism.post(
        desk("desk_thread", pk=thread.pk),
        {"text": "Yes, 9:16 please: https://example.com/specs", "resolve": "on"},
    )
    assert response.status_code == 302
    task = Task.objects.get(source_request__thread=thread)
    assert task.state == TaskState.DONE
    page = creator.get(reverse("portal_thread", kwargs={"pk": thread.pk})).content.decode()
    assert 'href="https://example.com/specs"' in page
    assert "9:16" in page


def test_messages_are_plain_text(world: World) -> None:
    ask(world, text="<script>alert(1)</script> <b>bold</b>")
    thread = Thread.objects.get(enrollment=world.enrollment)
    page = world.creator_client().get(reverse("portal_thread", kwargs={"pk": thread.pk}))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_a_creator_cannot_open_or_post_to_another_creators_thread(world: World) -> None:
    request_create(
        creator=world.other_creator,
        user=world.other_creator.user,
        topic=Topic.OTHER,
        text="mine",
        enrollment=world.other_enrollment,
    )
    other_thread = Thread.objects.get(enrollment=world.other_enrollment)
    client = world.creator_client()
    url = reverse("portal_thread", kwargs={"pk": other_thread.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "sneaky"}).status_code == 404
    assert other_thread.messages.count() == 1


def test_a_creator_cannot_ask_about_another_creators_enrollment(world: World) -> None:
    response = world.creator_client().post(
        reverse("portal_request_new"),
        {"enrollment": world.other_enrollment.pk, "topic": Topic.OTHER, "text": "x"},
    )
    assert response.status_code in (400, 404)
    assert not Task.objects.exists()


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"topic": "gossip", "text": "x"}, 400),
        ({"topic": Topic.OTHER, "text": ""}, 400),
        ({"topic": Topic.OTHER, "text": "x" * 5001}, 400),
    ],
)
def test_bad_requests_get_a_clear_error_and_change_nothing(
    world: World, data: dict, status: int
) -> None:
    response = world.creator_client().post(reverse("portal_request_new"), data)
    assert response.status_code == status
    assert not Task.objects.exists()


def test_the_portal_shows_who_owns_each_open_request(world: World) -> None:
    ask(world)
    page = world.creator_client().get(reverse("portal_home")).content.decode()
    assert "With" in page and "answer due by" in page


def test_the_portal_home_says_when_new_terms_await_the_creator(world: World) -> None:
    from programs.recruiting import services as recruiting

    confirm_and_launch(world)
    client = world.creator_client()
    assert "New terms to accept" not in client.get(reverse("portal_home")).content.decode()
    recruiting.terms_amend(
        enrollment=world.enrollment,
        actor=world.cast.members[Role.BSM].user,
        reason="Pay per click suits your audience.",
        changes={"per_click_rate": "0.25"},
    )
    assert "New terms to accept" in client.get(reverse("portal_home")).content.decode()
    recruiting.terms_accept(enrollment=world.enrollment, user=world.creator.user, terms_version=2)
    assert "New terms to accept" not in client.get(reverse("portal_home")).content.decode()


def test_a_creator_in_another_org_sees_none_of_this(world: World) -> None:
    ask(world)
    stranger = make_creator(world.cast.outsider_org, "Sam Stranger", "sam@example.test")
    page = login_client(stranger.user).get(reverse("portal_home")).content.decode()
    assert "Spring Glow" not in page and "How long is the video" not in page


def test_staff_cannot_use_the_portal(world: World) -> None:
    assert world.cast.client_for(Role.ISM).get(reverse("portal_home")).status_code == 403


def test_announcements_reach_enrolled_creators_and_replies_are_off(world: World) -> None:
    bsm = world.cast.client_for(Role.BSM)
    response = bsm.post(
        desk("desk_announce"),
        {"program": world.program.pk, "title": "Shipping update", "text": "Boxes ship Monday."},
    )
    assert response.status_code == 302
    thread = Thread.objects.get(kind="announcement")
    creator = world.creator_client()
    assert (
        b"Boxes ship Monday"
        in creator.get(reverse("portal_thread", kwargs={"pk": thread.pk})).content
    )
    assert (
        creator.post(reverse("portal_thread", kwargs={"pk": thread.pk}), {"text": "ok"}).status_code
        == 403
    )
    stranger = make_creator(world.cast.outsider_org, "Sam", "sam2@example.test")
    assert (
        login_client(stranger.user)
        .get(reverse("portal_thread", kwargs={"pk": thread.pk}))
        .status_code
        == 404
    )


def test_after_launch_a_compensation_question_lands_on_the_bsm_desk(world: World) -> None:
    confirm_and_launch(world)
    task = ask(world, topic=Topic.COMPENSATION, text="When am I paid?")
    assert task.title.encode() in world.cast.client_for(Role.BSM).get(desk("org_desk")).content
    assert task.title.encode() not in world.cast.client_for(Role.ISM).get(desk("org_desk")).content


def test_anonymous_portal_pages_redirect_to_sign_in(world: World) -> None:
    for url in (reverse("portal_home"), reverse("portal_request_new")):
        assert Client().get(url).status_code == 302


def test_admin_sets_due_times_and_new_tasks_follow_them(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    url = desk("desk_task_sla")
    admin = world.cast.client_for(Role.ADMIN)
    assert admin.get(url).status_code == 200
    assert admin.post(url, {"creator_request": "2"}).status_code == 302
    task = ask(world)
    assert task.due_at - timezone.now() <= timedelta(hours=2)
    # Out of range: refused, nothing changes.
    assert admin.post(url, {"creator_request": "0"}).status_code == 400
    assert admin.post(url, {"creator_request": "99999"}).status_code == 400
    from messaging.models import TaskSLA

    assert TaskSLA.objects.get(organization=world.cast.org).hours == 2
    # Empty resets to the default.
    admin.post(url, {"creator_request": ""})
    assert not TaskSLA.objects.filter(organization=world.cast.org).exists()


@pytest.mark.parametrize("role", [Role.ISM, Role.BSM, Role.ANALYST])
def test_only_admins_set_due_times(world: World, role: str) -> None:
    assert world.cast.client_for(role).get(desk("desk_task_sla")).status_code == 403


def test_outsider_cannot_see_due_times(world: World) -> None:
    assert login_client(world.cast.outsider.user).get(desk("desk_task_sla")).status_code == 404


def test_the_portal_has_a_constant_number_of_queries(world: World) -> None:
    client = world.creator_client()
    for n in range(5):
        ask(world, text=f"q{n}")
    assert_constant_queries(
        lambda: client.get(reverse("portal_home")), grow=lambda: ask_more(world)
    )
