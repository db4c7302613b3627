"""Who may do what, as named predicates on a membership. Pages and the API use these alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from organizations.roles import MFA_ROLES, Role

if TYPE_CHECKING:
    from organizations.models import Brand, Membership


def _role_in(*roles: Role) -> rules.Predicate:
    allowed = frozenset(roles)

    @rules.predicate
    def check(membership: Membership | None) -> bool:
        return membership is not None and membership.role in allowed

    return check


is_admin = _role_in(Role.ADMIN)
can_manage_members = is_admin
can_manage_brands = is_admin
can_manage_settings = is_admin
can_view_audit = is_admin
can_view_members = _role_in(Role.ADMIN, Role.ISM, Role.BSM)
can_use_desk = _role_in(Role.ADMIN, Role.ISM, Role.BSM)
can_work_prelaunch = _role_in(Role.ADMIN, Role.ISM)
can_work_postlaunch = _role_in(Role.ADMIN, Role.BSM)
# Terms change before launch (the ISM) and after it (the BSM, e.g. performance-based pay for an
# underperformer); the creator accepts every amendment.
can_amend_terms = _role_in(Role.ADMIN, Role.ISM, Role.BSM)
can_view_reports = _role_in(Role.ADMIN, Role.ISM, Role.BSM, Role.BRAND_MANAGER, Role.ANALYST)
# Payouts are org-wide money: the org-wide roles read them, admins and BSMs act on them, and
# only admins start, approve or confirm payment runs and set the schedule.
can_view_payouts = _role_in(Role.ADMIN, Role.ISM, Role.BSM)
can_manage_payouts = _role_in(Role.ADMIN, Role.BSM)
can_run_payments = is_admin
# Webhook endpoints send the org's events to another system: admins only.
can_manage_webhooks = is_admin


def covers_brand(membership: Membership | None, brand: Brand) -> bool:
    """Org-wide roles cover every brand; brand-scoped roles only the brands they name."""
    if membership is None:
        return False
    if membership.role in (Role.ADMIN, Role.ISM, Role.BSM):
        return True
    return any(b.pk == brand.pk for b in membership.brands.all())


def can_manage_programs(membership: Membership | None, brand: Brand | None = None) -> bool:
    if not _role_in(Role.ADMIN, Role.BRAND_MANAGER)(membership):
        return False
    return brand is None or covers_brand(membership, brand)


def can_approve_content(membership: Membership | None, brand: Brand | None = None) -> bool:
    if not _role_in(Role.ADMIN, Role.BRAND_MANAGER, Role.APPROVER)(membership):
        return False
    return brand is None or covers_brand(membership, brand)


def requires_mfa(membership: Membership) -> bool:
    return membership.role in MFA_ROLES and membership.organization.mfa_required
