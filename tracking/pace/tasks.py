"""Celery beat task for pacing: a thin loop over the orgs, each inside its own RLS scope, on
each org's own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from programs.deadlines.services import org_today
from tracking.pace import services as pace


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
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            result = pace.pace_sweep(organization=organization, today=org_today(organization))
            total += result.flagged
    return total
