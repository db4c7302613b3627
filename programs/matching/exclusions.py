"""What creators won't promote, as matching and invitations meet it: the exclusions a program
hits (its categories, or its name, brand and brief words) and how they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject
from django.utils.translation import gettext

from influencer_ops.choices import Category
from influencers.models import CreatorExclusion, ExclusionKind
from influencers.values import selectors as values
from programs.models import Program


def program_words(program: Program) -> str:
    """The program's words an exclusion can hit: its name, brand and brief."""
    parts = [
        program.name,
        program.brand.name,
        program.goals,
        program.guidelines,
        program.audience_demographics,
        *program.audience_interests,
    ]
    return "\n".join(part for part in parts if part)


def hitting(program: Program) -> QuerySet[CreatorExclusion]:
    """Every exclusion the program hits, across the creators the scope can read."""
    return values.hitting(categories=program.categories, text=program_words(program))


def hits_of_creator(program: Program) -> QuerySet[CreatorExclusion]:
    """The exclusions of the creator (correlated on the profile's login) the program hits."""
    return hitting(program).filter(user_id=OuterRef("user_id"))


def hits_array(program: Program) -> ArraySubquery:
    """The hits of the creator as ``[{"kind": …, "value": …}]``, for the left-out list."""
    return ArraySubquery(
        hits_of_creator(program)
        .order_by("kind", "match_key")
        .values(json=JSONObject(kind="kind", value="value"))
    )


def conflicts_for(*, program: Program, creators: Iterable[Any]) -> dict[int, list[dict[str, str]]]:
    """The program's conflicts with each creator's exclusions, by profile id (one query)."""
    chosen = list(creators)
    by_user = values.conflicts_for(
        user_ids=[c.user_id for c in chosen],
        categories=program.categories,
        text=program_words(program),
    )
    return {
        c.pk: values.conflict_payload(by_user[c.user_id])
        for c in chosen
        if c.user_id is not None and c.user_id in by_user
    }


def hit_label(hit: Mapping[str, str]) -> str:
    if hit.get("kind") == ExclusionKind.CATEGORY and hit.get("value") in Category.values:
        return str(Category(hit["value"]).label)
    return str(hit.get("value", ""))


def exclusion_reason(hits: Iterable[Mapping[str, str]]) -> str:
    """ "excludes alcohol", "excludes Food, Acme"."""
    return gettext("excludes %(what)s") % {"what": ", ".join(hit_label(h) for h in hits)}
