"""The portal's wall: a creator sees only their own profiles' orgs, and within them only what
the selectors give for their own user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from influencer_ops.tenancy import activate_orgs

from .models import CreatorProfile


def activate_creator_scope(request: HttpRequest | Any) -> list[CreatorProfile]:
    """Narrow the request's RLS scope to the orgs where the user has a creator profile."""
    user: Any = request.user
    if not user.is_authenticated or not getattr(user, "is_creator", False):
        raise PermissionDenied("The portal is for creators.")
    profiles = list(CreatorProfile.objects.filter(user=user).select_related("organization"))
    activate_orgs([p.organization_id for p in profiles], user_id=user.pk)
    return profiles
