"""Reads about creators. Desk reads are given the organization; portal reads the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from influencers.models import (
    Availability,
    CreatorLink,
    CreatorProfile,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)


def _handles() -> Prefetch[Any]:
    return Prefetch("handles", queryset=SocialHandle.objects.order_by("platform"))


def creator_list(
    *, organization: Any, search: str = "", category: str = "", platform: str = ""
) -> QuerySet[CreatorProfile]:
    """The org's creators with their handles (one extra query), searched by name, e-mail or
    handle, filtered by category and platform."""
    creators = CreatorProfile.objects.filter(organization=organization).prefetch_related(_handles())
    creators = creators_filtered(creators, search=search, category=category, platform=platform)
    return creators.order_by("display_name", "id")


def creators_filtered(
    creators: QuerySet[CreatorProfile], *, search: str = "", category: str = "", platform: str = ""
) -> QuerySet[CreatorProfile]:
    """``creators`` whose name, e-mail or handle contains ``search``, in ``category``, with a
    handle on ``platform`` (each only when given)."""
    search = search.strip()
    if search:
        handle_match = SocialHandle.objects.filter(
            profile=OuterRef("pk"), handle__icontains=search.lstrip("@")
        )
        creators = creators.filter(
            Q(display_name__icontains=search) | Q(email__icontains=search) | Exists(handle_match)
        )
    if category:
        creators = creators.filter(categories__contains=[category])
    if platform:
        creators = creators.filter(
            Exists(SocialHandle.objects.filter(profile=OuterRef("pk"), platform=platform))
        )
    return creators


def creator_detail(*, organization: Any) -> QuerySet[CreatorProfile]:
    """For one creator's page: handles, away windows, interests and milestone history."""
    return (
        CreatorProfile.objects.filter(organization=organization)
        .select_related("organization", "user", "assigned_ism")
        .prefetch_related(
            _handles(),
            Prefetch("availability", queryset=Availability.objects.order_by("away_from")),
            Prefetch("interests", queryset=ProgramInterest.objects.order_by("category")),
            Prefetch(
                "milestone_changes",
                queryset=MilestoneChange.objects.select_related("actor").order_by("-at", "-id"),
            ),
        )
    )


def creator_latest_link(*, profile: CreatorProfile) -> CreatorLink | None:
    return profile.links.select_related("invited_by").order_by("-created_at", "-id").first()


def creator_link_state(link: CreatorLink) -> str:
    """pending, accepted or expired."""
    if link.accepted_at is not None:
        return "accepted"
    if link.expires_at <= timezone.now():
        return "expired"
    return "pending"


def availability_of(*, profile: CreatorProfile) -> QuerySet[Availability]:
    return Availability.objects.filter(organization_id=profile.organization_id, profile=profile)


def interests_of(*, profile: CreatorProfile) -> QuerySet[ProgramInterest]:
    return ProgramInterest.objects.filter(organization_id=profile.organization_id, profile=profile)


# --- the creator's own side (portal): always filtered by the signed-in user ---


def own_profiles(*, user: Any) -> QuerySet[CreatorProfile]:
    """The user's own profiles, one per org, with what the portal shows."""
    return (
        CreatorProfile.objects.filter(user=user)
        .select_related("organization")
        .prefetch_related(
            _handles(),
            Prefetch("availability", queryset=Availability.objects.order_by("away_from")),
            Prefetch("interests", queryset=ProgramInterest.objects.order_by("category")),
        )
        .order_by("organization__name", "id")
    )


def own_profile(*, user: Any, org_slug: str) -> CreatorProfile | None:
    return own_profiles(user=user).filter(organization__slug=org_slug).first()


def own_availability(*, user: Any, pk: int) -> Availability | None:
    return (
        Availability.objects.select_related("profile__organization")
        .filter(pk=pk, profile__user=user)
        .first()
    )


def own_interest(*, user: Any, pk: int) -> ProgramInterest | None:
    return (
        ProgramInterest.objects.select_related("profile__organization")
        .filter(pk=pk, profile__user=user)
        .first()
    )
