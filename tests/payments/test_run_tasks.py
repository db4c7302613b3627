"""The run services queue the worker by its pinned task name (no import of the tasks module),
and the beat sweeps go through ``for_each_org``."""

from __future__ import annotations

from typing import Any

import pytest
from celery import current_app

from organizations.roles import Role
from payments.models import PaymentRun
from payments.runs import services as runs
from payments.runs.tasks import resume_open_runs, run_process_task
from tests.conftest import World

pytestmark = pytest.mark.django_db


def start(world: World) -> PaymentRun:
    admin = world.cast.members[Role.ADMIN]
    return runs.run_start(organization=world.cast.org, actor=admin.user, membership=admin)


def test_the_services_name_the_worker_task_by_its_pinned_name() -> None:
    assert run_process_task.name == runs.RUN_PROCESS_TASK
    assert current_app.tasks[runs.RUN_PROCESS_TASK].name == run_process_task.name


def test_a_started_run_is_processed_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = start(world)
    assert run.state == PaymentRun.State.PROCESSING
    assert len(callbacks) == 1  # nothing is queued before the run is committed
    callbacks[0]()  # eager in tests: the queued task runs here
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED


def test_the_resume_sweep_queues_each_processing_run_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        run = start(world)  # left processing: its worker never ran
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert resume_open_runs() == 1
    assert len(callbacks) == 1
    callbacks[0]()
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED
