"""Money through the real workflow: creators give their payout details and tax forms (verified
by the BSM), payouts are earned by ``payments.earning`` (from the terms and the recorded
performance), scheduled payment runs pay them through the sandbox provider, which can be told
to refuse or to lose an answer, and the delay sweep flags what is late."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from influencers.models import CreatorProfile
from organizations.models import Membership, Organization
from payments.models import Cadence, PaymentRun, PaymentSchedule, Payout
from payments.payouts import services as payouts
from payments.payouts.delays import payout_delay_sweep
from payments.readiness import services as readiness
from payments.runs import providers
from payments.runs.processing import run_process
from payments.runs.schedule import schedule_for
from payments.runs.services import run_open_scheduled

HOLD_REASON = "We are missing your updated tax form for this brand: please upload it."
CANCEL_REASON = "The brand settled these clicks directly with the creator; nothing is owed here."


def get_ready(creator: CreatorProfile, *, user: Any, bsm: Any, bsm_membership: Membership) -> None:
    """The creator gives their bank details and a tax form; the BSM verifies the form."""
    readiness.payout_details_set(
        creator=creator,
        actor=user,
        method="bank",
        account_name=creator.display_name,
        account_identifier="DE89370400440532013000",
    )
    form = readiness.tax_form_submit(
        creator=creator, actor=user, kind="w8ben", reference=f"W8-{creator.pk:05d}"
    )
    readiness.tax_form_verify(tax_form=form, actor=bsm, membership=bsm_membership)


def open_schedule(organization: Organization) -> None:
    """The org's monthly schedule (the defaults: the 1st at 09:00, sandbox provider)."""
    schedule_for(organization=organization)


def scheduled_run(organization: Organization, now: datetime) -> PaymentRun | None:
    """What the beat does: open the run if the schedule is due, then the worker processes it
    (already done when Celery runs eagerly; a second call then does nothing)."""
    run = run_open_scheduled(organization=organization, now=now)
    if run is not None:
        run_process(organization_id=organization.pk, run_id=run.pk)
        run.refresh_from_db()
    return run


def refuse_next(payout: Payout, error: str) -> None:
    """The sandbox bank refuses ``payout`` (until ``accept_again``)."""
    providers.sandbox_fail(organization_id=payout.organization_id, payout_id=payout.pk, error=error)


def accept_again(organization: Organization) -> None:
    config = providers.sandbox_config(organization.pk)
    config.pop("fail", None)
    providers._sandbox_save(organization.pk, config)


def lose_answer(payout: Payout) -> None:
    """The sandbox books ``payout`` but its answer never arrives (a time-out)."""
    providers.sandbox_timeout(organization_id=payout.organization_id, payout_id=payout.pk)


def hold(payout: Payout, actor: Any) -> Payout:
    return payouts.payout_hold(payout=payout, actor=actor, reason=HOLD_REASON)


def cancel(payout: Payout, actor: Any) -> Payout:
    return payouts.payout_cancel(payout=payout, actor=actor, reason=CANCEL_REASON)


def sweep_delays(organization: Organization, today: date) -> None:
    payout_delay_sweep(organization=organization, today=today)


def last_two_runs(today: date, within: int = 125) -> tuple[int, int]:
    """The days (ago) of the last two runs before ``today`` of the default schedule (monthly,
    on the ``day_of_month`` default), which the demo's orgs keep."""
    schedule = PaymentSchedule()
    assert schedule.cadence == Cadence.MONTHLY
    days = range(within, 0, -1)
    runs = [d for d in days if (today - timedelta(days=d)).day == schedule.day_of_month]
    return runs[-2], runs[-1]
