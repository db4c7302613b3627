"""Candidate matching: which of the org's creators fit a program's brief, best first.

The database does the work, in one query per list; Python only words the reasons of the rows
it gets back.

Hard filters (a creator who fails one is not a candidate):

* same organization as the program;
* not enrolled in the program in any state (NOT EXISTS on Enrollment);
* shares at least one category with the program, when the program names categories;
* has a handle on at least one of the program's platforms, when the program names platforms;
* not away during the program: no Availability window overlaps [launch_on, end_on], when the
  program has both dates (as the invitation service checks);
* none of the creator's exclusions hits the program (``exclusions``): a category it names, or a
  brand, product or topic in its name, brand or brief.

The score (``match_score``; higher is a better fit) is described in ``scoring``. Ties go to the
larger audience on a program platform, then the name. Creators who fit the categories and
platforms but are away, excluded by their own exclusions or already enrolled are listed by
``excluded`` with the reason; the
words of both lists are in ``reasons``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONObject

from influencers.models import Availability, CreatorProfile
from programs.growth.tiers import org_tier_rank
from programs.matching.exclusions import exclusion_reason, hits_array, hits_of_creator, hitting
from programs.matching.reasons import (
    audience_range_label,
    away_reason,
    candidate_reasons,
    enrollment_reason,
)
from programs.matching.scoring import (
    OwnColumns,
    attainment,
    away_during,
    enrollment_in,
    fit_handles,
    handle_reasons,
    in_brief,
    matched_categories,
    narrowed,
    program_window,
    score,
)
from programs.models import Enrollment, Program, TermsVersion

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "Excluded",
    "Filters",
    "audience_range_label",
    "away_reason",
    "candidate_reasons",
    "candidates",
    "clamp_limit",
    "excluded",
    "program_window",
]

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


def clamp_limit(limit: int | None) -> int:
    return max(1, min(int(limit or DEFAULT_LIMIT), MAX_LIMIT))


def candidates(
    *,
    program: Program,
    search: str = "",
    category: str = "",
    platform: str = "",
    limit: int = DEFAULT_LIMIT,
) -> QuerySet[CreatorProfile]:
    """The program's best ``limit`` candidates, ranked by ``match_score`` (see ``scoring``).

    One query (after ``growth.tiers.org_tier_rank``'s, which finds the returning creators):
    the creators joined to their handles on the program's platforms (the join is also the
    platform filter) and grouped by creator. Each row carries its reasons:
    ``matched_categories`` and ``category_matches``, ``platform_matches`` and ``fit_handles``
    (dicts), ``audience_fit``, ``best_audience``, ``best_engagement`` (percent) and
    ``attainment`` (None for newcomers).
    """
    creators = in_brief(program, join_handles=True).filter(
        ~Exists(enrollment_in(program)), ~Exists(hits_of_creator(program))
    )
    away = away_during(program)
    if away is not None:
        creators = creators.filter(~Exists(away))
    creators = narrowed(creators, search=search, category=category, platform=platform)
    matched = matched_categories(program)
    creators = creators.annotate(
        matched_categories=OwnColumns(matched, output_field=ArrayField(models.CharField())),
        category_matches=OwnColumns(
            models.Func(matched, function="cardinality"), output_field=models.IntegerField()
        ),
        attainment=attainment(),
        tier_rank=org_tier_rank(program.organization_id),
        **handle_reasons(program),
    )
    creators = creators.annotate(match_score=score(), fit_handles=fit_handles(program))
    ranked = creators.only(*LISTED_FIELDS).order_by(
        "-match_score", "-best_audience", "display_name", "pk"
    )
    return ranked[: clamp_limit(limit)]


@dataclass
class Excluded:
    """A creator who fits the brief but is left out, and why."""

    creator: CreatorProfile
    reasons: list[str] = field(default_factory=list)
    away: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    enrollment_state: str | None = None
    # The creator's exclusions the program hits: [{"kind": …, "value": …}].
    exclusion_hits: list[dict[str, str]] = field(default_factory=list)

    @property
    def can_override(self) -> bool:
        """Away or excluded, not in the program: an ISM may still invite, giving a reason."""
        return bool(self.away or self.exclusion_hits) and self.enrollment_state is None


def excluded(
    *,
    program: Program,
    search: str = "",
    category: str = "",
    platform: str = "",
    limit: int = DEFAULT_LIMIT,
) -> list[Excluded]:
    """The org's creators who fit the categories and platforms but are away over the program
    dates, excluded by their own exclusions, or already enrolled in it (invited, declined, …),
    each with its reasons; by name."""
    enrolled = enrollment_in(program)
    away = away_during(program)
    creators = narrowed(in_brief(program), search=search, category=category, platform=platform)
    creators = creators.filter(pk__in=_left_out_ids(program))
    creators = creators.only(*LISTED_FIELDS).annotate(
        exclusion_hits=hits_array(program),
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
    """Ids of the creators enrolled in the program, excluded by their exclusions, or away over
    its dates. A small set: the query starts from it (an OR of EXISTS would test every creator
    of the org)."""
    enrolled = Enrollment.objects.filter(
        organization_id=program.organization_id, program_id=program.pk
    ).values("creator_id")
    excluding = CreatorProfile.objects.filter(
        organization_id=program.organization_id, user_id__in=hitting(program).values("user_id")
    ).values("id")
    window = program_window(program)
    if window is None:
        return enrolled.order_by().union(excluding.order_by())
    start, end = window
    away = Availability.objects.filter(
        organization_id=program.organization_id, away_from__lte=end, away_to__gte=start
    ).values("profile_id")
    return enrolled.order_by().union(excluding.order_by(), away.order_by())


def _excluded_row(creator: CreatorProfile) -> Excluded:
    windows = [
        (dt.date.fromisoformat(w["away_from"]), dt.date.fromisoformat(w["away_to"]))
        for w in getattr(creator, "away_windows", None) or []
    ]
    state: str | None = getattr(creator, "enrollment_state", None)
    hits = getattr(creator, "exclusion_hits", None) or []
    row = Excluded(creator=creator, away=windows, enrollment_state=state, exclusion_hits=hits)
    if state is not None:
        row.reasons.append(enrollment_reason(state, getattr(creator, "enrollment_ended_at", None)))
    if hits:
        row.reasons.append(exclusion_reason(hits))
    row.reasons.extend(away_reason(start, end) for start, end in windows)
    return row
