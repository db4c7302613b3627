"""Celery beat task for pacing: a thin sweep over the orgs, each inside its own RLS scope, on
each org's own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.calendar import org_today
from organizations.models import Organization
from organizations.sweeps import for_each_org
from tracking.pace import services as pace


def _pace_sweep(organization: Organization) -> int:
    return pace.pace_sweep(organization=organization, today=org_today(organization)).flagged


@shared_task(
    name="tracking.tasks_pace.pace_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def pace_sweep_all() -> int:
    """Beat (daily): flag every org's creators far behind pace to their BSM, and close the flags
    of those who recovered. Safe to run twice at once. Returns how many tasks were opened."""
    return for_each_org(_pace_sweep)
