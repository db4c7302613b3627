"""Reads of the case pages and API: the team's cases (of the brands the member covers), the
creator's own, and the actions each may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from organizations.models import Membership, Organization
from organizations.roles import Role
from programs.models import CaseAction, ComplianceCase
from programs.selectors import brands_visible_to

# Roles that read every brand's cases (``covers_brand``); brand staff read their brands' only.
ORG_WIDE_ROLES = (Role.ADMIN, Role.ISM, Role.BSM)


def cases_visible_to(
    *, organization: Organization, membership: Membership, state: str | None = None
) -> QuerySet[ComplianceCase]:
    """Cases about programs of brands the member covers (org-wide roles: all)."""
    cases = ComplianceCase.objects.filter(organization=organization).select_related(
        "enrollment__program__brand", "enrollment__creator", "opened_by"
    )
    if membership.role not in ORG_WIDE_ROLES:
        brands = brands_visible_to(organization=organization, membership=membership)
        cases = cases.filter(enrollment__program__brand__in=[b.pk for b in brands])
    if state:
        cases = cases.filter(state=state)
    return cases.order_by("-created_at", "-id")


def case_actions(*, for_creator: bool) -> Prefetch:
    """The actions to show, as a prefetch into ``shown_actions``; a creator never sees notes."""
    actions = CaseAction.objects.select_related("actor", "terms_version").order_by(
        "created_at", "id"
    )
    if for_creator:
        actions = actions.filter(visible_to_creator=True).filter(~Q(kind=CaseAction.Kind.NOTE))
    return Prefetch("actions", queryset=actions, to_attr="shown_actions")


def cases_for_creator(*, user: Any) -> QuerySet[ComplianceCase]:
    """The signed-in creator's cases across the orgs they work with (call in creator scope)."""
    return (
        ComplianceCase.objects.filter(enrollment__creator__user=user)
        .select_related("organization", "enrollment__program__brand", "enrollment__amount_owed")
        .order_by("-created_at", "-id")
    )
