"""Celery tasks of the programs app: thin beat sweeps, each org inside its own RLS scope."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.calendar import org_today
from organizations.models import Organization
from organizations.sweeps import for_each_org
from programs.services import program_date_sweep


def _date_sweep(organization: Organization) -> int:
    # Programs launch and end on the organization's calendar, not the server's.
    result = program_date_sweep(organization=organization, today=org_today(organization))
    return result.launched + result.completed


@shared_task(
    name="programs.tasks.program_date_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def program_date_sweep_all() -> int:
    """Beat: launch and complete every org's programs by date. Safe to run twice at once.
    Returns how many programs moved."""
    return for_each_org(_date_sweep)
