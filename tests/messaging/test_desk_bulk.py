"""Bulk claim and assign on the desk: one service for the page and the API, all or nothing,
a task event and an audit event per task, bulk writes, and each refusal with nothing written."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from messaging.kinds import OwnerRole, TaskKind, TaskState
from messaging.models import Notification, Task, TaskEvent
from messaging.services import queue
from messaging.services.bulk import TasksRefused, tasks_bulk
from organizations.models import Membership, Organization
from organizations.roles import Role
from tests.conftest import Cast, World, login_client
from tests.factories import member

pytestmark = pytest.mark.django_db

_seq = count()


def make_task(organization: Organization, role: str = OwnerRole.ISM, **kwargs: Any) -> Task:
    n = next(_seq)
    task, _ = queue.task_create(
        organization=organization,
        kind=TaskKind.CREATOR_REQUEST,
        title=f"Bulk task {n}",
        owner_role=role,
        dedupe_key=f"bulk-test:{n}",
        **kwargs,
    )
    return task


def bulk_url(slug: str = "northwind") -> str:
    return reverse("desk_task_bulk", kwargs={"org_slug": slug})


def api_url(slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/tasks/bulk/"


def snapshot() -> list[tuple[int, str, int | None]]:
    """Every task's state and assignee, plus how many events exist: to prove nothing moved."""
    rows = [(t.pk, t.state, t.assignee_id) for t in Task.objects.order_by("pk")]
    counts = (TaskEvent.objects.count(), AuditEvent.objects.count())
    return [*rows, (-1, "events", counts[0]), (-2, "audit", counts[1])]


# --- the page ---


def test_the_ism_claims_ticked_tasks_and_the_counters_come_back_out_of_band(cast: Cast) -> None:
    tasks = [make_task(cast.org) for _ in range(3)]
    client = cast.client_for(Role.ISM)
    response = client.post(
        bulk_url(), {"action": "claim", "task": [tasks[0].pk, tasks[1].pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 tasks claimed: they are yours." in html
    assert 'id="desk-lists"' in html
    # The counters, swapped out of band: one open task left, two in progress.
    assert 'id="task-counts"' in html and 'data-hx-swap-oob="true"' in html
    assert "<strong>1</strong> open" in html and "<strong>2</strong> in progress" in html
    ism = cast.members[Role.ISM].user
    for task in tasks[:2]:
        task.refresh_from_db()
        assert (task.state, task.assignee_id) == (TaskState.IN_PROGRESS, ism.pk)
        assert task.events.filter(verb="claimed", actor=ism, to_assignee=ism).count() == 1
    tasks[2].refresh_from_db()
    assert tasks[2].state == TaskState.OPEN
    audits = AuditEvent.objects.filter(verb=AuditVerb.TASK_CLAIMED)
    assert sorted(int(a.target_id) for a in audits) == [tasks[0].pk, tasks[1].pk]
    assert {a.actor_id for a in audits} == {ism.pk}


def test_without_htmx_the_desk_comes_back_with_the_message(cast: Cast) -> None:
    task = make_task(cast.org)
    client = cast.client_for(Role.ISM)
    response = client.post(
        bulk_url() + "?kind=creator_request", {"action": "claim", "task": [task.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == "/orgs/northwind/desk/?kind=creator_request"
    page = client.get(response["Location"]).content.decode()
    assert "1 task claimed: it is yours." in page


def test_the_admin_assigns_ticked_tasks_to_an_ism_who_hears_once(cast: Cast) -> None:
    tasks = [make_task(cast.org) for _ in range(3)]
    ism = cast.members[Role.ISM].user
    client = cast.client_for(Role.ADMIN)
    response = client.post(
        bulk_url(),
        {"action": "assign", "assignee": ism.pk, "task": [t.pk for t in tasks]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f"3 tasks assigned to {ism.display_name}." in response.content.decode()
    for task in tasks:
        task.refresh_from_db()
        assert (task.state, task.assignee_id) == (TaskState.OPEN, ism.pk)
        assert task.events.filter(verb="reassigned", to_assignee=ism).count() == 1
    audits = AuditEvent.objects.filter(verb=AuditVerb.TASK_ASSIGNED)
    assert audits.count() == 3
    assert all(a.after["assignee"] == ism.pk for a in audits)
    notices = Notification.objects.filter(recipient=ism, title__startswith="3 tasks")
    assert notices.count() == 1


def test_a_task_of_another_team_than_the_assignee_is_refused_by_name(cast: Cast) -> None:
    ism_task, bsm_task = make_task(cast.org, OwnerRole.ISM), make_task(cast.org, OwnerRole.BSM)
    before = snapshot()
    ism = cast.members[Role.ISM].user
    response = cast.client_for(Role.ADMIN).post(
        bulk_url(), {"action": "assign", "assignee": ism.pk, "task": [ism_task.pk, bsm_task.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"“{bsm_task.title}” (#{bsm_task.pk}) is Brand success (BSM) work" in html
    assert f"“{ism_task.title}”" not in html.split("message-error")[1].split("</div>")[0]
    assert snapshot() == before
    # The ticks stay, to try again.
    assert (
        f'value="{ism_task.pk}" form="bulk-form" aria-label="Tick {ism_task.title}" checked' in html
    )


def test_another_orgs_task_is_a_404_and_nothing_is_written(cast: Cast) -> None:
    mine = make_task(cast.org)
    foreign = make_task(cast.outsider_org)
    before = snapshot()
    client = cast.client_for(Role.ISM)
    response = client.post(bulk_url(), {"action": "claim", "task": [mine.pk, foreign.pk]})
    assert response.status_code == 404
    response = client.post(
        api_url(),
        {"action": "claim", "ids": [mine.pk, foreign.pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    # The outsider, through their own org or ours, reaches nothing either.
    outsider = login_client(cast.outsider.user)
    assert outsider.post(bulk_url(), {"action": "claim", "task": [mine.pk]}).status_code == 404
    assert (
        outsider.post(bulk_url("acme"), {"action": "claim", "task": [mine.pk]}).status_code == 404
    )
    assert snapshot() == before


def test_another_teams_task_the_member_cannot_see_is_a_404(cast: Cast) -> None:
    bsm_task = make_task(cast.org, OwnerRole.BSM)
    before = snapshot()
    client = cast.client_for(Role.ISM)
    response = client.post(bulk_url(), {"action": "claim", "task": [bsm_task.pk]})
    assert response.status_code == 404
    # With htmx (a task handed over while the desk was open) the lists come back, refreshed.
    response = client.post(
        bulk_url(), {"action": "claim", "task": [bsm_task.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    html = response.content.decode()
    assert "Some chosen tasks do not exist." in html and 'id="desk-lists"' in html
    assert bsm_task.title not in html
    assert snapshot() == before


def test_closed_tasks_are_skipped_with_a_message_and_the_rest_goes_ahead(cast: Cast) -> None:
    ism = cast.members[Role.ISM]
    done, open_task = make_task(cast.org), make_task(cast.org)
    queue.task_complete(task=done, actor=ism.user, resolution="Answered")
    response = cast.client_for(Role.ISM).post(
        bulk_url(), {"action": "claim", "task": [done.pk, open_task.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 task claimed" in html
    assert f"Skipped 1 closed task (“{done.title}”): nothing left to do." in html
    done.refresh_from_db()
    assert done.state == TaskState.DONE and not done.events.filter(verb="claimed").exists()


def test_only_closed_tasks_is_a_conflict(cast: Cast) -> None:
    ism = cast.members[Role.ISM]
    done = make_task(cast.org)
    queue.task_complete(task=done, actor=ism.user, resolution="Answered")
    before = snapshot()
    response = cast.client_for(Role.ISM).post(bulk_url(), {"action": "claim", "task": [done.pk]})
    assert response.status_code == 409
    assert "every chosen task is already closed" in response.content.decode()
    assert snapshot() == before


def test_claiming_what_someone_else_works_on_is_refused_all_or_nothing(cast: Cast) -> None:
    other_ism = member(cast.org, Role.ISM, email="ivy2@northwind.test")
    theirs, free = make_task(cast.org), make_task(cast.org)
    queue.task_claim(task=theirs, membership=other_ism)
    before = snapshot()
    response = cast.client_for(Role.ISM).post(
        bulk_url(), {"action": "claim", "task": [theirs.pk, free.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert f"“{theirs.title}” (#{theirs.pk}): {other_ism.user.display_name} is already" in html
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "claim"}, "Tick at least one task."),
        ({"action": "assign", "task": ["1"]}, "Choose who gets the ticked tasks."),
        ({"action": "steal", "task": ["1"]}, "Select a valid choice."),
        ({"action": "claim", "task": ["x"]}, "Choose tasks from the desk."),
    ],
)
def test_bad_input_is_a_400_naming_it(cast: Cast, data: dict[str, Any], message: str) -> None:
    make_task(cast.org)
    before = snapshot()
    response = cast.client_for(Role.ISM).post(bulk_url(), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.ANALYST, Role.APPROVER, Role.BRAND_MANAGER])
def test_roles_without_the_desk_get_403(cast: Cast, role: str) -> None:
    task = make_task(cast.org)
    response = cast.client_for(role).post(bulk_url(), {"action": "claim", "task": [task.pk]})
    assert response.status_code == 403
    response = cast.client_for(role).post(
        api_url(), {"action": "claim", "ids": [task.pk]}, content_type="application/json"
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.OPEN


def test_the_desk_offers_ticks_and_the_bulk_bar_and_no_inline_complete(cast: Cast) -> None:
    task = make_task(cast.org)
    html = cast.client_for(Role.ADMIN).get(reverse("org_desk", args=["northwind"])).content
    page = html.decode()
    assert f'name="task" value="{task.pk}" form="bulk-form"' in page
    assert 'id="bulk-form"' in page and "data-select-all" in page
    assert 'data-label="Due"' in page and 'class="stack desk-tasks"' in page
    assert "desk_task_complete" not in page and 'name="resolution"' not in page
    assert f'href="/orgs/northwind/desk/tasks/{task.pk}/" class="button secondary">Resolve' in page
    # "Assign to…" offers each team, grouped.
    for group in ("Influencer success manager", "Brand success manager", "Approver", "Org admin"):
        assert f'<optgroup label="{group}">' in page


def test_the_desk_lists_are_paged(cast: Cast) -> None:
    for _ in range(52):
        make_task(cast.org)
    client = cast.client_for(Role.ISM)
    first = client.get(reverse("org_desk", args=["northwind"])).content.decode()
    assert first.count('name="task"') == 50 and "Page 1 of 2" in first
    second = client.get(reverse("org_desk", args=["northwind"]), {"queue": 2}).content.decode()
    assert second.count('name="task"') == 2


# --- the service ---


def _queries_for(membership: Membership, tasks: list[Task], assignee: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        tasks_bulk(
            membership=membership,
            action="assign",
            task_ids=[t.pk for t in tasks],
            assignee_id=assignee.pk,
        )
    return len(captured)


def test_the_writes_are_bulk_the_same_queries_for_2_or_20_tasks(cast: Cast) -> None:
    admin, ism = cast.members[Role.ADMIN], cast.members[Role.ISM].user
    few = _queries_for(admin, [make_task(cast.org) for _ in range(2)], ism)
    many = _queries_for(admin, [make_task(cast.org) for _ in range(20)], ism)
    assert few == many


def test_an_approval_goes_only_to_an_approver_covering_its_brand(world: World) -> None:
    cast = world.cast
    approval = make_task(cast.org, OwnerRole.APPROVER, program=world.program)
    admin = cast.members[Role.ADMIN]
    elsewhere = member(cast.org, Role.APPROVER, brands=[cast.other_brand], email="t@n.test")
    before = snapshot()
    with pytest.raises(TasksRefused) as refused:
        tasks_bulk(
            membership=admin, action="assign", task_ids=[approval.pk], assignee_id=elsewhere.user_id
        )
    assert refused.value.status_code == 400
    assert snapshot() == before
    covering = cast.members[Role.APPROVER]
    result = tasks_bulk(
        membership=admin, action="assign", task_ids=[approval.pk], assignee_id=covering.user_id
    )
    assert [t.pk for t in result.changed] == [approval.pk]


def test_an_assignee_outside_the_org_is_a_404(cast: Cast) -> None:
    task = make_task(cast.org)
    response = cast.client_for(Role.ADMIN).post(
        api_url(),
        {"action": "assign", "ids": [task.pk], "assignee": cast.outsider.user_id},
        content_type="application/json",
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.assignee_id is None


# --- the API ---


def test_the_api_claims_and_assigns_with_the_same_rules(cast: Cast) -> None:
    a, b = make_task(cast.org), make_task(cast.org, OwnerRole.BSM)
    admin = cast.client_for(Role.ADMIN)
    response = admin.post(
        api_url(), {"action": "claim", "ids": [a.pk, b.pk]}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["changed"] == [a.pk, b.pk] and body["skipped_closed"] == []
    assert body["message"] == "2 tasks claimed: they are yours."
    bsm = cast.members[Role.BSM].user
    response = admin.post(
        api_url(),
        {"action": "assign", "ids": [a.pk, b.pk], "assignee": bsm.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["refusals"] == [
        f"“{a.title}” (#{a.pk}) is Influencer success (ISM) work: "
        f"{bsm.display_name} is not on that team."
    ]
    b.refresh_from_db()
    assert b.assignee_id == cast.members[Role.ADMIN].user_id


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "claim", "ids": []},
        {"action": "claim"},
        {"action": "assign", "ids": [1]},
        {"action": "nope", "ids": [1]},
        {"action": "claim", "ids": [0]},
        {"action": "claim", "ids": [1], "extra": True},
    ],
)
def test_the_api_refuses_bad_input_with_a_400(cast: Cast, payload: dict[str, Any]) -> None:
    make_task(cast.org)
    before = snapshot()
    response = cast.client_for(Role.ADMIN).post(api_url(), payload, content_type="application/json")
    assert response.status_code == 400
    assert snapshot() == before


def test_the_schema_documents_the_bulk_endpoint(cast: Cast) -> None:
    schema = cast.client_for(Role.ADMIN).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/orgs/{org_slug}/tasks/bulk/"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body.endswith("/TaskBulkRequest")
