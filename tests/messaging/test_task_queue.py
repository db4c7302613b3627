"""The task queue services: routing requests, idempotent creation, claims, handover, escalation."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from influencer_ops.errors import Conflict, DomainError, Forbidden
from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import OwnerRole, TaskKind, TaskState, Topic
from messaging.models import Notification, Task, TaskEvent, TaskSLA
from messaging.services import queue
from messaging.services.requests import request_create
from messaging.tasks import escalate_overdue_tasks
from organizations.roles import Role
from tests.conftest import World, confirm_and_launch

pytestmark = pytest.mark.django_db


def ask(world: World, topic: str, *, enrollment: object = "default", text: str = "When?") -> Task:
    enrollment = world.enrollment if enrollment == "default" else enrollment
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic=topic,
        text=text,
        enrollment=enrollment,
    )
    return Task.objects.get(source_request=request)


def test_a_pre_launch_question_goes_to_the_programs_ism_with_a_due_time(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    assert task.owner_role == OwnerRole.ISM
    assert task.assignee == world.cast.members[Role.ISM].user
    assert task.state == TaskState.OPEN
    assert timedelta(hours=23) < task.due_at - timezone.now() <= timedelta(hours=24)
    assert "Spring Glow" in task.source_request.routing_reason
    assert Notification.objects.filter(recipient=task.assignee, kind="task_assigned").count() == 1


def test_without_an_assignment_the_question_lands_in_the_team_queue(world: World) -> None:
    world.program.assigned_ism = None
    world.program.save()
    world.enrollment.refresh_from_db()
    world.enrollment.program = world.program
    task = ask(world, Topic.AVAILABILITY)
    assert task.assignee is None and task.owner_role == OwnerRole.ISM
    # Everyone holding the role hears about it.
    assert Notification.objects.filter(recipient=world.cast.members[Role.ISM].user).exists()


def test_after_launch_a_compensation_question_lands_with_the_bsm(world: World) -> None:
    confirm_and_launch(world)
    task = ask(world, Topic.COMPENSATION)
    assert task.owner_role == OwnerRole.BSM
    assert task.assignee == world.cast.members[Role.BSM].user


def test_a_contradicting_topic_is_routed_by_phase_and_the_reason_is_recorded(world: World) -> None:
    confirm_and_launch(world)
    task = ask(world, Topic.MILESTONE_CORRECTION)
    assert task.owner_role == OwnerRole.BSM
    assert "pre-launch topic, but Spring Glow is launched" in task.source_request.routing_reason


def test_a_request_opens_the_enrollment_thread_and_continues_it(world: World) -> None:
    first = ask(world, Topic.REQUIREMENTS, text="Video length?")
    second = ask(world, Topic.PROGRAM_DETAILS, text="Spelling?")
    thread = first.source_request.thread
    assert thread is not None and thread == second.source_request.thread
    assert list(thread.messages.values_list("text", flat=True)) == ["Video length?", "Spelling?"]


def test_the_sla_is_org_configurable(world: World) -> None:
    TaskSLA.objects.create(organization=world.cast.org, kind=TaskKind.CREATOR_REQUEST, hours=4)
    task = ask(world, Topic.REQUIREMENTS)
    assert task.due_at - timezone.now() <= timedelta(hours=4)


def test_creating_twice_with_the_same_dedupe_key_makes_one_task(world: World) -> None:
    kwargs = dict(
        organization=world.cast.org,
        kind=TaskKind.DELIVERABLE_OVERDUE,
        title="Overdue",
        owner_role=OwnerRole.BSM,
        dedupe_key="overdue:1:2026-01-01",
    )
    first, created = queue.task_create(**kwargs)
    again, created_again = queue.task_create(**kwargs)
    assert created and not created_again and first.pk == again.pk
    assert Task.objects.filter(dedupe_key="overdue:1:2026-01-01").count() == 1
    # Once done, the same event may open a new task.
    queue.task_complete(task=first, actor=world.cast.members[Role.BSM].user, resolution="ok")
    _, created_after_done = queue.task_create(**kwargs)
    assert created_after_done


def test_unknown_kind_or_role_is_refused(world: World) -> None:
    with pytest.raises(DomainError):
        queue.task_create(
            organization=world.cast.org,
            kind="nope",
            title="x",
            owner_role=OwnerRole.BSM,
            dedupe_key="x",
        )
    with pytest.raises(DomainError):
        queue.task_create(
            organization=world.cast.org,
            kind=TaskKind.CONTENT_REVIEW,
            title="x",
            owner_role="analyst",
            dedupe_key="x",
        )


def test_claim_reassign_complete_and_the_history(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    ism = world.cast.members[Role.ISM]
    admin = world.cast.members[Role.ADMIN]
    queue.task_claim(task=task, membership=ism)
    queue.task_reassign(task=task, membership=ism, assignee=None, note="Out tomorrow")
    task.refresh_from_db()
    assert task.assignee is None and task.state == TaskState.OPEN
    queue.task_claim(task=task, membership=admin)
    queue.task_complete(task=task, actor=admin.user, membership=admin, resolution="Answered")
    verbs = list(TaskEvent.objects.filter(task=task).values_list("verb", flat=True))
    assert verbs == ["created", "claimed", "reassigned", "claimed", "completed"]


def test_completing_a_done_task_is_a_conflict(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    ism = world.cast.members[Role.ISM]
    queue.task_complete(task=task, actor=ism.user, membership=ism, resolution="Done")
    with pytest.raises(Conflict):
        queue.task_complete(task=task, actor=ism.user, membership=ism, resolution="Again")


def test_an_empty_resolution_is_refused(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    ism = world.cast.members[Role.ISM]
    with pytest.raises(DomainError):
        queue.task_complete(task=task, actor=ism.user, membership=ism, resolution="  ")


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BSM, Role.APPROVER, Role.BRAND_MANAGER])
def test_only_the_owning_role_or_an_admin_may_claim(world: World, role: str) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    with pytest.raises(Forbidden):
        queue.task_claim(task=task, membership=world.cast.members[role])


def test_a_task_cannot_be_reassigned_outside_its_role(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    with pytest.raises(DomainError, match="ISM"):
        queue.task_reassign(
            task=task,
            membership=world.cast.members[Role.ISM],
            assignee=world.cast.members[Role.ANALYST].user,
        )
    with pytest.raises(DomainError):
        queue.task_reassign(
            task=task, membership=world.cast.members[Role.ISM], assignee=world.cast.outsider.user
        )


def test_launch_hands_open_ism_work_to_the_bsm_with_its_history(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    queue.task_claim(task=task, membership=world.cast.members[Role.ISM])
    done = ask(world, Topic.AVAILABILITY)
    queue.task_complete(task=done, actor=world.cast.members[Role.ISM].user, resolution="ok")
    confirm_and_launch(world)
    task.refresh_from_db()
    done.refresh_from_db()
    assert task.owner_role == OwnerRole.BSM and task.state == TaskState.OPEN
    assert task.assignee == world.cast.members[Role.BSM].user
    handover = TaskEvent.objects.get(task=task, verb="handed_over")
    assert (handover.from_role, handover.to_role) == ("ism", "bsm")
    assert list(task.events.values_list("verb", flat=True)) == ["created", "claimed", "handed_over"]
    assert done.owner_role == OwnerRole.ISM  # finished work keeps its owner


def test_at_completion_open_tasks_stay_with_the_bsm(world: World) -> None:
    from programs.services import program_complete

    confirm_and_launch(world)
    task = ask(world, Topic.COMPENSATION)
    program_complete(program=world.program, actor=world.cast.members[Role.ADMIN].user)
    task.refresh_from_db()
    assert task.owner_role == OwnerRole.BSM and task.state == TaskState.OPEN


def test_launch_needs_a_confirmed_creator(world: World) -> None:
    from programs.services import program_launch

    with pytest.raises(Conflict, match="confirmed creator"):
        program_launch(program=world.program, actor=world.cast.members[Role.ADMIN].user)


def test_a_creator_cannot_ask_about_someone_elses_enrollment(world: World) -> None:
    with pytest.raises(DomainError):
        request_create(
            creator=world.creator,
            user=world.creator.user,
            topic=Topic.OTHER,
            text="x",
            enrollment=world.other_enrollment,
        )
    with pytest.raises(DomainError):
        request_create(
            creator=world.other_creator, user=world.creator.user, topic=Topic.OTHER, text="x"
        )


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001])
def test_empty_or_overlong_requests_are_refused(world: World, text: str) -> None:
    with pytest.raises(DomainError):
        ask(world, Topic.REQUIREMENTS, text=text)
    assert not Task.objects.exists()


def test_the_escalation_sweep_escalates_once_and_notifies_assignee_and_admins(world: World) -> None:
    task = ask(world, Topic.REQUIREMENTS)
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(hours=1))
    fresh = ask(world, Topic.AVAILABILITY)
    assert queue.escalate_overdue(organization=world.cast.org) == 1
    assert queue.escalate_overdue(organization=world.cast.org) == 0
    task.refresh_from_db()
    fresh.refresh_from_db()
    assert task.escalated_at is not None and fresh.escalated_at is None
    recipients = set(
        Notification.objects.filter(kind="task_escalated").values_list(
            "recipient__email", flat=True
        )
    )
    assert recipients == {"ism@northwind.test", "admin@northwind.test"}


def test_the_escalation_sweep_is_index_backed(world: World) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM messaging_task WHERE organization_id = %s "
            "AND state IN ('open', 'in_progress') AND escalated_at IS NULL AND due_at < now() "
            "ORDER BY due_at LIMIT 200",
            [world.cast.org.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # Some index on the task table (the planner picks among them), never a full scan.
    assert "Seq Scan" not in plan
    assert "Index" in plan


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_each_task_exactly_once(cast_and_world_unscoped) -> None:
    world = cast_and_world_unscoped
    with dangerously_unscoped():
        for n in range(30):
            queue.task_create(
                organization=world.cast.org,
                kind=TaskKind.DELIVERABLE_OVERDUE,
                title=f"Overdue {n}",
                owner_role=OwnerRole.BSM,
                dedupe_key=f"sweep:{n}",
                due_at=timezone.now() - timedelta(minutes=5),
            )
    results: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            results.append(escalate_overdue_tasks())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert not errors
    assert sum(results) == 30
    with dangerously_unscoped():
        assert TaskEvent.objects.filter(verb="escalated").count() == 30
        # Each task's escalation notified each admin once.
        assert Notification.objects.filter(kind="task_escalated").count() == 30
