"""Reads of creators' exclusions: their own (portal), one creator's (the desk's creator page),
and which exclusions a program hits (matching and invitations)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, StrIndex

from influencers.models import CreatorExclusion, CreatorProfile, CreatorValues, ExclusionKind

_NOT_WORD = re.compile(r"[\W_]+")


def match_key(text: str) -> str:
    """Text as matching compares it: lower case, words separated by one space."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def own_exclusions(*, user: Any) -> QuerySet[CreatorExclusion]:
    return CreatorExclusion.objects.filter(user_id=user.pk).order_by("kind", "match_key")


def own_exclusion(*, user: Any, pk: int) -> CreatorExclusion | None:
    """One of the user's own exclusions; another creator's is None (the views answer 404)."""
    return own_exclusions(user=user).filter(pk=pk).first()


def own_values(*, user: Any) -> CreatorValues | None:
    return CreatorValues.objects.filter(user_id=user.pk).first()


def creator_exclusions(*, profile: CreatorProfile) -> list[CreatorExclusion]:
    """What the creator of an org's profile won't promote (none without a linked login)."""
    if profile.user_id is None:
        return []
    return list(
        CreatorExclusion.objects.filter(user_id=profile.user_id).order_by("kind", "match_key")
    )


def creator_values_statement(*, profile: CreatorProfile) -> str:
    if profile.user_id is None:
        return ""
    values = CreatorValues.objects.filter(user_id=profile.user_id).first()
    return values.statement if values else ""


def _hit_filter(categories: list[str]) -> Q:
    # Over ``word_at``: where the exclusion's words start in the program's words (0: absent).
    hits = Q(
        kind__in=[ExclusionKind.BRAND, ExclusionKind.PRODUCT, ExclusionKind.TOPIC],
        word_at__gt=0,
    )
    if categories:
        hits |= Q(kind=ExclusionKind.CATEGORY, value__in=categories)
    return hits


def hitting(*, categories: Iterable[str], text: str) -> QuerySet[CreatorExclusion]:
    """Every exclusion a program hits, across creators: a category it names, or a brand,
    product or topic whose words appear as whole words in ``text`` (the program's name, brand
    and brief). Filter it by user (``user_id__in`` or ``OuterRef``)."""
    padded = f" {match_key(text)} "
    return CreatorExclusion.objects.annotate(
        word_at=StrIndex(Value(padded), Concat(Value(" "), "match_key", Value(" ")))
    ).filter(_hit_filter(list(categories)))


def conflicts_for(
    *, user_ids: Iterable[int], categories: Iterable[str], text: str
) -> dict[int, list[CreatorExclusion]]:
    """The exclusions a program hits, by creator login, in one query."""
    ids = [uid for uid in user_ids if uid is not None]
    found: dict[int, list[CreatorExclusion]] = {}
    if not ids:
        return found
    rows = hitting(categories=categories, text=text).filter(user_id__in=ids)
    for exclusion in rows.order_by("kind", "match_key"):
        found.setdefault(exclusion.user_id, []).append(exclusion)
    return found


def conflict_payload(exclusions: Iterable[CreatorExclusion]) -> list[dict[str, str]]:
    """What an invitation records of the conflicts: kind, value and label."""
    return [{"kind": e.kind, "value": e.value, "label": e.label} for e in exclusions]
