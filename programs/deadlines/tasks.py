"""Celery beat tasks for deadlines: thin, once per org inside its own RLS scope, on each org's
own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.calendar import org_today
from organizations.models import Organization
from organizations.sweeps import for_each_org
from programs.deadlines import services as deadlines


def _remind(organization: Organization) -> int:
    return deadlines.reminder_sweep(organization=organization, today=org_today(organization)).sent


@shared_task(
    name="programs.tasks_deadlines.reminder_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def reminder_sweep_all() -> int:
    """Beat: send every org's due reminders and open its overdue tasks, each once. Safe to run
    twice at once. Returns how many reminders went out."""
    return for_each_org(_remind)
