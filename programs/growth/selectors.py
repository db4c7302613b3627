"""Growth reads: the creator's tier and history with each of their orgs, and the terms
suggested when an ISM invites a returning creator. Constant queries whatever the number of
orgs, creators or past programs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, ngettext

from influencers.models import CreatorProfile
from organizations.models import Organization
from programs.growth.tiers import FINISHED, History, Tier, median, next_tier, tier_of, unlock_text
from programs.growth.tiers import with_history as with_history
from programs.models import Enrollment, Program
from tracking.pace.services import with_valid_clicks

MILESTONE_STEP = 50  # a suggested milestone is a round number of clicks


@dataclass
class Growth:
    """A creator's standing with one organization."""

    creator: CreatorProfile
    history: History
    tier: Tier
    next: Tier | None
    unlock: str

    @property
    def organization(self) -> Organization:
        return self.creator.organization


def growth_of(creator: CreatorProfile) -> Growth:
    """From a creator annotated by ``with_history``."""
    history = History.of(creator)
    tier = tier_of(history)
    return Growth(creator, history, tier, next_tier(tier), unlock_text(history))


def creator_growth(*, user: Any) -> list[Growth]:
    """The signed-in creator's tier with each org they work with, in one query."""
    profiles = CreatorProfile.objects.filter(user=user, erased_at__isnull=True).select_related(
        "organization"
    )
    return [growth_of(p) for p in with_history(profiles).order_by("organization__name", "pk")]


def org_creator_growth(*, organization: Organization, creator_ids: list[int]) -> dict[int, Growth]:
    """The tiers of some of the org's creators (the desk's lists), in one query."""
    profiles = CreatorProfile.objects.filter(organization=organization, pk__in=creator_ids)
    return {p.pk: growth_of(p) for p in with_history(profiles)}


@dataclass
class Suggestion:
    """The click milestone and per-click rate suggested for a returning creator, and why."""

    creator_id: int
    milestone: int
    per_click_rate: Decimal | None
    currency: str
    programs: int
    median_clicks: int
    reached: int
    why: str = ""
    past: list[int] = field(default_factory=list)


def _round(clicks: float) -> int:
    return max(MILESTONE_STEP, round(clicks / MILESTONE_STEP) * MILESTONE_STEP)


def _rate(snapshot: Any) -> Decimal | None:
    value = snapshot.get("per_click_rate") if isinstance(snapshot, dict) else None
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def invite_suggestions(*, program: Program, creator_ids: list[int]) -> dict[int, Suggestion]:
    """For each of ``creator_ids`` who completed an earlier program of the org: a click
    milestone near the median of their past valid clicks and the per-click rate they were
    paid (the median), with the reason in words. One query for all of them."""
    if not creator_ids:
        return {}
    organization = program.organization
    past = with_valid_clicks(
        Enrollment.objects.filter(FINISHED, organization=organization, creator_id__in=creator_ids)
        .exclude(program=program)
        .select_related("terms_version")
        .prefetch_related("milestones_reached"),
        organization=organization,
    )
    by_creator: dict[int, list[Enrollment]] = defaultdict(list)
    for enrollment in past.order_by("creator_id", "created_at", "pk"):
        by_creator[enrollment.creator_id].append(enrollment)
    return {creator: _suggest(creator, rows) for creator, rows in by_creator.items()}


def _suggest(creator_id: int, rows: list[Enrollment]) -> Suggestion:
    clicks = [int(getattr(e, "pace_valid_clicks", 0) or 0) for e in rows]
    snapshots = [e.terms_version.snapshot if e.terms_version else {} for e in rows]
    rates = [r for r in (_rate(s) for s in snapshots) if r is not None]
    currency = next((str(s.get("currency")) for s in snapshots if s.get("currency")), "")
    reached = sum(1 for e in rows if e.milestones_reached.all())
    middle = median(clicks)
    rate = median(rates) if rates else None
    suggestion = Suggestion(
        creator_id=creator_id,
        milestone=_round(float(middle)),
        per_click_rate=rate.quantize(Decimal("0.01")) if rate is not None else None,
        currency=currency,
        programs=len(rows),
        median_clicks=int(middle),
        reached=reached,
        past=clicks,
    )
    suggestion.why = _why(suggestion)
    return suggestion


def _why(s: Suggestion) -> str:
    text = ngettext(
        "past program: %(clicks)s valid clicks, milestone reached in %(reached)s",
        "past programs: median %(clicks)s valid clicks over %(programs)s programs, milestone "
        "reached in %(reached)s",
        s.programs,
    ) % {
        "clicks": formats.number_format(s.median_clicks, force_grouping=True),
        "programs": s.programs,
        "reached": s.reached,
    }
    if s.per_click_rate is not None:
        text += gettext("; per-click rate paid: %(rate)s %(currency)s") % {
            "rate": formats.number_format(s.per_click_rate, 2),
            "currency": s.currency,
        }
    return text
