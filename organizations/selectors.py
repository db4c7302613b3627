"""Reads for the organizations app. Always given the organization (or the signed-in user)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from influencer_ops.models import AuditEvent
from organizations.models import Brand, Membership, Organization, StaffInvitation


def organization_by_slug(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first()


def membership_for(*, user: Any, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    # Brands are loaded by resolve_membership once the org's RLS scope is on: before that,
    # the membership is visible (its own-user clause) but its brand links are not.
    return (
        Membership.objects.select_related("organization", "user")
        .filter(organization=organization, user=user)
        .first()
    )


def memberships_of_user(*, user: Any) -> QuerySet[Membership]:
    """The user's own memberships across orgs (visible through the user_id RLS clause)."""
    return (
        Membership.objects.select_related("organization")
        .filter(user=user)
        .order_by("organization__name")
    )


def member_list(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related(Prefetch("brands", queryset=Brand.objects.order_by("name")))
        .order_by("user__email")
    )


def brand_list(*, organization: Organization) -> QuerySet[Brand]:
    return Brand.objects.filter(organization=organization).order_by("name")


def invitation_list(*, organization: Organization) -> QuerySet[StaffInvitation]:
    return (
        StaffInvitation.objects.filter(organization=organization)
        .select_related("invited_by")
        .prefetch_related(Prefetch("brands", queryset=Brand.objects.order_by("name")))
        .order_by("-created_at")
    )


def audit_event_list(*, organization: Organization) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(organization=organization).order_by("-at", "-id")
