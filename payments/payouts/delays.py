"""Delayed payouts: a payout still owed after its expected payment date is flagged once, becomes
one BSM task and one message to the creator with the new expected date.

The flag is a conditional UPDATE (``delayed_at`` from null), so two sweeps running at once flag
each payout once, and only the winner opens the task and writes the message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.events import EventType, emit
from messaging.kinds import OwnerRole, TaskKind
from messaging.services.queue import task_create
from messaging.services.threads import message_post, thread_for_enrollment
from organizations.models import Membership
from organizations.roles import Role
from payments.models import Payout, PayoutState
from payments.readiness.services import READINESS_HOLD
from payments.runs.schedule import expected_payment_date

# Owed and waiting: the states the ``payout_delay_sweep`` index covers. A failed payout is
# moved on (earned or on hold) by the run that failed it.
SWEEP_STATES = (
    PayoutState.EARNED,
    PayoutState.ON_HOLD,
    PayoutState.SCHEDULED,
    PayoutState.PROCESSING,
)
DELAY_MESSAGE = (
    "Your payout of {amount} {currency} for {program} was expected on {was:%Y-%m-%d} and has "
    "not been paid yet. We are sorry for the delay. It is now expected on {now:%Y-%m-%d}; "
    "{why}Your brand success manager has been told and is looking into it. Reply here if you "
    "have a question."
)


@dataclass(frozen=True)
class DelaySweepResult:
    flagged: int = 0
    tasks: int = 0


def delayed_candidates(*, organization: Any, today: date) -> list[int]:
    return list(
        Payout.objects.filter(
            organization=organization,
            state__in=SWEEP_STATES,
            delayed_at__isnull=True,
            expected_on__lt=today,
        )
        .order_by("expected_on", "pk")
        .values_list("pk", flat=True)
    )


def payout_delay_sweep(*, organization: Any, today: date) -> DelaySweepResult:
    """Flag every payout of the org past its expected date (once each). Idempotent."""
    flagged = tasks = 0
    for payout_id in delayed_candidates(organization=organization, today=today):
        outcome = payout_flag_delayed(organization=organization, payout_id=payout_id, today=today)
        if outcome is not None:
            flagged += 1
            tasks += int(outcome)
    return DelaySweepResult(flagged=flagged, tasks=tasks)


@transaction.atomic
def payout_flag_delayed(*, organization: Any, payout_id: int, today: date) -> bool | None:
    """Flag one payout delayed, open its BSM task and tell the creator. None when another
    sweep (or a payment) got there first; else whether a new task was opened."""
    new_expected = expected_payment_date(organization=organization)
    claimed = Payout.objects.filter(
        pk=payout_id,
        organization=organization,
        state__in=SWEEP_STATES,
        delayed_at__isnull=True,
        expected_on__lt=today,
    ).update(delayed_at=timezone.now(), updated_at=timezone.now())
    if claimed != 1:
        return None
    payout = Payout.objects.select_related(
        "enrollment__program", "enrollment__creator", "creator"
    ).get(pk=payout_id)
    was = payout.expected_on
    # Keep the missed date for the payment record, unless the payout waits on the creator's
    # own payout details or tax form: that delay is not the brand's.
    missed = None if payout.hold_reason.startswith(READINESS_HOLD) else was
    Payout.objects.filter(pk=payout_id).update(expected_on=new_expected, missed_expected_on=missed)
    emit(
        organization,
        EventType.PAYOUT_DELAYED,
        {
            "payout_id": payout.pk,
            "amount": f"{payout.amount}",
            "currency": payout.currency,
            "state": payout.state,
            "expected_on": f"{was}",
            "new_expected_on": f"{new_expected}",
        },
    )
    created = _open_task(organization, payout, was)
    _tell_creator(organization, payout, was, new_expected)
    return created


def _bsm_for(payout: Payout) -> Any | None:
    enrollment = payout.enrollment
    return enrollment.assigned_bsm or enrollment.program.assigned_bsm


def _open_task(organization: Any, payout: Payout, was: date | None) -> bool:
    url = reverse("payout_detail", kwargs={"org_slug": organization.slug, "pk": payout.pk})
    _task, created = task_create(
        organization=organization,
        kind=TaskKind.PAYOUT_DELAYED,
        title=gettext("Delayed payout — %(display_name)s: %(amount)s %(currency)s")
        % {
            "display_name": payout.creator.display_name,
            "amount": payout.amount,
            "currency": payout.currency,
        },
        owner_role=OwnerRole.BSM,
        assignee=_bsm_for(payout),
        program=payout.enrollment.program,
        enrollment=payout.enrollment,
        creator=payout.creator,
        dedupe_key=f"payout-delayed:{payout.pk}",
        source_event=f"payout:{payout.pk}",
        note=(
            (
                gettext("Expected on %(was)s and still %(lower)s. Payout: %(url)s")
                % {
                    "was": format(was, "%Y-%m-%d"),
                    "lower": payout.get_state_display().lower(),
                    "url": url,
                }
            )
            if was
            else f"Payout: {url}"
        ),
    )
    return created


def _author(organization: Any, payout: Payout) -> Any | None:
    """Who signs the message: the assigned BSM, else a BSM, else an admin of the org."""
    person = _bsm_for(payout)
    if person is not None:
        return person
    for role in (Role.BSM, Role.ADMIN):
        membership = (
            Membership.objects.select_related("user")
            .filter(organization=organization, role=role)
            .order_by("pk")
            .first()
        )
        if membership is not None:
            return membership.user
    return None


def _tell_creator(organization: Any, payout: Payout, was: date | None, now: date) -> None:
    author = _author(organization, payout)
    if author is None or was is None:
        return
    why = (
        (gettext("it is on hold: %(hold_reason)s ") % {"hold_reason": payout.hold_reason})
        if payout.state == PayoutState.ON_HOLD
        else ""
    )
    text = DELAY_MESSAGE.format(
        amount=payout.amount,
        currency=payout.currency,
        program=payout.enrollment.program.name,
        was=was,
        now=now,
        why=why,
    )
    message_post(
        thread=thread_for_enrollment(enrollment=payout.enrollment),
        author=author,
        text=text,
        from_creator=False,
    )
