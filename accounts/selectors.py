from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.mfa.models import Authenticator

from influencers.models import CreatorProfile
from organizations.models import Membership


def user_has_totp(*, user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def viewer_time_zone(*, user: Any, org_slug: str | None = None) -> str:
    """The zone the user reads times in: their own preference; else the org they are looking at
    (``org_slug``, only if they belong to it); else, for a creator, their first org's; else
    their first membership's; else UTC. Needs only the user's own RLS clause (no org scope)."""
    if user.time_zone and known_time_zone(user.time_zone):
        return str(user.time_zone)
    zone: str | None = None
    memberships = Membership.objects.filter(user=user).order_by("pk")
    if org_slug:
        zone = (
            memberships.filter(organization__slug=org_slug)
            .values_list("organization__time_zone", flat=True)
            .first()
        )
    if not zone and getattr(user, "is_creator", False):
        zone = (
            CreatorProfile.objects.filter(user=user)
            .order_by("pk")
            .values_list("organization__time_zone", flat=True)
            .first()
        )
    if not zone:
        zone = memberships.values_list("organization__time_zone", flat=True).first()
    return zone if zone and known_time_zone(zone) else "UTC"
