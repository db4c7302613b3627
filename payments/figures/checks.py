"""The figures audit: invariants that every figure the product shows must satisfy.

Each check reads one org (the caller has narrowed the RLS scope to it) and returns its
violations. A violation has a stable ``key`` (the same broken fact gives the same key on every
run), so admins are told about each one once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Q, Sum

from influencer_ops.audit import AuditVerb
from influencer_ops.calendar import org_today
from influencer_ops.models import AuditEvent
from influencers.models import CreatorProfile
from messaging.kinds import OwnerRole
from messaging.models import Task
from organizations.models import Organization
from payments.earning import NOT_OWED
from payments.figures.commission import (
    CLAWBACK_ACCOUNT,
    commission_follows_orders,
    outstanding_clawbacks,
)
from payments.figures.record import payment_record_matches_payouts
from payments.ledger import account_for, ledger_balances
from payments.models import LedgerEntry, PaymentRun, Payout, PayoutReason, PayoutState
from payments.payouts.delays import SWEEP_STATES
from payments.payouts.selectors import creators_payouts, payouts_for_org
from programs.models import Deliverable, DeliverableState, Enrollment, TermsVersion
from programs.states import EnrollmentState
from tracking.models import MilestoneReached
from tracking.pace.services import milestone_of, with_valid_clicks

OPEN_ENROLLMENT = (
    EnrollmentState.INVITED,
    EnrollmentState.ACCEPTED,
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
)
# A run that may hold processing payouts: its worker is on them, or the bank export is out.
RUN_MAY_PROCESS = (PaymentRun.State.PROCESSING, PaymentRun.State.AWAITING_CONFIRMATION)


@dataclass(frozen=True)
class Violation:
    key: str
    message: str


def _snapshot(enrollment: Enrollment) -> dict[str, Any]:
    terms = enrollment.terms_version
    snapshot = terms.snapshot if terms is not None else None
    return snapshot if isinstance(snapshot, dict) else {}


def _money(value: Any) -> Decimal:
    return Decimal("0.00") if value in (None, "") else Decimal(str(value)).quantize(Decimal("0.01"))


def ledger_mirrors_payouts(organization: Organization, today: date) -> list[Violation]:
    """Each ledger account's balance equals the payouts in the state it mirrors, per currency:
    ``payable:<state>`` and ``cash`` hold minus the payouts' total, ``expense`` everything
    earned and not cancelled."""
    balances = ledger_balances(organization_id=organization.pk)
    expected: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    rows = (
        Payout.objects.filter(organization_id=organization.pk)
        .values("state", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        if row["state"] != PayoutState.CANCELLED:
            expected[(account_for(row["state"]), row["currency"])] -= row["total"]
            expected[("expense", row["currency"])] += row["total"]
    for currency, clawed in outstanding_clawbacks(organization).items():
        expected[("expense", currency)] -= clawed  # a clawed-back commission, still owed back
        expected[(CLAWBACK_ACCOUNT, currency)] += clawed
    found = []
    for key in sorted(set(balances) | set(expected)):
        if balances.get(key, Decimal(0)) != expected.get(key, Decimal(0)):
            account, currency = key
            found.append(
                Violation(
                    f"ledger:{account}:{currency}",
                    f"Ledger account {account} ({currency}) holds {balances.get(key, 0)} but "
                    f"its payouts give {expected.get(key, 0)}.",
                )
            )
    return found


def _adjusted_ids(organization: Organization) -> set[int]:
    events = AuditEvent.objects.filter(
        organization_id=organization.pk,
        verb=AuditVerb.PAYOUT_ADJUSTED,
        target_type=Payout._meta.label_lower,
    ).values_list("target_id", flat=True)
    return {int(pk) for pk in events}


def _payout_problem(payout: Payout, states: list[str], reached: int | None) -> str:
    """Why ``payout`` is not what its terms and the recorded performance give ("" = it is)."""
    enrollment = payout.enrollment
    snapshot = _snapshot(enrollment)
    currency = snapshot.get("currency") or enrollment.program.currency
    if payout.currency != currency:
        return f"is in {payout.currency} while its terms are in {currency}"
    launched = enrollment.program.launched_at
    if launched is not None and payout.earned_at < launched:
        return "was earned before the program launched"
    if payout.paid_at is not None and payout.paid_at < payout.earned_at:
        return "was paid before it was earned"
    if payout.reason == PayoutReason.FLAT_FEE:
        fee = _money(snapshot.get("fee"))
        owed = [state for state in states if state not in NOT_OWED]
        if payout.amount != fee:
            return f"is {payout.amount} while the terms' flat fee is {fee}"
        if not owed or any(state != DeliverableState.PUBLISHED for state in owed):
            return "is a flat fee while not every deliverable owed is published"
    if payout.reason == PayoutReason.MILESTONE_BONUS:
        bonus = _money(snapshot.get("milestone_bonus"))
        milestone = milestone_of(enrollment)
        if payout.amount != bonus:
            return f"is {payout.amount} while the terms' milestone bonus is {bonus}"
        if milestone is None or reached is None or reached < milestone:
            return "is a milestone bonus while no reached milestone is recorded"
    if payout.reason == PayoutReason.CLICKS:
        rate = _money(snapshot.get("per_click_rate")) if snapshot.get("per_click_rate") else None
        valid = int(getattr(enrollment, "pace_valid_clicks", 0) or 0)
        if rate is None or payout.amount > (rate * valid).quantize(Decimal("0.01")):
            return f"pays more than {valid} valid clicks at the terms' rate"
    return ""


def payouts_follow_terms(organization: Organization, today: date) -> list[Violation]:
    """Each payout is what its terms version and the recorded performance give (an adjusted
    payout was changed by a person, with a reason in its ledger: it is left out)."""
    payouts = list(
        Payout.objects.filter(organization_id=organization.pk)
        .exclude(state=PayoutState.CANCELLED)
        .exclude(pk__in=_adjusted_ids(organization))
        .select_related("enrollment__terms_version", "enrollment__program", "creator")
        .order_by("pk")
    )
    enrollment_ids = {p.enrollment_id for p in payouts}
    enrollments = with_valid_clicks(
        Enrollment.objects.filter(pk__in=enrollment_ids).select_related("program"),
        organization=organization,
    )
    clicks = {e.pk: int(getattr(e, "pace_valid_clicks", 0) or 0) for e in enrollments}
    states: dict[int, list[str]] = defaultdict(list)
    for enrollment_id, state in Deliverable.objects.filter(
        organization_id=organization.pk, enrollment_id__in=enrollment_ids
    ).values_list("enrollment_id", "state"):
        states[enrollment_id].append(state)
    reached = dict(
        MilestoneReached.objects.filter(
            organization_id=organization.pk, enrollment_id__in=enrollment_ids
        )
        .values("enrollment_id")
        .annotate(top=Max("milestone"))
        .values_list("enrollment_id", "top")
    )
    found = []
    for payout in payouts:
        payout.enrollment.pace_valid_clicks = clicks.get(payout.enrollment_id, 0)  # type: ignore[attr-defined]
        problem = _payout_problem(
            payout, states[payout.enrollment_id], reached.get(payout.enrollment_id)
        )
        if problem:
            found.append(
                Violation(
                    f"payout:{payout.pk}:terms",
                    f"Payout #{payout.pk} ({payout.get_reason_display()}, "
                    f"{payout.creator.display_name}) {problem}.",
                )
            )
    return found


def program_spend_matches_ledger(organization: Organization, today: date) -> list[Violation]:
    """What the report shows as paid per program equals the cash the ledger paid for it."""
    from_payouts = dict(
        Payout.objects.filter(organization_id=organization.pk, state=PayoutState.PAID)
        .values("enrollment__program_id", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("enrollment__program_id", "total")
    )
    from_ledger = dict(
        LedgerEntry.objects.filter(organization_id=organization.pk, account="cash")
        .values("transaction__payout__enrollment__program_id")
        .annotate(total=Sum("amount"))
        .order_by()
        .values_list("transaction__payout__enrollment__program_id", "total")
    )
    found = []
    for program_id in sorted(set(from_payouts) | set(from_ledger)):
        paid = from_payouts.get(program_id, Decimal(0))
        cash = -from_ledger.get(program_id, Decimal(0))
        if paid != cash:
            found.append(
                Violation(
                    f"program:{program_id}:paid",
                    f"Program #{program_id}: payouts say {paid} paid, the ledger's cash {cash}.",
                )
            )
    return found


def _totals_by_creator(payouts: Any) -> dict[int, set[tuple[str, str, int, Decimal]]]:
    rows = (
        payouts.order_by()
        .values("creator_id", "currency", "state")
        .annotate(count=Count("id"), amount=Sum("amount"))
    )
    totals: dict[int, set[tuple[str, str, int, Decimal]]] = defaultdict(set)
    for row in rows:
        totals[row["creator_id"]].add((row["currency"], row["state"], row["count"], row["amount"]))
    return totals


def portal_matches_staff(organization: Organization, today: date) -> list[Violation]:
    """A creator's portal totals (their own payouts, through the portal's selector) equal the
    staff pages' for that creator (the payouts list's selector). Three queries per org."""
    creators = dict(
        CreatorProfile.objects.filter(organization_id=organization.pk, user__isnull=False)
        .order_by("pk")
        .values_list("pk", "display_name")
    )
    user_ids = CreatorProfile.objects.filter(pk__in=creators).values("user_id")
    staff = _totals_by_creator(payouts_for_org(organization=organization))
    portal = _totals_by_creator(
        creators_payouts(user_ids=user_ids).filter(organization_id=organization.pk)
    )
    return [
        Violation(
            f"creator:{creator_id}:totals",
            f"{name}'s payout totals differ between the portal and the staff pages.",
        )
        for creator_id, name in creators.items()
        if staff.get(creator_id, set()) != portal.get(creator_id, set())
    ]


def no_processing_outside_a_processing_run(
    organization: Organization, today: date
) -> list[Violation]:
    stuck = (
        Payout.objects.filter(organization_id=organization.pk, state=PayoutState.PROCESSING)
        .filter(Q(run__isnull=True) | ~Q(run__state__in=RUN_MAY_PROCESS))
        .order_by("pk")
    )
    return [
        Violation(
            f"payout:{payout.pk}:processing",
            f"Payout #{payout.pk} is processing in a run that is not (run #{payout.run_id}).",
        )
        for payout in stuck
    ]


def late_payouts_are_flagged(organization: Organization, today: date) -> list[Violation]:
    """Every unpaid payout past its expected date is flagged delayed, with one BSM task."""
    late = list(
        Payout.objects.filter(
            organization_id=organization.pk, state__in=SWEEP_STATES, expected_on__lt=today
        ).order_by("pk")
    )
    tasks: dict[str, int] = defaultdict(int)
    for key in Task.objects.filter(
        organization_id=organization.pk,
        owner_role=OwnerRole.BSM,
        dedupe_key__in=[f"payout-delayed:{p.pk}" for p in late],
    ).values_list("dedupe_key", flat=True):
        tasks[key] += 1
    found = []
    for payout in late:
        count = tasks[f"payout-delayed:{payout.pk}"]
        if payout.delayed_at is None or count != 1:
            found.append(
                Violation(
                    f"payout:{payout.pk}:delayed",
                    f"Payout #{payout.pk} was expected on {payout.expected_on} and is not paid: "
                    f"{'not flagged delayed' if payout.delayed_at is None else 'flagged'}, with "
                    f"{count} BSM task{'s' if count != 1 else ''} (one is due).",
                )
            )
    return found


def milestones_follow_terms(organization: Organization, today: date) -> list[Violation]:
    """A reached milestone has its record; an open enrollment's terms carry the creator's
    current milestone, or an amendment to it waits for the creator."""
    enrollments = list(
        with_valid_clicks(
            Enrollment.objects.filter(
                organization_id=organization.pk,
                state__in=(*OPEN_ENROLLMENT, EnrollmentState.COMPLETED),
            ).select_related("terms_version", "program", "creator"),
            organization=organization,
        )
    )
    top_recorded = dict(
        MilestoneReached.objects.filter(organization_id=organization.pk)
        .values("enrollment_id")
        .annotate(top=Max("milestone"))
        .values_list("enrollment_id", "top")
    )
    pending = set(
        TermsVersion.objects.filter(
            organization_id=organization.pk, accepted_at__isnull=True, declined_at__isnull=True
        )
        .exclude(pk=F("enrollment__terms_version_id"))
        .values_list("enrollment_id", flat=True)
    )
    found = []
    for enrollment in enrollments:
        milestone = milestone_of(enrollment)
        valid = int(getattr(enrollment, "pace_valid_clicks", 0) or 0)
        if milestone and valid >= milestone and top_recorded.get(enrollment.pk, 0) < milestone:
            found.append(
                Violation(
                    f"enrollment:{enrollment.pk}:milestone",
                    f"{enrollment.creator.display_name} has {valid} valid clicks in "
                    f"{enrollment.program.name} but reaching {milestone} is not recorded.",
                )
            )
        if enrollment.state not in OPEN_ENROLLMENT or enrollment.terms_version is None:
            continue
        accepted = _snapshot(enrollment).get("click_milestone")
        current = enrollment.program.click_milestone or enrollment.creator.click_milestone
        if accepted is not None and int(accepted) != current and enrollment.pk not in pending:
            found.append(
                Violation(
                    f"enrollment:{enrollment.pk}:terms-milestone",
                    f"{enrollment.creator.display_name}'s terms for {enrollment.program.name} "
                    f"say {accepted} clicks, their milestone is {current}, and no amendment "
                    "is pending.",
                )
            )
    return found


Check = Callable[[Organization, date], list[Violation]]
# How money moved: true whatever made the payouts (the payment-run tests make theirs by hand).
MONEY_FLOW_CHECKS: tuple[Check, ...] = (
    ledger_mirrors_payouts,
    program_spend_matches_ledger,
    portal_matches_staff,
    no_processing_outside_a_processing_run,
    late_payouts_are_flagged,
    payment_record_matches_payouts,
)
# Why each payout exists: its terms and the recorded performance.
CHECKS: tuple[Check, ...] = (
    *MONEY_FLOW_CHECKS,
    payouts_follow_terms,
    milestones_follow_terms,
    commission_follows_orders,
)


def figures_violations(
    *, organization: Organization, checks: tuple[Check, ...] = CHECKS
) -> list[Violation]:
    """Every violation in the org (the caller narrowed the RLS scope to it)."""
    today = org_today(organization)
    return [violation for check in checks for violation in check(organization, today)]
