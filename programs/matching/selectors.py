"""Candidate matching: which of the org's creators fit a program's brief, best first.

The database does the work, in one query per list; Python only words the reasons of the rows
it gets back.

Hard filters (a creator who fails one is not a candidate):

* same organization as the program;
* not enrolled in the program in any state (NOT EXISTS on Enrollment);
* shares at least one category with the program, when the program names categories;
* has a handle on at least one of the program's platforms, when the program names platforms;
* not away during the program: no Availability window overlaps [launch_on, end_on], when the
  program has both dates (as the invitation service checks).

The score (``match_score``; higher is a better fit) is::

    10 × shared categories
  +  5 × program platforms the creator has a handle on
  + 15 if a handle on a program platform has an audience in [min_audience, max_audience]
       (a missing bound is open; with no range every creator gets the 15)
  + 10 × min(milestones reached ÷ programs completed, 1)   (0.5 without a completed program:
       newcomers are neither buried nor favoured)
  + 10 × min(best engagement % on a program platform ÷ 10, 1)

so a perfect fit for a two-category, two-platform brief scores 65. Ties go to the larger
audience on a program platform, then the name. Creators who fit the categories and platforms
but are away or already enrolled are listed by ``excluded`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.contrib.postgres.aggregates import BoolOr
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, JSONObject, Least, NullIf
from django.utils import timezone

from influencer_ops.choices import Category, Platform
from influencers.models import Availability, CreatorProfile, SocialHandle
from programs.models import Enrollment, Program, TermsVersion
from programs.states import ENDED_STATES, EnrollmentState

CATEGORY_POINTS = 10
PLATFORM_POINTS = 5
AUDIENCE_POINTS = 15
ATTAINMENT_POINTS = 10
ENGAGEMENT_POINTS = 10
FULL_ENGAGEMENT_RATE = 10.0  # percent: this engagement or better earns all the points
NEWCOMER_ATTAINMENT = 0.5
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# What the lists show; fewer columns make the joins and the sort lighter.
LISTED_FIELDS = (
    "id",
    "organization",
    "display_name",
    "email",
    "categories",
    "max_audience",
    "programs_completed",
    "milestones_reached",
)


class Filters(TypedDict, total=False):
    """The desk's search box and filters (all optional; empty means any)."""

    search: str
    category: str
    platform: str


def program_window(program: Program) -> tuple[dt.date, dt.date] | None:
    """The days the creator must be around, launch to end; None without both dates (as the
    invitation service checks availability)."""
    if program.launch_on is None or program.end_on is None:
        return None
    return program.launch_on, program.end_on


def clamp_limit(limit: int | None) -> int:
    return max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))


# --- building blocks ---


def _away_during(program: Program) -> QuerySet[Availability] | None:
    """The creator's away windows that overlap the program (correlated on the creator)."""
    window = program_window(program)
    if window is None:
        return None
    start, end = window
    return Availability.objects.filter(
        profile=OuterRef("pk"), away_from__lte=end, away_to__gte=start
    )


def _enrollment_in(program: Program) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(program_id=program.pk, creator=OuterRef("pk"))


def _program_handles(program: Program) -> QuerySet[SocialHandle]:
    """The creator's handles that count for the program: on its platforms (all when it names
    none); correlated on the creator."""
    handles = SocialHandle.objects.filter(profile=OuterRef("pk"))
    if program.platforms:
        handles = handles.filter(platform__in=list(program.platforms))
    return handles


def _in_brief(program: Program, *, join_handles: bool = False) -> QuerySet[CreatorProfile]:
    """The org's creators who fit the brief's categories and platforms.

    The platform fit is EXISTS, or with ``join_handles`` an inner join to the handles on the
    program's platforms, which the ranking's aggregates then read (filter before annotate).
    """
    creators = CreatorProfile.objects.filter(organization_id=program.organization_id)
    if program.categories:
        creators = creators.filter(categories__overlap=list(program.categories))
    if program.platforms and join_handles:
        creators = creators.filter(handles__platform__in=list(program.platforms))
    elif program.platforms:
        creators = creators.filter(Exists(_program_handles(program)))
    return creators


def _narrowed(
    creators: QuerySet[CreatorProfile], *, search: str, category: str, platform: str
) -> QuerySet[CreatorProfile]:
    """The page's search box and filters."""
    search = search.strip()
    if search:
        handle = search.removeprefix("@")
        creators = creators.filter(
            Q(display_name__icontains=search)
            | Q(email__icontains=search)
            | Exists(SocialHandle.objects.filter(profile=OuterRef("pk"), handle__icontains=handle))
        )
    if category:
        creators = creators.filter(categories__contains=[category])
    if platform:
        creators = creators.filter(
            Exists(SocialHandle.objects.filter(profile=OuterRef("pk"), platform=platform))
        )
    return creators


def _matched_categories(program: Program) -> Any:
    """The program's categories the creator shares, as an array (cheap: no subquery)."""
    if not program.categories:
        return Value([], output_field=ArrayField(models.CharField()))
    picks = [
        Case(When(categories__contains=[c], then=Value(c)), default=Value(None))
        for c in program.categories
    ]
    listed = models.Func(
        *picks,
        template="ARRAY[%(expressions)s]::varchar[]",
        output_field=ArrayField(models.CharField()),
    )
    return models.Func(
        listed, Value(None), function="array_remove", output_field=ArrayField(models.CharField())
    )


def _audience_range(program: Program, prefix: str = "") -> Q:
    """A handle's audience inside the program's range (empty Q: the program sets none)."""
    bounds = Q()
    if program.min_audience is not None:
        bounds &= Q(**{f"{prefix}audience_size__gte": program.min_audience})
    if program.max_audience is not None:
        bounds &= Q(**{f"{prefix}audience_size__lte": program.max_audience})
    return bounds


class OwnColumns(ExpressionWrapper):
    """An expression of the creator's own columns, in a query grouped by the creator.

    Grouping by the primary key already fixes these columns (PostgreSQL knows they depend on
    it), so GROUP BY names the columns, which Django folds into the key, not the expression;
    the database can then hash-aggregate on the id alone.
    """

    def get_group_by_cols(self) -> list[Any]:
        return [node for node in self.expression.flatten() if isinstance(node, Col)]


def _attainment() -> OwnColumns:
    """Milestones reached per completed program; NULL when none completed."""
    return OwnColumns(
        Cast("milestones_reached", FloatField())
        / NullIf(Cast("programs_completed", FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def _handle_reasons(program: Program) -> dict[str, Any]:
    """Aggregates over the creator's joined handles (on the program's platforms, or all)."""
    in_range = _audience_range(program, prefix="handles__")
    return {
        "platform_matches": Count("handles") if program.platforms else Value(0),
        "best_audience": Max("handles__audience_size"),
        "best_engagement": Cast(Max("handles__engagement_rate"), FloatField()),
        "audience_fit": (
            BoolOr(ExpressionWrapper(in_range, output_field=models.BooleanField()))
            if in_range
            else Value(True)
        ),
    }


def _fit_handles(program: Program) -> ArraySubquery:
    """The handles that count for the program, as dicts; not a sort key, so PostgreSQL builds
    them after the LIMIT, for the returned rows only."""
    return ArraySubquery(
        _program_handles(program)
        .order_by("platform")
        .values(
            json=JSONObject(
                platform="platform",
                handle="handle",
                audience_size="audience_size",
                engagement_rate="engagement_rate",
            )
        )
    )


# --- the lists ---


def candidates(
    *,
    program: Program,
    search: str = "",
    category: str = "",
    platform: str = "",
    limit: int = DEFAULT_LIMIT,
) -> QuerySet[CreatorProfile]:
    """The program's best ``limit`` candidates, ranked by ``match_score`` (see the module).

    One query: the creators joined to their handles on the program's platforms (the join is
    also the platform filter) and grouped by creator. Each row carries its reasons:
    ``matched_categories`` and ``category_matches``, ``platform_matches`` and ``fit_handles``
    (dicts), ``audience_fit``, ``best_audience``, ``best_engagement`` (percent) and
    ``attainment`` (None for newcomers).
    """
    creators = _in_brief(program, join_handles=True).filter(~Exists(_enrollment_in(program)))
    away = _away_during(program)
    if away is not None:
        creators = creators.filter(~Exists(away))
    creators = _narrowed(creators, search=search, category=category, platform=platform)
    matched = _matched_categories(program)
    creators = creators.annotate(
        matched_categories=OwnColumns(matched, output_field=ArrayField(models.CharField())),
        category_matches=OwnColumns(
            models.Func(matched, function="cardinality"), output_field=models.IntegerField()
        ),
        attainment=_attainment(),
        **_handle_reasons(program),
    )
    creators = creators.annotate(match_score=_score(), fit_handles=_fit_handles(program))
    ranked = creators.only(*LISTED_FIELDS).order_by(
        "-match_score", "-best_audience", "display_name", "pk"
    )
    return ranked[: clamp_limit(limit)]


def _score() -> ExpressionWrapper:
    """The sum described in the module docstring, from the annotations of ``candidates``."""
    own = OwnColumns(
        F("category_matches") * CATEGORY_POINTS
        + Least(Coalesce(F("attainment"), Value(NEWCOMER_ATTAINMENT)), Value(1.0))
        * ATTAINMENT_POINTS,
        output_field=FloatField(),
    )
    parts = [
        own,
        F("platform_matches") * PLATFORM_POINTS,
        Case(When(audience_fit=True, then=Value(AUDIENCE_POINTS)), default=Value(0)),
        Least(Coalesce(F("best_engagement"), Value(0.0)) / FULL_ENGAGEMENT_RATE, Value(1.0))
        * ENGAGEMENT_POINTS,
    ]
    return ExpressionWrapper(functools.reduce(operator.add, parts), output_field=FloatField())


def candidate_reasons(creator: CreatorProfile, program: Program) -> list[str]:
    """The "why" of a ranked row (from the annotations of ``candidates``), as short phrases."""
    reasons: list[str] = []
    matched: list[str] = getattr(creator, "matched_categories", None) or []
    if program.categories:
        labels = ", ".join(Category(c).label for c in matched)
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
        reasons.append(f"audience in range {bounds}" if fits else f"audience outside {bounds}")
    attainment = getattr(creator, "attainment", None)
    if attainment is None:
        reasons.append("no completed program yet")
    else:
        reasons.append(
            f"milestone reached in {creator.milestones_reached} of "
            f"{creator.programs_completed} programs"
        )
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


@dataclass
class Excluded:
    """A creator who fits the brief but is left out, and why."""

    creator: CreatorProfile
    reasons: list[str] = field(default_factory=list)
    away: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    enrollment_state: str | None = None

    @property
    def can_override(self) -> bool:
        """Unavailable only: an ISM may still invite, giving a reason."""
        return bool(self.away) and self.enrollment_state is None


def excluded(
    *,
    program: Program,
    search: str = "",
    category: str = "",
    platform: str = "",
    limit: int = DEFAULT_LIMIT,
) -> list[Excluded]:
    """The org's creators who fit the categories and platforms but are away over the program
    dates or already enrolled in it (invited, declined, …), each with its reasons; by name."""
    enrolled = _enrollment_in(program)
    away = _away_during(program)
    creators = _narrowed(_in_brief(program), search=search, category=category, platform=platform)
    creators = creators.filter(pk__in=_left_out_ids(program))
    creators = creators.only(*LISTED_FIELDS).annotate(
        enrollment_state=Subquery(enrolled.values("state")[:1]),
        # When it ended: on the enrollment, or failing that when its terms were declined.
        enrollment_ended_at=Subquery(
            enrolled.annotate(
                ended=Coalesce(
                    "ended_at",
                    Subquery(
                        TermsVersion.objects.filter(enrollment=OuterRef("pk"))
                        .order_by("-number")
                        .values("declined_at")[:1]
                    ),
                )
            ).values("ended")[:1]
        ),
    )
    if away is not None:
        creators = creators.annotate(
            away_windows=ArraySubquery(
                away.order_by("away_from").values(
                    window=JSONObject(away_from="away_from", away_to="away_to")
                )
            )
        )
    rows = creators.order_by("display_name", "pk")[: clamp_limit(limit)]
    return [_excluded_row(creator) for creator in rows]


def _left_out_ids(program: Program) -> QuerySet[Any]:
    """Ids of the creators enrolled in the program or away over its dates. A small set: the
    query starts from it (an OR of two EXISTS would test every creator of the org)."""
    enrolled = Enrollment.objects.filter(
        organization_id=program.organization_id, program_id=program.pk
    ).values("creator_id")
    window = program_window(program)
    if window is None:
        return enrolled.order_by()
    start, end = window
    away = Availability.objects.filter(
        organization_id=program.organization_id, away_from__lte=end, away_to__gte=start
    ).values("profile_id")
    return enrolled.order_by().union(away.order_by())


def _excluded_row(creator: CreatorProfile) -> Excluded:
    windows = [
        (dt.date.fromisoformat(w["away_from"]), dt.date.fromisoformat(w["away_to"]))
        for w in getattr(creator, "away_windows", None) or []
    ]
    state: str | None = getattr(creator, "enrollment_state", None)
    row = Excluded(creator=creator, away=windows, enrollment_state=state)
    if state is not None:
        row.reasons.append(enrollment_reason(state, getattr(creator, "enrollment_ended_at", None)))
    row.reasons.extend(away_reason(start, end) for start, end in windows)
    return row


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
