"""Celery beat task for delayed payouts: once per org (``for_each_org``: each in its own RLS
scope), on each org's own calendar day."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.calendar import org_today
from organizations.models import Organization
from organizations.sweeps import for_each_org
from payments.payouts import delays


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

    def sweep(organization: Organization) -> int:
        result = delays.payout_delay_sweep(organization=organization, today=org_today(organization))
        return result.flagged

    return for_each_org(sweep)
