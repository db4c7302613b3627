"""A real Celery worker process runs the sweep and the e-mail tasks, each inside its org's
row-level-security scope, against the test database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from config.celery import app
from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import OwnerRole, TaskKind
from messaging.models import Notification, Task
from messaging.services import queue
from tests.conftest import build_cast, celery_worker
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_queue(tmp_path: Path) -> Iterator[str]:
    """A worker on its own queue, stopped afterwards."""
    name = f"test-{uuid.uuid4().hex[:10]}"
    with celery_worker(tmp_path, name):
        yield name


def test_a_real_worker_escalates_overdue_tasks_and_emails_once(worker_queue: str) -> None:
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with dangerously_unscoped():
        cast = build_cast()
        task, _ = queue.task_create(
            organization=cast.org,
            kind=TaskKind.DELIVERABLE_OVERDUE,
            title="Overdue post",
            owner_role=OwnerRole.BSM,
            dedupe_key="worker:1",
            due_at=timezone.now() - timedelta(hours=2),
        )
        # The outsider org has its own overdue task: the worker handles each under its own scope.
        other, _ = queue.task_create(
            organization=cast.outsider_org,
            kind=TaskKind.DELIVERABLE_OVERDUE,
            title="Theirs",
            owner_role=OwnerRole.BSM,
            dedupe_key="worker:2",
            due_at=timezone.now() - timedelta(hours=2),
        )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        app.send_task("messaging.tasks.escalate_overdue_tasks", queue=worker_queue)
        app.send_task("messaging.tasks.escalate_overdue_tasks", queue=worker_queue)

        def escalated_and_emailed() -> bool:
            with dangerously_unscoped():
                done = (
                    Task.objects.filter(
                        pk__in=[task.pk, other.pk], escalated_at__isnull=False
                    ).count()
                    == 2
                )
                notes = Notification.objects.filter(kind="task_escalated")
                return (
                    done and notes.exists() and not notes.filter(emailed_at__isnull=True).exists()
                )

        assert wait_for(escalated_and_emailed, seconds=120, every=0.25), (
            "the worker did not finish in time"
        )
    finally:
        app.conf.task_always_eager = previous
    with dangerously_unscoped():
        # Two sweeps, one escalation each; one notification per admin and task, each e-mailed.
        assert Notification.objects.filter(kind="task_escalated").count() == 2
        recipients = set(
            Notification.objects.filter(kind="task_escalated").values_list(
                "recipient__email", "organization__slug"
            )
        )
        assert recipients == {("admin@northwind.test", "northwind"), ("admin@acme.test", "acme")}
