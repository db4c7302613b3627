"""Reads for the organizations app. Always given the organization (or the signed-in user)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from influencer_ops.calendar import org_zone
from influencer_ops.history import group_verbs
from influencer_ops.models import AuditEvent
from organizations.models import Brand, Membership, Organization, StaffInvitation
from organizations.roles import Role


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


def admin_users(*, organization_id: int) -> list[Any]:
    """The org's admins (users): whom org-wide notices go to (escalations, failing webhooks,
    figures that do not add up, an erased creator)."""
    members = Membership.objects.filter(organization_id=organization_id, role=Role.ADMIN)
    return [m.user for m in members.select_related("user")]


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


SYSTEM_ACTOR = "system"


@dataclass(frozen=True)
class AuditFilters:
    """Who (a user id, or ``SYSTEM_ACTOR`` for what no person did), what (a verb group of
    ``influencer_ops.history``) and when (calendar days in the org's time zone, both included)."""

    who: str = ""
    what: str = ""
    since: date | None = None
    until: date | None = None


def _org_midnight(organization: Organization, day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=org_zone(organization))


def audit_events(*, organization: Organization, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The org's audit trail, newest first, narrowed by ``filters``; the actor is loaded."""
    events = audit_event_list(organization=organization).select_related("actor")
    if filters.who == SYSTEM_ACTOR:
        events = events.filter(actor__isnull=True)
    elif filters.who:
        events = events.filter(actor_id=int(filters.who))
    if filters.what:
        events = events.filter(verb__in=group_verbs(filters.what))
    if filters.since is not None:
        events = events.filter(at__gte=_org_midnight(organization, filters.since))
    if filters.until is not None:
        next_day = filters.until + timedelta(days=1)
        events = events.filter(at__lt=_org_midnight(organization, next_day))
    return events
