"""What a payment run would pay now, what it leaves waiting and why, and a run's progress.

The preview of a run (``run_preview``) and the run's claim (``processing``) select payouts with
the same two functions, ``adoptable_payouts`` and ``due_payouts``: what the preview shows is
what the run stages.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, QuerySet, Sum, Window
from django.utils import timezone
from django.utils.translation import gettext

from payments.models import (
    LedgerTransaction,
    PaymentRun,
    PaymentSchedule,
    Payout,
    PayoutDetails,
    PayoutState,
    TaxForm,
)
from payments.runs.hooks import PlannedPayout, planned_payouts
from payments.runs.schedule import schedule_for
from payments.runs.states import OPEN_RUN_STATES


def _earned(organization_id: int, exclude_run_id: int | None) -> QuerySet[Payout]:
    qs = Payout.objects.filter(organization_id=organization_id, state=PayoutState.EARNED)
    if exclude_run_id is not None:
        # Failed in this run and put back to earned: the next run retries them.
        qs = qs.exclude(run_id=exclude_run_id)
    return qs


def _readiness(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        has_details=Exists(PayoutDetails.objects.filter(creator_id=OuterRef("creator_id"))),
        has_tax_form=Exists(
            TaxForm.objects.filter(creator_id=OuterRef("creator_id"), state=TaxForm.State.VERIFIED)
        ),
    )


def _creator_total(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.annotate(
        creator_total=Window(Sum("amount"), partition_by=[F("creator_id"), F("currency")])
    )


def adoptable_payouts(*, organization_id: int, run_id: int | None = None) -> QuerySet[Payout]:
    """Payouts an earlier run left scheduled or processing (a lost answer, a crash): the next
    run takes them over and sends them again with their stored key."""
    qs = Payout.objects.filter(
        organization_id=organization_id,
        state__in=[PayoutState.PROCESSING, PayoutState.SCHEDULED],
    )
    return qs.exclude(run_id=run_id) if run_id is not None else qs


def due_payouts(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> QuerySet[Payout]:
    """The earned payouts a run would pay now: the creator is ready (payout details and a
    verified tax form, when the schedule requires it) and the creator's due total in the
    payout's currency reaches the schedule's minimum (smaller totals wait for a later run)."""
    schedule = schedule or schedule_for(organization=organization)
    qs = _earned(organization.pk, exclude_run_id)
    if schedule.require_readiness:
        qs = _readiness(qs).filter(**{"has_details": True, "has_tax_form": True})
    if schedule.minimum_amount and schedule.minimum_amount > 0:
        qs = _creator_total(qs).filter(**{"creator_total__gte": schedule.minimum_amount})
    return qs


def due_payout_ids(
    *,
    organization: Any,
    schedule: PaymentSchedule | None = None,
    exclude_run_id: int | None = None,
) -> list[int]:
    qs = due_payouts(organization=organization, schedule=schedule, exclude_run_id=exclude_run_id)
    return sorted(qs.values_list("pk", flat=True))


def due_totals(*, organization: Any, schedule: PaymentSchedule | None = None) -> dict[str, Decimal]:
    """{currency: total} of what is due now."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for currency, amount in due_payouts(organization=organization, schedule=schedule).values_list(
        "currency", "amount"
    ):
        totals[currency] += amount
    return dict(totals)


@dataclass(frozen=True)
class CarriedPayout:
    payout_id: int
    creator_id: int
    amount: Decimal
    currency: str
    creator_total: Decimal
    reason: str


def _waiting_reasons(payout: Any, schedule: PaymentSchedule) -> tuple[list[str], str]:
    """(readiness reasons, below-minimum reason) of an earned payout a run leaves earned."""
    readiness = []
    if schedule.require_readiness and not payout.has_details:
        readiness.append(gettext("The creator has no payout details yet."))
    if schedule.require_readiness and not payout.has_tax_form:
        readiness.append(gettext("The creator has no verified tax form yet."))
    minimum = schedule.minimum_amount or Decimal("0")
    below = ""
    if minimum > 0 and payout.creator_total < minimum:
        below = _below(payout.creator_total, payout.currency, minimum)
    return readiness, below


def carried_payouts(*, organization: Any) -> list[CarriedPayout]:
    """The earned payouts the next run leaves earned, each with the reason shown to staff."""
    schedule = schedule_for(organization=organization)
    qs = _creator_total(_readiness(_earned(organization.pk, None))).order_by("creator_id", "pk")
    carried = []
    payout: Any
    for payout in qs:
        readiness, below = _waiting_reasons(payout, schedule)
        if readiness or below:
            carried.append(
                CarriedPayout(
                    payout_id=payout.pk,
                    creator_id=payout.creator_id,
                    amount=payout.amount,
                    currency=payout.currency,
                    creator_total=payout.creator_total,
                    reason=" ".join([*readiness, below]).strip(),
                )
            )
    return carried


@dataclass(frozen=True)
class PreviewPayout:
    """One payout in a run's preview, with why it is (not) paid. ``payout_id`` is None for a
    payout the run records when it starts (commission due: ``hooks.PlannedPayout``)."""

    payout_id: int | None
    creator_id: int
    creator_name: str
    enrollment_id: int
    program_name: str
    amount: Decimal
    currency: str
    state: str
    reason: str = ""
    key: str = ""  # a planned payout's stable key

    @property
    def state_label(self) -> str:
        return str(PayoutState(self.state).label)


@dataclass(frozen=True)
class RunPreview:
    """What a run started now would pay (``paying``, its totals and fingerprint), what it
    leaves on hold or waiting for readiness (``held``) and below the minimum (``carried``)."""

    paying: list[PreviewPayout]
    held: list[PreviewPayout]
    carried: list[PreviewPayout]
    minimum: Decimal
    totals: dict[str, Decimal] = field(default_factory=dict)
    fingerprint: str = ""

    @property
    def count(self) -> int:
        return len(self.paying)

    @property
    def resent(self) -> int:
        """Payouts an earlier run left unfinished: this run sends them again."""
        return sum(1 for payout in self.paying if payout.state != PayoutState.EARNED)

    def sorted_totals(self) -> list[tuple[str, Decimal]]:
        return sorted(self.totals.items())


def _rows(qs: QuerySet[Payout]) -> QuerySet[Payout]:
    return qs.select_related("creator", "enrollment__program").order_by("creator_id", "pk")


def _row(payout: Payout, reason: str = "") -> PreviewPayout:
    return PreviewPayout(
        payout_id=payout.pk,
        creator_id=payout.creator_id,
        creator_name=payout.creator.display_name,
        enrollment_id=payout.enrollment_id,
        program_name=payout.enrollment.program.name,
        amount=payout.amount,
        currency=payout.currency,
        state=payout.state,
        reason=reason,
    )


def preview_fingerprint(payouts: Iterable[PreviewPayout]) -> str:
    """A digest of exactly what a run would pay (ids, amounts, currencies, states): a change
    to any of them changes it, so a confirmation of an older preview can be refused."""
    parts = sorted(f"{p.payout_id or p.key}:{p.amount}:{p.currency}:{p.state}" for p in payouts)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def needs_approval(schedule: PaymentSchedule, totals: dict[str, Decimal]) -> bool:
    """A run started by hand waits for a second admin when any one currency's total is above
    the schedule's approval threshold."""
    threshold = schedule.approval_threshold
    return threshold is not None and any(total > threshold for total in totals.values())


def _planned_row(payout: PlannedPayout, reason: str = "") -> PreviewPayout:
    return PreviewPayout(
        payout_id=None,
        creator_id=payout.creator_id,
        creator_name=payout.creator_name,
        enrollment_id=payout.enrollment_id,
        program_name=payout.program_name,
        amount=payout.amount,
        currency=payout.currency,
        state=PayoutState.ON_HOLD if payout.hold_reason else PayoutState.EARNED,
        reason=reason,
        key=payout.key,
    )


def _below(total: Decimal, currency: str, minimum: Decimal) -> str:
    return gettext(
        "Below the minimum: the creator's due total is %(creator_total)s "
        "%(currency)s, the minimum is %(minimum)s; it carries to a later run."
    ) % {"creator_total": total, "currency": currency, "minimum": minimum}


def run_preview(*, organization: Any, schedule: PaymentSchedule | None = None) -> RunPreview:
    """What a run started now would pay, by the run's own selection (``adoptable_payouts`` and
    ``due_payouts``), and what it leaves waiting, each with its reason. The payouts the run's
    hooks record when it starts (commission due) are in it too, as the run would select them:
    held when the creator is not ready, counted towards the creator's minimum. Five queries
    and the hooks' plans, however many payouts there are."""
    schedule = schedule or schedule_for(organization=organization)
    minimum = schedule.minimum_amount or Decimal("0")
    planned = planned_payouts(organization, timezone.now())
    extra: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for plan in planned:
        if not plan.hold_reason:
            extra[(plan.creator_id, plan.currency)] += plan.amount
    due = due_payouts(organization=organization, schedule=schedule)
    due_ids = set(due.values_list("pk", flat=True))
    paying = [_row(p) for p in _rows(adoptable_payouts(organization_id=organization.pk))]
    held: list[PreviewPayout] = []
    carried: list[PreviewPayout] = []
    earned_totals: dict[tuple[int, str], Decimal] = {}
    earned = _creator_total(_readiness(_earned(organization.pk, None)))
    payout: Any  # annotated: creator_total, has_details, has_tax_form
    for payout in _rows(earned):
        key = (payout.creator_id, payout.currency)
        earned_totals[key] = payout.creator_total
        readiness, below = _waiting_reasons(payout, schedule)
        if payout.pk in due_ids or (
            not readiness and below and payout.creator_total + extra[key] >= minimum
        ):
            paying.append(_row(payout))
        elif readiness:
            held.append(_row(payout, " ".join([*readiness, below]).strip()))
        else:
            carried.append(_row(payout, below or "Not due yet: it carries to a later run."))
    for plan in planned:
        key = (plan.creator_id, plan.currency)
        total = earned_totals.get(key, Decimal("0")) + extra[key]
        if plan.hold_reason:
            held.append(_planned_row(plan, plan.hold_reason))
        elif minimum > 0 and total < minimum:
            carried.append(_planned_row(plan, _below(total, plan.currency, minimum)))
        else:
            paying.append(_planned_row(plan))
    on_hold = Payout.objects.filter(organization_id=organization.pk, state=PayoutState.ON_HOLD)
    held += [_row(p, p.hold_reason or "On hold.") for p in _rows(on_hold)]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in paying:
        totals[row.currency] += row.amount
    return RunPreview(
        paying=paying,
        held=held,
        carried=carried,
        minimum=minimum,
        totals=dict(totals),
        fingerprint=preview_fingerprint(paying),
    )


def open_run(*, organization: Any) -> PaymentRun | None:
    return PaymentRun.objects.filter(
        organization_id=organization.pk, state__in=OPEN_RUN_STATES
    ).first()


def run_payouts(run: PaymentRun) -> QuerySet[Payout]:
    """The payouts a run holds now, with what their rows show (one query a page)."""
    return (
        Payout.objects.filter(organization_id=run.organization_id, run_id=run.pk)
        .select_related("creator", "enrollment__program")
        .order_by("pk")
    )


@dataclass(frozen=True)
class RunFailure:
    """A payout the run failed to pay (``failed``) or put on hold after repeated failures."""

    payout_id: int
    creator_name: str
    enrollment_id: int
    amount: Decimal
    currency: str
    outcome: str
    reason: str


@dataclass(frozen=True)
class RunFailures:
    failed: int
    held: int
    rows: list[RunFailure]

    @property
    def more(self) -> int:
        return self.failed + self.held - len(self.rows)


def run_failures(run: PaymentRun, *, limit: int = 20) -> RunFailures:
    """What went wrong in this run, from its ledger (a payout retried by a later run keeps its
    failure here): the counts, and the first ``limit`` entries with their reasons. Two queries."""
    entries = LedgerTransaction.objects.filter(
        organization_id=run.organization_id,
        run_id=run.pk,
        to_state__in=[PayoutState.FAILED, PayoutState.ON_HOLD],
    )
    counts = {PayoutState.FAILED: 0, PayoutState.ON_HOLD: 0}
    for row in entries.values("to_state").annotate(n=Count("pk")).order_by():
        counts[row["to_state"]] = row["n"]
    if not any(counts.values()):
        return RunFailures(0, 0, [])
    prefix = gettext("Payment run #%(pk)s: ") % {"pk": run.pk}
    rows = [
        RunFailure(
            payout_id=entry.payout_id,
            creator_name=entry.payout.creator.display_name,
            enrollment_id=entry.payout.enrollment_id,
            amount=entry.payout.amount,
            currency=entry.payout.currency,
            outcome="failed" if entry.to_state == PayoutState.FAILED else gettext("put on hold"),
            reason=entry.memo.removeprefix(prefix),
        )
        for entry in entries.select_related("payout__creator").order_by("pk")[:limit]
    ]
    return RunFailures(counts[PayoutState.FAILED], counts[PayoutState.ON_HOLD], rows)


def run_progress(run: PaymentRun) -> dict[str, Any]:
    run.refresh_from_db()
    return {
        "state": run.state,
        "total": run.total_count,
        "done": run.done_count,
        "paid": run.paid_count,
        "failed": run.failed_count,
        "percent": run.percent_done,
        "totals": dict(run.totals or {}),
    }
