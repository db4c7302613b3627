"""Role-aware navigation for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from messaging.selectors import notification_unread_count
from organizations import permissions
from organizations.selectors import memberships_of_user


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    context: dict[str, Any] = {
        # Lazy: evaluated only when the template shows the org switcher.
        "my_memberships": SimpleLazyObject(lambda: list(memberships_of_user(user=user))),
        # Lazy: one COUNT only when a page renders the bell.
        "unread_notifications": SimpleLazyObject(lambda: notification_unread_count(user=user)),
    }
    membership = getattr(request, "membership", None)
    if membership is not None:
        context["organization"] = membership.organization
        context["membership"] = membership
        context["nav"] = {
            "desk": permissions.can_use_desk(membership),
            "approvals": permissions.can_approve_content(membership),
            "members": permissions.can_view_members(membership),
            "settings": permissions.can_manage_settings(membership),
            "audit": permissions.can_view_audit(membership),
            "reports": permissions.can_view_reports(membership),
            "payments": permissions.can_view_payouts(membership),
        }
    return context


def clock(request: HttpRequest) -> dict[str, Any]:
    """One clock for templates (overdue highlighting)."""

    return {"now": timezone.now()}
