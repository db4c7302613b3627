"""Celery tasks: thin, by id, inside the org's RLS scope."""

from __future__ import annotations

from celery import shared_task

from messaging.email_tasks import send_notification_email
from messaging.services import queue
from organizations.sweeps import for_each_org

__all__ = ["escalate_overdue_tasks", "send_notification_email"]


@shared_task(
    name="messaging.tasks.escalate_overdue_tasks",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def escalate_overdue_tasks() -> int:
    """Beat: escalate every org's tasks past their SLA. Safe to run twice at once."""
    return for_each_org(lambda organization: queue.escalate_overdue(organization=organization))
