"""Celery beat task for delayed payouts: a thin loop over the orgs, each inside its own RLS
scope, on each org's own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.tenancy import db_scope
from organizations.models import Organization
from payments.payouts import delays
from programs.deadlines.services import org_today


@shared_task(
    name="payments.tasks_delays.payout_delay_sweep_all",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
)
def payout_delay_sweep_all() -> int:
    """Beat (hourly): flag every org's payouts past their expected payment date, once each,
    with a BSM task and a message to the creator. Safe to run twice at once. Returns how many
    payouts were flagged."""
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            result = delays.payout_delay_sweep(
                organization=organization, today=org_today(organization)
            )
            total += result.flagged
    return total
