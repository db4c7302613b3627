"""Celery tasks of the programs app: thin, by id, inside the org's RLS scope."""

from __future__ import annotations

import zoneinfo
from datetime import date

from celery import shared_task
from django.utils import timezone

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from programs import services
from programs.deadlines import tasks as tasks_deadlines  # noqa: F401  (registers their tasks)


def _today_in(organization: Organization) -> date:
    """Programs launch and end on the organization's calendar, not the server's."""
    try:
        zone = zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


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
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            result = services.program_date_sweep(
                organization=organization, today=_today_in(organization)
            )
            total += result.launched + result.completed
    return total


@shared_task(
    name="programs.tasks.invitation_expiry_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def invitation_expiry_sweep_all() -> int:
    """Beat: expire invitations past recruit-by in every org, telling each creator once and
    promoting the waitlist. Safe to run twice at once."""
    from programs.recruiting import services as recruiting

    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            total += recruiting.expire_invitations(organization=organization)
    return total
