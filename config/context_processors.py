"""Role-aware navigation for the base layout: the sidebar's groups, the org switcher, the bell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from messaging.selectors import notification_unread_count
from organizations import permissions
from organizations.models import Membership
from organizations.selectors import memberships_of_user


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str
    items: list[NavItem]


# (group key, group label, [(label, url name, flag or None for everyone, url-name prefixes)]):
# the sidebar's areas, each item shown when its ``nav`` flag is on for the member's role.
_Entry = tuple[str, str, str | None, tuple[str, ...]]
SIDEBAR: tuple[tuple[str, str, tuple[_Entry, ...]], ...] = (
    (
        "work",
        N_("Work"),
        (
            (N_("Home"), "org_home", None, ("org_home",)),
            (N_("Desk"), "org_desk", "desk", ("org_desk", "desk_")),
            (N_("Approvals"), "approvals_inbox", "approvals", ("approvals_inbox",)),
            (
                N_("Programs"),
                "program_list",
                None,
                ("program", "enrollment_", "content_", "desk_program_", "desk_enrollment"),
            ),
            (N_("Creators"), "creator_list", "desk", ("creator_",)),
            (N_("Cases"), "case_list", None, ("case_",)),
        ),
    ),
    (
        "money",
        N_("Money"),
        ((N_("Payments"), "payout_list", "payments", ("payment_", "payout_", "tax_form_")),),
    ),
    (
        "insight",
        N_("Insight"),
        ((N_("Reports"), "org_overview", "reports", ("org_overview", "metrics_")),),
    ),
    (
        "organization",
        N_("Organization"),
        (
            (
                N_("Members"),
                "org_members",
                "members",
                ("org_members", "org_member_", "org_invitation_"),
            ),
            (N_("Brands"), "org_brands", None, ("org_brand",)),
            (N_("Settings"), "org_settings", "settings", ("org_settings",)),
            (N_("Audit trail"), "org_audit", "audit", ("org_audit",)),
            (N_("Webhooks"), "webhook_list", "webhooks", ("webhook_",)),
            (N_("Orders"), "commerce_settings", "settings", ("commerce_", "orders_import")),
            (N_("API tokens"), "org_api_tokens", "api_tokens", ("org_api_tokens",)),
        ),
    ),
)


def nav_flags(membership: Membership) -> dict[str, bool]:
    return {
        "desk": permissions.can_use_desk(membership),
        "approvals": permissions.can_approve_content(membership),
        "members": permissions.can_view_members(membership),
        "settings": permissions.can_manage_settings(membership),
        "audit": permissions.can_view_audit(membership),
        "reports": permissions.can_view_reports(membership),
        "payments": permissions.can_view_payouts(membership),
        "webhooks": permissions.can_manage_webhooks(membership),
        "api_tokens": permissions.is_admin(membership),
    }


def sidebar_groups(membership: Membership, url_name: str) -> list[NavGroup]:
    """The groups (and items) this member's role sees; empty groups are left out."""
    flags = nav_flags(membership)
    slug = membership.organization.slug
    current = _current_entry(url_name)
    groups = []
    for key, label, entries in SIDEBAR:
        items = [
            NavItem(gettext(name), reverse(url, kwargs={"org_slug": slug}), url == current)
            for name, url, flag, _prefixes in entries
            if flag is None or flags[flag]
        ]
        if items:
            groups.append(NavGroup(key, gettext(label), items))
    return groups


def _current_entry(url_name: str) -> str:
    """The sidebar entry a page belongs to: the longest matching url-name prefix wins."""
    best, length = "", 0
    for _key, _label, entries in SIDEBAR:
        for _name, url, _flag, prefixes in entries:
            for prefix in prefixes:
                if url_name.startswith(prefix) and len(prefix) > length:
                    best, length = url, len(prefix)
    return best


def _fallback_membership(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """Pages without an org in the URL (notifications, security) keep the navigation of the
    org the user last worked in, else of their first membership."""
    if not memberships:
        return None
    current = request.session.get("current_org") if hasattr(request, "session") else None
    return next((m for m in memberships if m.organization.slug == current), memberships[0])


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def memberships() -> list[Membership]:
        return list(memberships_of_user(user=user))

    mine = SimpleLazyObject(memberships)
    context: dict[str, Any] = {
        # Lazy: evaluated only when the template shows the org switcher.
        "my_memberships": mine,
        # Lazy: one COUNT only when a page renders the bell.
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user)),
    }
    match = getattr(request, "resolver_match", None)
    url_name = (match.url_name or "") if match is not None else ""
    membership = getattr(request, "membership", None)
    if membership is not None:
        context["organization"] = membership.organization
        context["membership"] = membership
        context["nav"] = nav_flags(membership)
        context["nav_org"] = membership.organization
        context["sidebar"] = sidebar_groups(membership, url_name)
    else:

        def fallback() -> list[NavGroup]:
            chosen = _fallback_membership(request, list(mine))
            return sidebar_groups(chosen, url_name) if chosen is not None else []

        context["sidebar"] = SimpleLazyObject(fallback)
    return context


def clock(request: HttpRequest) -> dict[str, Any]:
    """One clock for templates (overdue highlighting)."""

    return {"now": timezone.now()}
