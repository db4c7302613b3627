"""The desk's task counts in a big org (#18): open, in progress and done come from totals the
database keeps through every write (bulk ones included); overdue is counted from the active
tasks; the desk's counts agree with counting the tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone

from messaging import selectors
from messaging.kinds import OwnerRole, TaskState
from messaging.models import Task, TaskTotal
from messaging.services import queue
from organizations.models import Organization
from organizations.roles import Role
from tests.conftest import Cast
from tests.factories import OrganizationFactory, TaskFactory
from tests.messaging.test_desk_bulk import make_task

pytestmark = pytest.mark.django_db


def kept(org: Organization) -> dict[tuple[str, str], int]:
    return {
        (t.owner_role, t.state): t.count
        for t in TaskTotal.objects.filter(organization=org)
        if t.count
    }


def counted(org: Organization) -> dict[tuple[str, str], int]:
    rows = (
        Task.objects.filter(organization=org).values("owner_role", "state").annotate(n=Count("id"))
    )
    return {(r["owner_role"], r["state"]): r["n"] for r in rows}


def test_the_database_keeps_the_totals_through_every_write(cast: Cast) -> None:
    org = cast.org
    tasks = [make_task(org) for _ in range(3)] + [make_task(org, role=OwnerRole.BSM)]
    assert kept(org) == counted(org) == {("ism", "open"): 3, ("bsm", "open"): 1}
    queue.task_claim(task=tasks[0], membership=cast.members[Role.ISM])
    Task.objects.filter(pk=tasks[1].pk).update(state=TaskState.DONE)
    # A bulk move between roles, a change that moves nothing, and a delete.
    Task.objects.filter(pk__in=[tasks[2].pk, tasks[3].pk]).update(owner_role=OwnerRole.BSM)
    Task.objects.filter(organization=org).update(title="Renamed")
    TaskFactory.create_batch(2, organization=org, state=TaskState.CANCELLED)
    Task.objects.filter(pk=tasks[3].pk).delete()
    assert (
        kept(org)
        == counted(org)
        == {
            ("ism", "in_progress"): 1,
            ("ism", "done"): 1,
            ("bsm", "open"): 1,
            ("ism", "cancelled"): 2,
        }
    )
    # Another org's tasks are its own.
    other = OrganizationFactory.create()
    TaskFactory.create(organization=other)
    assert kept(other) == {("ism", "open"): 1}
    assert kept(org)[("bsm", "open")] == 1


def _desk_counts(cast: Cast, role: str) -> dict[str, Any]:
    page = cast.client_for(role).get(f"/orgs/{cast.org.slug}/desk/")
    assert page.status_code == 200
    return dict(page.context["counts"])


def test_the_desk_counts_agree_with_the_tasks_for_each_role(cast: Cast) -> None:
    org = cast.org
    now = timezone.now()
    make_task(org, due_at=now - timedelta(hours=2))  # overdue
    make_task(org)
    late_bsm = make_task(org, role=OwnerRole.BSM, due_at=now - timedelta(days=1))
    make_task(org, role=OwnerRole.APPROVER)
    done = make_task(org, due_at=now - timedelta(days=3))
    Task.objects.filter(pk=done.pk).update(state=TaskState.DONE)  # done: never overdue
    queue.task_claim(task=late_bsm, membership=cast.members[Role.BSM])
    assert _desk_counts(cast, Role.ISM) == {"open": 2, "in_progress": 0, "overdue": 1, "done": 1}
    assert _desk_counts(cast, Role.BSM) == {"open": 0, "in_progress": 1, "overdue": 1, "done": 0}
    assert _desk_counts(cast, Role.ADMIN) == {
        "open": 3,
        "in_progress": 1,
        "overdue": 2,
        "done": 1,
    }
    member = cast.members[Role.ISM]
    assert selectors.task_counts(membership=member) == _desk_counts(cast, Role.ISM)
