"""The query building blocks of candidate matching, and the score.

The score (``match_score``; higher is a better fit) is::

    10 × shared categories
  +  5 × program platforms the creator has a handle on
  + 15 if a handle on a program platform has an audience in [min_audience, max_audience]
       (a missing bound is open; with no range every creator gets the 15)
  + 10 × min(milestones reached ÷ programs completed, 1)   (0.5 without a completed program:
       newcomers are neither buried nor favoured)
  + 10 × min(best engagement % on a program platform ÷ 10, 1)
  +  5 × the creator's tier rank with the org (0 newcomer … 3 partner: ``programs.growth``)

so a perfect fit for a two-category, two-platform brief scores 65 (80 for a partner).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any

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
    Value,
    When,
)
from django.db.models.expressions import Col
from django.db.models.functions import Cast, Coalesce, JSONObject, Least, NullIf

from influencers.models import Availability, CreatorProfile, SocialHandle
from programs.models import Enrollment, Program

CATEGORY_POINTS = 10
PLATFORM_POINTS = 5
AUDIENCE_POINTS = 15
ATTAINMENT_POINTS = 10
ENGAGEMENT_POINTS = 10
TIER_POINTS = 5  # per tier rank (programs.growth.tiers)
FULL_ENGAGEMENT_RATE = 10.0  # percent: this engagement or better earns all the points
NEWCOMER_ATTAINMENT = 0.5


def program_window(program: Program) -> tuple[dt.date, dt.date] | None:
    """The days the creator must be around, launch to end; None without both dates (as the
    invitation service checks availability)."""
    if program.launch_on is None or program.end_on is None:
        return None
    return program.launch_on, program.end_on


def away_during(program: Program) -> QuerySet[Availability] | None:
    """The creator's away windows that overlap the program (correlated on the creator)."""
    window = program_window(program)
    if window is None:
        return None
    start, end = window
    return Availability.objects.filter(
        profile=OuterRef("pk"), away_from__lte=end, away_to__gte=start
    )


def enrollment_in(program: Program) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(program_id=program.pk, creator=OuterRef("pk"))


def program_handles(program: Program) -> QuerySet[SocialHandle]:
    """The creator's handles that count for the program: on its platforms (all when it names
    none); correlated on the creator."""
    handles = SocialHandle.objects.filter(profile=OuterRef("pk"))
    if program.platforms:
        handles = handles.filter(platform__in=list(program.platforms))
    return handles


def in_brief(program: Program, *, join_handles: bool = False) -> QuerySet[CreatorProfile]:
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
        creators = creators.filter(Exists(program_handles(program)))
    return creators


def narrowed(
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


def matched_categories(program: Program) -> Any:
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


def audience_range(program: Program, prefix: str = "") -> Q:
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


def attainment() -> OwnColumns:
    """Milestones reached per completed program; NULL when none completed."""
    return OwnColumns(
        Cast("milestones_reached", FloatField())
        / NullIf(Cast("programs_completed", FloatField()), Value(0.0)),
        output_field=FloatField(),
    )


def handle_reasons(program: Program) -> dict[str, Any]:
    """Aggregates over the creator's joined handles (on the program's platforms, or all)."""
    in_range = audience_range(program, prefix="handles__")
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


def fit_handles(program: Program) -> ArraySubquery:
    """The handles that count for the program, as dicts; not a sort key, so PostgreSQL builds
    them after the LIMIT, for the returned rows only."""
    return ArraySubquery(
        program_handles(program)
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


def score() -> ExpressionWrapper:
    """The sum described in the module docstring, from the annotations of
    ``selectors.candidates``."""
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
        F("tier_rank") * TIER_POINTS,
    ]
    return ExpressionWrapper(functools.reduce(operator.add, parts), output_field=FloatField())
