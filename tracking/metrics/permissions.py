"""Who may do what with metrics. Write: org admins and BSMs (every brand), brand managers (the
brands they cover). Read: everyone who may see reports, brand-scoped roles only their brands."""

from __future__ import annotations

from organizations import permissions
from organizations.models import Membership
from organizations.roles import BRAND_SCOPED_ROLES


def can_write_metrics(membership: Membership | None) -> bool:
    return bool(
        permissions.can_work_postlaunch(membership) or permissions.can_manage_programs(membership)
    )


def can_read_metrics(membership: Membership | None) -> bool:
    return bool(permissions.can_view_reports(membership))


def covered_brand_ids(membership: Membership) -> list[int] | None:
    """The brands a brand-scoped member covers; None for org-wide roles."""
    if membership.role not in BRAND_SCOPED_ROLES:
        return None
    return [brand.pk for brand in membership.brands.all()]
