"""Reads of payouts: the org's list with its totals, one payout with its ledger and audit trail,
and a creator's own payouts across their orgs. Every query here is scoped by the caller's org
(or the creator's own user) and by row-level security underneath."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from influencer_ops.models import AuditEvent
from influencers.models import CreatorProfile
from payments.models import LedgerEntry, LedgerTransaction, Payout, PayoutState
from payments.models import PayoutTotal as PayoutTotalRow
from programs.models import Program


@dataclass(frozen=True)
class PayoutFilters:
    state: str = ""
    program_id: int | None = None
    creator_id: int | None = None


@dataclass(frozen=True)
class PayoutTotal:
    currency: str
    state: str
    count: int
    amount: Decimal

    @property
    def state_label(self) -> str:
        return str(PayoutState(self.state).label)


def payouts_for_org(*, organization: Any, filters: PayoutFilters | None = None) -> QuerySet[Payout]:
    """The org's payouts, newest first, with what a list row shows (no N+1)."""
    filters = filters or PayoutFilters()
    payouts = Payout.objects.filter(organization=organization).select_related(
        "enrollment__program", "creator", "run"
    )
    if filters.state:
        payouts = payouts.filter(state=filters.state)
    if filters.program_id is not None:
        payouts = payouts.filter(enrollment__program_id=filters.program_id)
    if filters.creator_id is not None:
        payouts = payouts.filter(creator_id=filters.creator_id)
    return payouts.order_by("-earned_at", "-id")


def payouts_search(*, payouts: QuerySet[Payout], text: str) -> QuerySet[Payout]:
    """``payouts`` whose creator (name or e-mail) or program matches ``text``, or whose run is
    the number typed (``12`` or ``#12``)."""
    text = text.strip()
    if not text:
        return payouts
    match = (
        Q(creator__display_name__icontains=text)
        | Q(creator__email__icontains=text)
        | Q(enrollment__program__name__icontains=text)
    )
    number = text.removeprefix("#")
    if number.isdigit() and len(number) < 10:
        match |= Q(run_id=int(number)) | Q(pk=int(number))
    return payouts.filter(match)


def payouts_by_creator_name(*, payouts: QuerySet[Payout], text: str) -> QuerySet[Payout]:
    """``payouts`` of creators whose name or e-mail contains ``text``."""
    text = text.strip()
    if not text:
        return payouts
    return payouts.filter(
        Q(creator__display_name__icontains=text) | Q(creator__email__icontains=text)
    )


@dataclass(frozen=True)
class ProgramSpend:
    """What a program's payouts add up to in one currency: earned (every payout not cancelled,
    paid ones included) and paid. The ledger's ``cash`` account moves by exactly ``paid``."""

    earned: Decimal
    paid: Decimal


def programs_spend(*, programs: list[Program]) -> dict[int, ProgramSpend]:
    """{program id: earned and paid} in each program's own currency, from its payouts (one
    query for all of them); cancelled payouts count for nothing."""
    if not programs:
        return {}
    rows = (
        Payout.objects.filter(
            organization_id=programs[0].organization_id,
            enrollment__program_id__in=[p.pk for p in programs],
        )
        .exclude(state=PayoutState.CANCELLED)
        .order_by()
        .values("enrollment__program_id", "currency")
        .annotate(earned=Sum("amount"), paid=Sum("amount", filter=Q(state=PayoutState.PAID)))
    )
    currency = {p.pk: p.currency for p in programs}
    zero = Decimal("0.00")
    totals = {p.pk: ProgramSpend(earned=zero, paid=zero) for p in programs}
    for row in rows:
        program_id = row["enrollment__program_id"]
        if row["currency"] == currency[program_id]:
            totals[program_id] = ProgramSpend(
                earned=row["earned"] or zero, paid=row["paid"] or zero
            )
    return totals


def program_spend(*, program: Program) -> ProgramSpend:
    """Earned and paid in the program's currency, from its payouts (one query)."""
    return programs_spend(programs=[program])[program.pk]


def payout_totals_for_org(*, organization: Any, state: str = "") -> list[PayoutTotal]:
    """The org's count and sum per (currency, state), optionally of one state, from the
    totals the database keeps (a few rows, however many payouts there are; #18)."""
    rows = PayoutTotalRow.objects.filter(organization=organization, count__gt=0)
    if state:
        rows = rows.filter(state=state)
    return [
        PayoutTotal(row.currency, row.state, row.count, row.amount)
        for row in rows.order_by("currency", "state")
    ]


def creator_search(*, organization: Any, text: str, limit: int = 10) -> list[CreatorProfile]:
    """At most ``limit`` of the org's creators whose name or e-mail contains ``text`` (the
    payout list's creator field); nothing for a blank text."""
    text = text.strip()
    if not text:
        return []
    return list(
        CreatorProfile.objects.filter(organization=organization)
        .filter(Q(display_name__icontains=text) | Q(email__icontains=text))
        .order_by("display_name", "pk")
        .only("pk", "display_name", "email")[:limit]
    )


def creator_name(*, organization: Any, creator_id: int) -> str | None:
    """The display name of one of the org's creators (None if not the org's)."""
    return (
        CreatorProfile.objects.filter(organization=organization, pk=creator_id)
        .values_list("display_name", flat=True)
        .first()
    )


def payout_totals(*, payouts: QuerySet[Payout]) -> list[PayoutTotal]:
    """Count and sum per (currency, state) of ``payouts``, in one query."""
    rows = (
        payouts.order_by()
        .values("currency", "state")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("currency", "state")
    )
    return [PayoutTotal(row["currency"], row["state"], row["count"], row["amount"]) for row in rows]


def payout_detail_queryset() -> QuerySet[Payout]:
    """One payout with its program, creator, run and ledger (transactions and entries)."""
    ledger = LedgerTransaction.objects.select_related("actor", "run").prefetch_related(
        Prefetch("entries", queryset=LedgerEntry.objects.order_by("-amount", "account"))
    )
    return Payout.objects.select_related(
        "enrollment__program__brand", "creator", "run", "terms_version", "organization"
    ).prefetch_related(Prefetch("ledger", queryset=ledger.order_by("at", "id")))


def payout_audit(*, payout: Payout) -> QuerySet[AuditEvent]:
    """The payout's audit trail, oldest first."""
    return AuditEvent.objects.filter(
        organization_id=payout.organization_id,
        target_type=Payout._meta.label_lower,
        target_id=str(payout.pk),
    ).order_by("at", "id")


def program_choices(*, organization: Any) -> list[tuple[int, str]]:
    return list(
        Program.objects.filter(organization=organization)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def creators_payouts(*, user_ids: Any) -> QuerySet[Payout]:
    """Every payout of these users' own creator profiles, across their orgs: what each user's
    portal lists (``creator_payouts`` is this for one user)."""
    return (
        Payout.objects.filter(creator__user_id__in=user_ids)
        .select_related("enrollment__program", "organization", "creator")
        .order_by("-earned_at", "-id")
    )


def creator_payouts(*, user: Any) -> QuerySet[Payout]:
    """Every payout of the user's own creator profiles, across their orgs (the portal)."""
    return creators_payouts(user_ids=[user.pk])


def creator_payout(*, user: Any, pk: Any) -> Payout | None:
    """One of the user's own payouts; None for anyone else's (the caller answers 404)."""
    try:
        return creator_payouts(user=user).get(pk=int(pk))
    except (Payout.DoesNotExist, ValueError, TypeError):
        return None
