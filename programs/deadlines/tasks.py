"""Celery beat tasks for deadlines: thin loops over the orgs, each inside its own RLS scope, on
each org's own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from programs.deadlines import services as deadlines


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
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            result = deadlines.reminder_sweep(
                organization=organization, today=deadlines.org_today(organization)
            )
            total += result.sent
    return total


@shared_task(
    name="programs.tasks_deadlines.program_auto_complete_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def program_auto_complete_all() -> int:
    """Beat: complete every org's programs that are past their end date with all work done.
    Safe to run twice at once. Returns how many programs completed."""
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            total += deadlines.program_auto_complete_sweep(
                organization=organization, today=deadlines.org_today(organization)
            )
    return total
