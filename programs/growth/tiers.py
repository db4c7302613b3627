"""The tiers, their thresholds, and the history they are computed from, in one place.

A creator's tier with an organization comes from their records there, never from a stored
value: programs completed, click milestones reached, the share of published deliverables
that went live by their due date (on-time rate) and the share of reviewed drafts that were
approved (approval rate). A tier is reached when every threshold of it is met; the tiers are
ordered, and the next one says what is still missing ("2 more completed programs and an
on-time rate ≥ 90 %"). ``docs/product.md`` documents the same table.

The creator's page reads the history through ``with_history`` (one query for any number of
creators: correlated counts) and the tier through ``tier_of`` (Python). Matching ranks on
``org_tier_rank``: one query finds the org's returning creators and their ranks with
``tier_rank`` (the same thresholds as an SQL CASE), then the ranking reads a CASE on the
creator's id, so no candidate costs a subquery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from influencers.models import CreatorProfile
from programs.models import Deliverable, Enrollment, Review
from programs.states import EnrollmentState, ProgramState
from tracking.models import MilestoneReached


@dataclass(frozen=True)
class Tier:
    rank: int
    code: str
    label: Any  # lazy text
    completed: int = 0  # programs completed, at least
    milestones: int = 0  # click milestones reached, at least
    on_time: int = 0  # percent of published deliverables live by their due date, at least
    approval: int = 0  # percent of reviewed drafts approved, at least


NEWCOMER = Tier(0, "newcomer", _("Newcomer"))
RISING = Tier(1, "rising", _("Rising"), completed=1)
TRUSTED = Tier(2, "trusted", _("Trusted"), completed=3, milestones=1, on_time=80, approval=70)
PARTNER = Tier(3, "partner", _("Partner"), completed=5, milestones=3, on_time=90, approval=85)
TIERS: tuple[Tier, ...] = (NEWCOMER, RISING, TRUSTED, PARTNER)
TIER_BY_CODE = {tier.code: tier for tier in TIERS}

# States in which the creator took part in a program (confirmed or further).
TOOK_PART = (
    EnrollmentState.CONFIRMED,
    EnrollmentState.ACTIVE,
    EnrollmentState.COMPLETED,
    EnrollmentState.TERMINATED,
)
APPROVED_OUTCOMES = (Review.Outcome.APPROVED, Review.Outcome.APPROVED_WITH_CORRECTIONS)
# A program the creator completed: their place completed, or still active in a program that
# has itself completed or closed (the product ends programs, not each place in them).
FINISHED = Q(state=EnrollmentState.COMPLETED) | Q(
    state=EnrollmentState.ACTIVE, program__state__in=(ProgramState.COMPLETED, ProgramState.CLOSED)
)


def _count(rows: QuerySet[Any], group: str) -> Coalesce:
    """A correlated count of ``rows`` for the creator of the outer row (0 when none)."""
    counted = rows.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def history_counts(creator_ref: str = "pk") -> dict[str, Any]:
    """The history of the creator of the outer row (``creator_ref`` names its id), as
    annotations: one correlated count each, filtered by the creator's own organization."""
    mine = OuterRef(creator_ref)
    delivered = Deliverable.objects.filter(enrollment__creator_id=mine, published_at__isnull=False)
    reviews = Review.objects.filter(submission__deliverable__enrollment__creator_id=mine)
    return {
        "history_programs": _count(
            Enrollment.objects.filter(creator_id=mine, state__in=TOOK_PART), "creator_id"
        ),
        "history_completed": _count(
            Enrollment.objects.filter(FINISHED, creator_id=mine),
            "creator_id",
        ),
        "history_milestones": _count(
            MilestoneReached.objects.filter(enrollment__creator_id=mine), "enrollment__creator_id"
        ),
        "history_delivered": _count(delivered, "enrollment__creator_id"),
        "history_on_time": _count(
            delivered.filter(published_at__date__lte=F("due_on")), "enrollment__creator_id"
        ),
        "history_reviewed": _count(reviews, "submission__deliverable__enrollment__creator_id"),
        "history_approved": _count(
            reviews.filter(outcome__in=APPROVED_OUTCOMES),
            "submission__deliverable__enrollment__creator_id",
        ),
    }


def with_history(creators: QuerySet[CreatorProfile]) -> QuerySet[CreatorProfile]:
    """``creators`` with their history counts (``history_*``), in the same query."""
    return creators.annotate(**history_counts())


def _extra_ok(tier: Tier, counts: dict[str, Any]) -> Any:
    """The tier's thresholds beyond completed programs, as one SQL condition (rates compared
    as integers: on-time × 100 ≥ threshold × delivered, with something delivered); None when
    the tier asks for nothing more."""
    checks: list[Any] = []
    if tier.milestones:
        checks.append(GreaterThanOrEqual(counts["history_milestones"], tier.milestones))
    for count, total, percent in (
        ("history_on_time", "history_delivered", tier.on_time),
        ("history_approved", "history_reviewed", tier.approval),
    ):
        if percent:
            checks.append(GreaterThan(counts[total], 0))
            checks.append(
                GreaterThanOrEqual(
                    ExpressionWrapper(
                        counts[count] * 100 - counts[total] * percent,
                        output_field=IntegerField(),
                    ),
                    0,
                )
            )
    if not checks:
        return None
    condition = Q(checks[0])
    for check in checks[1:]:
        condition &= Q(check)
    return condition


def _fallback(upto: int, counts: dict[str, Any]) -> Any:
    """The best tier at or under index ``upto`` whose other thresholds hold (its completed
    programs are known to be met: the tiers ask for more as they rise)."""
    whens: list[When] = []
    for tier in reversed(TIERS[1 : upto + 1]):
        condition = _extra_ok(tier, counts)
        if condition is None:
            return Case(*whens, default=Value(tier.rank)) if whens else Value(tier.rank)
        whens.append(When(condition, then=Value(tier.rank)))
    return Case(*whens, default=Value(NEWCOMER.rank)) if whens else Value(NEWCOMER.rank)


def tier_rank(creator_ref: str = "pk") -> Case:
    """The tier's rank (0–3) of the creator of the outer row, as SQL: the first tier, from
    the top, whose completed programs are met, then its other thresholds (falling to the
    tiers below). A creator short of every tier's completed programs never runs the rate
    subqueries: a CASE stops at the first branch that holds."""
    counts = history_counts(creator_ref)
    whens = [
        When(
            GreaterThanOrEqual(counts["history_completed"], tier.completed),
            then=_fallback(index, counts),
        )
        for index, tier in reversed(list(enumerate(TIERS)))
        if index > 0
    ]
    return Case(*whens, default=Value(NEWCOMER.rank), output_field=IntegerField())


def org_tier_rank(organization_id: int) -> Any:
    """The tier rank of every creator of the org as an expression over the creator's own id,
    for matching's ranking: one query first finds the org's returning creators (those with a
    finished program) and their ranks (``tier_rank``); the ranking query then reads a CASE on
    the id, with no subquery per candidate. Newcomers are 0."""
    returning = (
        CreatorProfile.objects.filter(organization_id=organization_id)
        .filter(Exists(Enrollment.objects.filter(FINISHED, creator_id=OuterRef("pk"))))
        .annotate(rank=tier_rank())
        .filter(rank__gt=NEWCOMER.rank)
        .values_list("pk", "rank")
    )
    by_rank: dict[int, list[int]] = {}
    for pk, rank in returning:
        by_rank.setdefault(rank, []).append(pk)
    if not by_rank:
        return Value(NEWCOMER.rank, output_field=IntegerField())
    whens = [When(pk__in=ids, then=Value(rank)) for rank, ids in sorted(by_rank.items())]
    return Case(*whens, default=Value(NEWCOMER.rank), output_field=IntegerField())


# --- the same thresholds in Python, over the counts ``with_history`` annotates ---


@dataclass(frozen=True)
class History:
    """A creator's record with one organization."""

    programs: int = 0
    completed: int = 0
    milestones: int = 0
    delivered: int = 0
    on_time: int = 0
    reviewed: int = 0
    approved: int = 0

    @classmethod
    def of(cls, creator: Any) -> History:
        """From a creator annotated by ``with_history``."""
        return cls(**{name: int(getattr(creator, f"history_{name}", 0) or 0) for name in FIELDS})

    @property
    def on_time_rate(self) -> int | None:
        """Percent, rounded down; None before anything was published."""
        return self.on_time * 100 // self.delivered if self.delivered else None

    @property
    def approval_rate(self) -> int | None:
        return self.approved * 100 // self.reviewed if self.reviewed else None


FIELDS = ("programs", "completed", "milestones", "delivered", "on_time", "reviewed", "approved")


def _rate_ok(count: int, total: int, percent: int) -> bool:
    return not percent or (total > 0 and count * 100 >= percent * total)


def meets(history: History, tier: Tier) -> bool:
    return (
        history.completed >= tier.completed
        and history.milestones >= tier.milestones
        and _rate_ok(history.on_time, history.delivered, tier.on_time)
        and _rate_ok(history.approved, history.reviewed, tier.approval)
    )


def tier_of(history: History) -> Tier:
    """The highest tier whose every threshold is met."""
    return max((t for t in TIERS if meets(history, t)), key=lambda t: t.rank)


def next_tier(tier: Tier) -> Tier | None:
    return TIERS[tier.rank + 1] if tier.rank + 1 < len(TIERS) else None


def missing_for(history: History, tier: Tier) -> list[str]:
    """What ``history`` still lacks for ``tier``, in words ("2 more completed programs",
    "an on-time rate ≥ 90 %")."""
    missing = []
    if history.completed < tier.completed:
        more = tier.completed - history.completed
        missing.append(
            ngettext("%(n)s more completed program", "%(n)s more completed programs", more)
            % {"n": more}
        )
    if history.milestones < tier.milestones:
        more = tier.milestones - history.milestones
        missing.append(
            ngettext(
                "%(n)s more click milestone reached", "%(n)s more click milestones reached", more
            )
            % {"n": more}
        )
    if not _rate_ok(history.on_time, history.delivered, tier.on_time):
        missing.append(gettext("an on-time rate ≥ %(percent)s %%") % {"percent": tier.on_time})
    if not _rate_ok(history.approved, history.reviewed, tier.approval):
        missing.append(gettext("an approval rate ≥ %(percent)s %%") % {"percent": tier.approval})
    return missing


def unlock_text(history: History) -> str:
    """What unlocks the next tier, as one phrase ("" at the top tier)."""
    following = next_tier(tier_of(history))
    if following is None:
        return ""
    parts = missing_for(history, following)
    if len(parts) > 1:
        return gettext("%(first)s and %(last)s") % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    return parts[0] if parts else ""


def median(values: Sequence[Any]) -> Any:
    ordered: list[Any] = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
