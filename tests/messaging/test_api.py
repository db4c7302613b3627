"""Messaging API: the desk's tasks and threads (desk roles, org-scoped), and the creator's own
requests and threads (/me/). Refusals each have their own test; lists keep a constant query
count."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from messaging.kinds import OwnerRole, TaskKind, TaskState, Topic
from messaging.models import Message, Request, Task, Thread
from messaging.services import queue
from messaging.services.requests import request_create
from messaging.services.threads import announcement_create, message_post, thread_for_enrollment
from organizations.models import Brand, Organization
from organizations.roles import Role
from programs.models import Enrollment, Program
from programs.recruiting.services import enrollment_invite
from programs.services import program_create, program_open_recruiting
from tests.conftest import Cast, login_client
from tests.factories import CreatorProfileFactory, ProgramFactory, UserFactory, member
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

DESK_ROLES = {Role.ADMIN, Role.ISM, Role.BSM}
_seq = count()


def _api(path: str, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/{path}"


def _post(client: Client, url: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(url, payload or {}, content_type="application/json")


# --- building blocks ---


def make_creator(organization: Organization, name: str = "Cara", user: Any = None) -> Any:
    user = user or UserFactory(is_creator=True, name=name)
    return CreatorProfileFactory(
        organization=organization, user=user, display_name=name, email=user.email
    )


def make_program(cast: Cast, name: str = "Spring", **kwargs: Any) -> Program:
    return ProgramFactory.create(
        organization=cast.org,
        brand=cast.brand,
        name=name,
        created_by=cast.members[Role.ADMIN].user,
        **kwargs,
    )


def enroll(cast: Cast, program: Program, creator: Any) -> Enrollment:
    if program.state == "draft":
        program_open_recruiting(program=program, actor=cast.members[Role.ADMIN].user)
        program.refresh_from_db()
    return enrollment_invite(
        program=program, creators=[creator], actor=cast.members[Role.ADMIN].user
    )[0]


def make_task(organization: Organization, role: str = OwnerRole.ISM, **kwargs: Any) -> Task:
    n = next(_seq)
    task, _ = queue.task_create(
        organization=organization,
        kind=kwargs.pop("kind", TaskKind.CREATOR_REQUEST),
        title=f"Task {n}",
        owner_role=role,
        dedupe_key=f"test:{n}",
        **kwargs,
    )
    return task


@pytest.fixture
def task(cast: Cast) -> Task:
    return make_task(cast.org, OwnerRole.ISM)


@pytest.fixture
def cara(cast: Cast) -> Any:
    return make_creator(cast.org, "Cara")


@pytest.fixture
def cara_enrollment(cast: Cast, cara: Any) -> Enrollment:
    return enroll(cast, make_program(cast, "Spring"), cara)


@pytest.fixture
def cara_thread(cara_enrollment: Enrollment) -> Thread:
    return thread_for_enrollment(enrollment=cara_enrollment)


def as_creator(profile: Any) -> Client:
    return login_client(profile.user)


# --- staff: who may use the org endpoints ---


def _org_paths(cast: Cast) -> list[str]:
    task = make_task(cast.org, OwnerRole.ISM)
    thread = thread_for_enrollment(
        enrollment=enroll(cast, make_program(cast), make_creator(cast.org))
    )
    return [
        "tasks/",
        f"tasks/{task.pk}/",
        "threads/",
        f"threads/{thread.pk}/",
        f"threads/{thread.pk}/messages/",
    ]


def test_outsider_gets_404_on_every_org_endpoint(cast: Cast) -> None:
    client = login_client(cast.outsider.user)
    for path in _org_paths(cast):
        assert client.get(_api(path)).status_code == 404, path
        assert client.get(_api(path, slug="nope")).status_code == 404, path
    task = Task.objects.get()
    assert _post(client, _api(f"tasks/{task.pk}/claim/")).status_code == 404
    task.refresh_from_db()
    assert task.assignee is None


def test_another_orgs_task_and_thread_are_404_like_missing_ones(cast: Cast) -> None:
    foreign_task = make_task(cast.outsider_org, OwnerRole.ISM)
    acme_program = program_create(
        organization=cast.outsider_org,
        brand=Brand.objects.get(organization=cast.outsider_org),
        name="Acme launch",
        actor=cast.outsider.user,
    )
    foreign_thread = announcement_create(
        program=acme_program, actor=cast.outsider.user, title="Hi", text="Hello"
    )
    client = cast.client_for(Role.ADMIN)
    assert client.get(_api(f"tasks/{foreign_task.pk}/")).status_code == 404
    assert client.get(_api("tasks/99999999/")).status_code == 404
    assert _post(client, _api(f"tasks/{foreign_task.pk}/claim/")).status_code == 404
    assert client.get(_api(f"threads/{foreign_thread.pk}/")).status_code == 404
    response = _post(client, _api(f"threads/{foreign_thread.pk}/messages/"), {"text": "x"})
    assert response.status_code == 404
    assert Message.objects.filter(thread=foreign_thread).count() == 1


def test_anonymous_gets_403_everywhere(cast: Cast) -> None:
    client = Client()
    for path in _org_paths(cast):
        assert client.get(_api(path)).status_code == 403, path
    for url in ["/api/v1/me/requests/", "/api/v1/me/threads/", "/api/v1/me/threads/1/messages/"]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", sorted(Role.values))
def test_tasks_require_a_desk_role(cast: Cast, role: str) -> None:
    response = cast.client_for(role).get(_api("tasks/"))
    assert response.status_code == (200 if role in DESK_ROLES else 403)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_threads_require_a_desk_role(cast: Cast, role: str) -> None:
    response = cast.client_for(role).get(_api("threads/"))
    assert response.status_code == (200 if role in DESK_ROLES else 403)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER])
def test_non_desk_roles_get_403_on_details_and_messages(
    cast: Cast, role: str, task: Task, cara_thread: Thread
) -> None:
    client = cast.client_for(role)
    assert client.get(_api(f"tasks/{task.pk}/")).status_code == 403
    assert client.get(_api(f"threads/{cara_thread.pk}/messages/")).status_code == 403
    response = _post(client, _api(f"threads/{cara_thread.pk}/messages/"), {"text": "Hi"})
    assert response.status_code == 403
    assert not Message.objects.filter(thread=cara_thread).exists()


def test_an_analyst_cannot_claim_a_task(cast: Cast, task: Task) -> None:
    response = _post(cast.client_for(Role.ANALYST), _api(f"tasks/{task.pk}/claim/"))
    assert response.status_code == 403
    task.refresh_from_db()
    assert (task.state, task.assignee) == (TaskState.OPEN, None)


# --- staff: the task queue ---


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_each_desk_role_sees_its_own_queue_and_admins_see_both(cast: Cast) -> None:
    ism_task = make_task(cast.org, OwnerRole.ISM)
    bsm_task = make_task(cast.org, OwnerRole.BSM)
    make_task(cast.outsider_org, OwnerRole.ISM)
    assert _ids(cast.client_for(Role.ISM).get(_api("tasks/"))) == {ism_task.pk}
    assert _ids(cast.client_for(Role.BSM).get(_api("tasks/"))) == {bsm_task.pk}
    assert _ids(cast.client_for(Role.ADMIN).get(_api("tasks/"))) == {ism_task.pk, bsm_task.pk}


def test_an_ism_cannot_open_or_work_a_bsm_task(cast: Cast) -> None:
    bsm_task = make_task(cast.org, OwnerRole.BSM)
    client = cast.client_for(Role.ISM)
    assert client.get(_api(f"tasks/{bsm_task.pk}/")).status_code == 404
    assert _post(client, _api(f"tasks/{bsm_task.pk}/claim/")).status_code == 404
    bsm_task.refresh_from_db()
    assert bsm_task.assignee is None


def test_the_task_list_filters(cast: Cast) -> None:
    ism = cast.members[Role.ISM].user
    program = make_program(cast)
    mine = make_task(cast.org, assignee=ism, program=program)
    queued = make_task(cast.org, kind=TaskKind.CONTENT_REVIEW)
    late = make_task(cast.org, due_at=timezone.now() - timedelta(hours=1))
    done = make_task(cast.org)
    queue.task_complete(task=done, actor=ism, resolution="Sorted.")
    client = cast.client_for(Role.ISM)

    assert _ids(client.get(_api("tasks/"))) == {mine.pk, queued.pk, late.pk}
    assert _ids(client.get(_api("tasks/?scope=mine"))) == {mine.pk}
    assert _ids(client.get(_api("tasks/?scope=queue"))) == {queued.pk, late.pk}
    assert _ids(client.get(_api("tasks/?kind=content_review"))) == {queued.pk}
    assert _ids(client.get(_api(f"tasks/?program={program.pk}"))) == {mine.pk}
    assert _ids(client.get(_api("tasks/?overdue=true"))) == {late.pk}
    assert _ids(client.get(_api("tasks/?overdue=false"))) == {mine.pk, queued.pk, late.pk}
    assert _ids(client.get(_api("tasks/?state=done"))) == {done.pk}
    row = client.get(_api("tasks/?overdue=true")).json()["results"][0]
    assert row["overdue"] is True
    assert row["assignee_name"] is None
    mine_row = client.get(_api("tasks/?scope=mine")).json()["results"][0]
    assert mine_row["program_name"] == "Spring"
    assert mine_row["assignee"] == ism.pk


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("program=abc", "program"),
        ("program=-3", "program"),
        ("state=sleeping", "state"),
        ("kind=gossip", "kind"),
        ("overdue=maybe", "overdue"),
        ("scope=everything", "scope"),
    ],
)
def test_bad_task_filters_get_400(cast: Cast, query: str, field: str) -> None:
    response = cast.client_for(Role.ISM).get(_api(f"tasks/?{query}"))
    assert response.status_code == 400
    assert field in response.json()


def test_a_task_detail_includes_its_history(cast: Cast, task: Task) -> None:
    ism = cast.members[Role.ISM]
    queue.task_claim(task=task, membership=ism)
    data = cast.client_for(Role.ISM).get(_api(f"tasks/{task.pk}/")).json()
    assert data["state"] == TaskState.IN_PROGRESS
    assert [e["verb"] for e in data["history"]] == ["created", "claimed"]
    assert data["history"][1]["to_assignee"] == ism.user.pk
    assert data["history"][1]["actor_name"] == ism.user.display_name


def test_claim_puts_the_task_in_progress_with_me(cast: Cast, task: Task) -> None:
    ism = cast.members[Role.ISM].user
    response = _post(cast.client_for(Role.ISM), _api(f"tasks/{task.pk}/claim/"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == TaskState.IN_PROGRESS
    assert response.json()["assignee"] == ism.pk
    task.refresh_from_db()
    assert (task.state, task.assignee) == (TaskState.IN_PROGRESS, ism)
    # One claim leaves the same trail as a bulk claim: an audit event naming the claimer.
    from influencer_ops.audit import AuditVerb
    from influencer_ops.models import AuditEvent
    from influencer_ops.tenancy import dangerously_unscoped

    with dangerously_unscoped():
        event = AuditEvent.objects.get(verb=AuditVerb.TASK_CLAIMED, target_id=str(task.pk))
    assert (event.actor_id, event.after["assignee"]) == (ism.pk, ism.pk)


def test_claiming_a_task_someone_else_works_on_gets_409(cast: Cast, task: Task) -> None:
    queue.task_claim(task=task, membership=cast.members[Role.ISM])
    response = _post(cast.client_for(Role.ADMIN), _api(f"tasks/{task.pk}/claim/"))
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.assignee == cast.members[Role.ISM].user


def test_complete_records_the_resolution(cast: Cast, task: Task) -> None:
    response = _post(
        cast.client_for(Role.ISM),
        _api(f"tasks/{task.pk}/complete/"),
        {"resolution": "  Moved the date.  "},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["state"], data["resolution"]) == (TaskState.DONE, "Moved the date.")
    assert data["history"][-1]["verb"] == "completed"


def test_completing_a_done_task_gets_409(cast: Cast, task: Task) -> None:
    queue.task_complete(task=task, actor=cast.members[Role.ISM].user, resolution="Done.")
    response = _post(
        cast.client_for(Role.ISM), _api(f"tasks/{task.pk}/complete/"), {"resolution": "Again"}
    )
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.resolution == "Done."


@pytest.mark.parametrize("payload", [{}, {"resolution": ""}, {"resolution": "   "}])
def test_completing_without_a_resolution_gets_400(
    cast: Cast, task: Task, payload: dict[str, Any]
) -> None:
    response = _post(cast.client_for(Role.ISM), _api(f"tasks/{task.pk}/complete/"), payload)
    assert response.status_code == 400
    assert "resolution" in response.json()
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_reassign_to_a_person_then_back_to_the_queue(cast: Cast, task: Task) -> None:
    colleague = member(cast.org, Role.ISM, email="ism2@northwind.test").user
    client = cast.client_for(Role.ISM)
    queue.task_claim(task=task, membership=cast.members[Role.ISM])
    response = _post(
        client,
        _api(f"tasks/{task.pk}/reassign/"),
        {"assignee": colleague.pk, "note": "You know her."},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["assignee"], data["state"]) == (colleague.pk, TaskState.OPEN)
    assert data["history"][-1]["note"] == "You know her."
    response = _post(client, _api(f"tasks/{task.pk}/reassign/"), {"assignee": None})
    assert response.status_code == 200
    assert response.json()["assignee"] is None
    task.refresh_from_db()
    assert task.assignee is None


@pytest.mark.parametrize("who", ["bsm", "outsider", "missing"])
def test_reassigning_outside_the_team_gets_400(cast: Cast, task: Task, who: str) -> None:
    user_id = {
        "bsm": cast.members[Role.BSM].user.pk,
        "outsider": cast.outsider.user.pk,
        "missing": 99999999,
    }[who]
    response = _post(
        cast.client_for(Role.ISM), _api(f"tasks/{task.pk}/reassign/"), {"assignee": user_id}
    )
    assert response.status_code == 400
    assert "assignee" in response.json()
    task.refresh_from_db()
    assert task.assignee is None


# --- staff: threads ---


def test_staff_see_the_orgs_threads_with_unread_counts(
    cast: Cast, cara: Any, cara_thread: Thread
) -> None:
    message_post(thread=cara_thread, author=cara.user, text="Hello?", from_creator=True)
    data = cast.client_for(Role.ISM).get(_api("threads/")).json()
    assert [(t["id"], t["unread"], t["creator_name"]) for t in data["results"]] == [
        (cara_thread.pk, 1, "Cara")
    ]
    detail = cast.client_for(Role.ISM).get(_api(f"threads/{cara_thread.pk}/")).json()
    assert (detail["kind"], detail["program_name"]) == ("enrollment", "Spring")


def test_staff_read_and_reply_in_a_thread(cast: Cast, cara: Any, cara_thread: Thread) -> None:
    message_post(thread=cara_thread, author=cara.user, text="Hello?", from_creator=True)
    client = cast.client_for(Role.ISM)
    response = _post(client, _api(f"threads/{cara_thread.pk}/messages/"), {"text": " Hi! "})
    assert response.status_code == 201, response.content
    assert (response.json()["text"], response.json()["from_creator"]) == ("Hi!", False)
    rows = client.get(_api(f"threads/{cara_thread.pk}/messages/")).json()["results"]
    assert [(m["text"], m["from_creator"]) for m in rows] == [("Hello?", True), ("Hi!", False)]


def test_a_staff_reply_can_resolve_the_threads_requests(
    cast: Cast, cara: Any, cara_enrollment: Enrollment
) -> None:
    created = request_create(
        creator=cara,
        user=cara.user,
        topic=Topic.AVAILABILITY,
        text="Away in March.",
        enrollment=cara_enrollment,
    )
    response = _post(
        cast.client_for(Role.ISM),
        _api(f"threads/{created.thread_id}/messages/"),
        {"text": "Noted, thanks.", "resolve": True},
    )
    assert response.status_code == 201
    task = Task.objects.get(source_request=created)
    assert (task.state, task.resolution) == (TaskState.DONE, "Noted, thanks.")


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_staff_message_gets_400_on_text(
    cast: Cast, cara_thread: Thread, text: str
) -> None:
    response = _post(
        cast.client_for(Role.ISM), _api(f"threads/{cara_thread.pk}/messages/"), {"text": text}
    )
    assert response.status_code == 400
    assert "text" in response.json()
    assert not Message.objects.exists()


def test_an_overlong_staff_message_gets_400(cast: Cast, cara_thread: Thread) -> None:
    response = _post(
        cast.client_for(Role.ISM),
        _api(f"threads/{cara_thread.pk}/messages/"),
        {"text": "x" * 5001},
    )
    assert response.status_code == 400
    assert "text" in response.json()
    assert not Message.objects.exists()


# --- creators: who may use /me/ ---


def test_staff_without_a_creator_login_get_403_on_me(cast: Cast) -> None:
    client = cast.client_for(Role.ISM)
    assert client.get("/api/v1/me/requests/").status_code == 403
    assert client.get("/api/v1/me/threads/").status_code == 403


def test_a_creator_cannot_read_or_post_in_another_creators_thread(
    cast: Cast, cara: Any, cara_thread: Thread
) -> None:
    other = make_creator(cast.org, "Olly")
    enroll(cast, Program.objects.get(), other)
    client = as_creator(other)
    url = f"/api/v1/me/threads/{cara_thread.pk}/messages/"
    assert client.get(url).status_code == 404
    assert _post(client, url, {"text": "Peeking"}).status_code == 404
    assert client.get("/api/v1/me/threads/99999999/messages/").status_code == 404
    assert not Message.objects.exists()
    assert _ids(client.get("/api/v1/me/threads/")) == set()


def test_a_creator_cannot_read_announcements_of_programs_they_are_not_in(
    cast: Cast, cara: Any, cara_enrollment: Enrollment
) -> None:
    other_program = make_program(cast, "Autumn")
    news = announcement_create(
        program=other_program,
        actor=cast.members[Role.ADMIN].user,
        title="Autumn news",
        text="Hello",
        replies_allowed=True,
    )
    url = f"/api/v1/me/threads/{news.pk}/messages/"
    client = as_creator(cara)
    assert client.get(url).status_code == 404
    assert _post(client, url, {"text": "Me too?"}).status_code == 404
    assert Message.objects.filter(thread=news).count() == 1


def test_a_creator_cannot_request_on_another_creators_enrollment(
    cast: Cast, cara_enrollment: Enrollment
) -> None:
    other = make_creator(cast.org, "Olly")
    response = _post(
        as_creator(other),
        "/api/v1/me/requests/",
        {"topic": Topic.AVAILABILITY, "text": "Away", "enrollment": cara_enrollment.pk},
    )
    assert response.status_code == 404
    assert not Request.objects.exists()
    assert not Task.objects.exists()


# --- creators: requests ---


def test_a_creator_raises_a_request_without_a_program(cast: Cast, cara: Any) -> None:
    client = as_creator(cara)
    response = _post(
        client, "/api/v1/me/requests/", {"topic": Topic.COMPENSATION, "text": "When am I paid?"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["routed_role"] == OwnerRole.BSM
    assert data["owner"] == "BSM team"
    assert data["task_state"] == TaskState.OPEN
    assert data["due_at"] is not None
    assert (data["enrollment"], data["program_name"], data["thread"]) == (None, None, None)
    assert "post-launch topic" in data["routing_reason"]
    listed = client.get("/api/v1/me/requests/").json()["results"]
    assert [r["id"] for r in listed] == [data["id"]]


def test_a_request_about_an_enrollment_names_its_owner_and_opens_the_thread(
    cast: Cast, cara: Any
) -> None:
    ism = cast.members[Role.ISM].user
    enrollment = enroll(cast, make_program(cast, "Spring", assigned_ism=ism), cara)
    response = _post(
        as_creator(cara),
        "/api/v1/me/requests/",
        {"topic": Topic.AVAILABILITY, "text": "Away in March.", "enrollment": enrollment.pk},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["enrollment"], data["program_name"]) == (enrollment.pk, "Spring")
    assert (data["routed_role"], data["owner"]) == (OwnerRole.ISM, ism.display_name)
    assert data["organization"] == "northwind"
    thread = Thread.objects.get(pk=data["thread"])
    assert thread.messages.get().text == "Away in March."


@pytest.mark.parametrize("topic", ["gossip", ""])
def test_an_unknown_topic_gets_400(cast: Cast, cara: Any, topic: str) -> None:
    response = _post(as_creator(cara), "/api/v1/me/requests/", {"topic": topic, "text": "Hi"})
    assert response.status_code == 400
    assert "topic" in response.json()
    assert not Request.objects.exists()


@pytest.mark.parametrize("text", ["", "  ", "x" * 5001])
def test_a_request_needs_a_sensible_text(cast: Cast, cara: Any, text: str) -> None:
    response = _post(as_creator(cara), "/api/v1/me/requests/", {"topic": Topic.OTHER, "text": text})
    assert response.status_code == 400
    assert "text" in response.json()
    assert not Request.objects.exists()


def test_a_creator_of_several_orgs_must_name_one(cast: Cast, cara: Any) -> None:
    make_creator(cast.outsider_org, "Cara", user=cara.user)
    client = as_creator(cara)
    payload = {"topic": Topic.OTHER, "text": "Hello"}
    response = _post(client, "/api/v1/me/requests/", payload)
    assert response.status_code == 400
    assert "organization" in response.json()
    response = _post(client, "/api/v1/me/requests/", {**payload, "organization": "globex"})
    assert response.status_code == 400
    response = _post(client, "/api/v1/me/requests/", {**payload, "organization": "acme"})
    assert response.status_code == 201, response.content
    assert response.json()["organization"] == "acme"
    assert Request.objects.get().organization == cast.outsider_org


# --- creators: threads ---


def test_a_creator_lists_and_writes_in_their_thread(
    cast: Cast, cara: Any, cara_thread: Thread
) -> None:
    message_post(
        thread=cara_thread, author=cast.members[Role.ISM].user, text="Welcome", from_creator=False
    )
    client = as_creator(cara)
    threads = client.get("/api/v1/me/threads/").json()["results"]
    assert [(t["id"], t["unread"], t["organization"]) for t in threads] == [
        (cara_thread.pk, 1, "northwind")
    ]
    url = f"/api/v1/me/threads/{cara_thread.pk}/messages/"
    response = _post(client, url, {"text": "Thanks!"})
    assert response.status_code == 201, response.content
    assert response.json()["from_creator"] is True
    rows = client.get(url).json()["results"]
    assert [m["text"] for m in rows] == ["Welcome", "Thanks!"]


def test_replying_to_an_announcement_with_replies_off_gets_403(
    cast: Cast, cara: Any, cara_enrollment: Enrollment
) -> None:
    news = announcement_create(
        program=cara_enrollment.program,
        actor=cast.members[Role.ADMIN].user,
        title="Shipping update",
        text="Boxes leave Monday.",
    )
    client = as_creator(cara)
    url = f"/api/v1/me/threads/{news.pk}/messages/"
    assert client.get(url).status_code == 200
    assert _post(client, url, {"text": "Great"}).status_code == 403
    assert Message.objects.filter(thread=news).count() == 1


def test_replying_to_an_open_announcement_works(
    cast: Cast, cara: Any, cara_enrollment: Enrollment
) -> None:
    news = announcement_create(
        program=cara_enrollment.program,
        actor=cast.members[Role.ADMIN].user,
        title="Questions welcome",
        text="Ask away.",
        replies_allowed=True,
    )
    response = _post(as_creator(cara), f"/api/v1/me/threads/{news.pk}/messages/", {"text": "Q"})
    assert response.status_code == 201


@pytest.mark.parametrize("text", ["", "x" * 5001])
def test_a_bad_creator_message_gets_400_on_text(
    cast: Cast, cara: Any, cara_thread: Thread, text: str
) -> None:
    url = f"/api/v1/me/threads/{cara_thread.pk}/messages/"
    response = _post(as_creator(cara), url, {"text": text})
    assert response.status_code == 400
    assert "text" in response.json()
    assert not Message.objects.exists()


# --- constant query counts ---


def _grow_tasks(cast: Cast) -> Callable[[int, int], None]:
    program = make_program(cast)
    creator = make_creator(cast.org)
    ism = cast.members[Role.ISM].user

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            role = OwnerRole.ISM if n % 2 else OwnerRole.BSM
            assignee = ism if role == OwnerRole.ISM else None
            make_task(cast.org, role, assignee=assignee, program=program, creator=creator)

    return grow


def _grow_threads(cast: Cast) -> Callable[[int, int], None]:
    program = make_program(cast)
    admin = cast.members[Role.ADMIN].user

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            enrollment = enroll(cast, program, make_creator(cast.org, f"Creator {n}"))
            message_post(
                thread=thread_for_enrollment(enrollment=enrollment),
                author=admin,
                text="Hi",
                from_creator=False,
            )

    return grow


def _grow_my_requests(cast: Cast, cara: Any) -> Callable[[int, int], None]:
    ism = cast.members[Role.ISM].user
    enrollment = enroll(cast, make_program(cast, assigned_ism=ism), cara)

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            request_create(
                creator=cara,
                user=cara.user,
                topic=Topic.AVAILABILITY if n % 2 else Topic.COMPENSATION,
                text=f"Question {n}",
                enrollment=enrollment if n % 2 else None,
            )

    return grow


def _grow_my_threads(cast: Cast, cara: Any) -> Callable[[int, int], None]:
    admin = cast.members[Role.ADMIN].user
    enrollment = enroll(cast, make_program(cast), cara)
    thread_for_enrollment(enrollment=enrollment)

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            announcement_create(
                program=enrollment.program, actor=admin, title=f"News {n}", text="Hello"
            )

    return grow


@pytest.mark.parametrize("endpoint", ["tasks", "threads", "me/requests", "me/threads"])
def test_list_endpoints_issue_a_constant_number_of_queries(
    cast: Cast, cara: Any, endpoint: str
) -> None:
    if endpoint.startswith("me/"):
        client, url = as_creator(cara), f"/api/v1/{endpoint}/"
        grow = (_grow_my_requests if endpoint == "me/requests" else _grow_my_threads)(cast, cara)
    else:
        client, url = cast.client_for(Role.ADMIN), _api(f"{endpoint}/")
        grow = (_grow_tasks if endpoint == "tasks" else _grow_threads)(cast)

    grow(0, 5)
    response = assert_constant_queries(lambda: client.get(url), grow=lambda: grow(5, 50))
    assert len(response.json()["results"]) >= 45  # a full page (tasks page by cursor: no count)


def test_the_schema_lists_the_messaging_endpoints(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).get("/api/schema/")
    assert response.status_code == 200
    for path in [
        "/api/v1/orgs/{org_slug}/tasks/{id}/claim/",
        "/api/v1/orgs/{org_slug}/threads/{id}/messages/",
        "/api/v1/me/requests/",
        "/api/v1/me/threads/{id}/messages/",
    ]:
        assert path.encode() in response.content
