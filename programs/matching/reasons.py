"""The words of matching: why a creator ranks where they do, or is left out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.choices import Category, Platform
from influencers.models import CreatorProfile
from programs.growth.tiers import TIERS
from programs.models import Program
from programs.states import ENDED_STATES, EnrollmentState


def candidate_reasons(creator: CreatorProfile, program: Program) -> list[str]:
    """The "why" of a ranked row (from the annotations of
    ``selectors.candidates``), as short phrases."""
    reasons: list[str] = []
    matched: list[str] = getattr(creator, "matched_categories", None) or []
    if program.categories:
        labels = ", ".join(str(Category(c).label) for c in matched)
        reasons.append(f"{len(matched)} of {len(program.categories)} categories: {labels}")
    handles: list[dict[str, Any]] = getattr(creator, "fit_handles", None) or []
    if handles:
        reasons.append(
            "on "
            + ", ".join(
                f"{Platform(h['platform']).label} @{h['handle']} ({h['audience_size']:,})"
                for h in handles
            )
        )
    if program.min_audience is not None or program.max_audience is not None:
        bounds = audience_range_label(program)
        fits = getattr(creator, "audience_fit", False)
        reasons.append(
            (gettext("audience in range %(bounds)s") % {"bounds": bounds})
            if fits
            else (gettext("audience outside %(bounds)s") % {"bounds": bounds})
        )
    attainment = getattr(creator, "attainment", None)
    rank = getattr(creator, "tier_rank", None)
    if attainment is not None:
        reasons.append(
            gettext(
                "milestone reached in %(milestones_reached)s of %(programs_completed)s programs"
            )
            % {
                "milestones_reached": creator.milestones_reached,
                "programs_completed": creator.programs_completed,
            }
        )
    elif not rank:  # a returning creator's tier (below) tells their record instead
        reasons.append(gettext("no completed program yet"))
    if rank:
        reasons.append(gettext("tier: %(tier)s") % {"tier": TIERS[rank].label})
    engagement = getattr(creator, "best_engagement", None)
    if engagement is not None:
        reasons.append(f"engagement {engagement:.1f} %")
    return reasons


def audience_range_label(program: Program) -> str:
    """ "10,000–500,000", "≥ 10,000", "≤ 500,000" (empty without a range)."""
    low, high = program.min_audience, program.max_audience
    if low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if low is not None:
        return f"≥ {low:,}"
    if high is not None:
        return f"≤ {high:,}"
    return ""


_STATE_REASONS: dict[str, str] = {
    EnrollmentState.WAITLISTED: "already on the waitlist",
    EnrollmentState.INVITED: "already invited",
    EnrollmentState.ACCEPTED: "already accepted",
    EnrollmentState.CONFIRMED: "already confirmed",
    EnrollmentState.ACTIVE: "already active in the program",
    EnrollmentState.COMPLETED: "completed the program",
    EnrollmentState.DECLINED: "declined",
    EnrollmentState.EXPIRED: "invitation expired",
    EnrollmentState.WITHDRAWN: "withdrawn",
    EnrollmentState.TERMINATED: "terminated",
}


def enrollment_reason(state: str, ended_at: dt.datetime | None) -> str:
    """ "already invited", "declined on 3 Mar 2025", …"""
    reason = _STATE_REASONS.get(state, state)
    if ended_at is not None and state in ENDED_STATES:
        reason += f" on {_day(timezone.localdate(ended_at))}"
    return reason


def away_reason(start: dt.date, end: dt.date) -> str:
    """ "away 1–15 Mar", "away 28 Feb–3 Mar", "away 20 Dec 2025–5 Jan 2026"."""
    if start.year != end.year:
        return f"away {_day(start)}–{_day(end)}"
    if start.month != end.month:
        return f"away {start.day} {start:%b}–{end.day} {end:%b}"
    if start == end:
        return f"away {start.day} {start:%b}"
    return f"away {start.day}–{end.day} {end:%b}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
