"""The tabs of a program's pages: which ones a member sees, and where each one leads.

Every program sub-page shows the same tab bar (``{% program_tabs program "key" %}``); a tab is
shown only to a role whose capability lets it open the page behind it, so no tab leads to a 403.
Brand-scoped roles reach a program only when they cover its brand, so the brand checks here are
the pages' own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from organizations import permissions
from organizations.models import Membership
from programs.models import Program

Allowed = Callable[[Membership, Program], bool]


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url: str


def _everyone(membership: Membership, program: Program) -> bool:
    return permissions.covers_brand(membership, program.brand)


def _content(membership: Membership, program: Program) -> bool:
    return bool(permissions.can_use_desk(membership)) or permissions.can_approve_content(
        membership, program.brand
    )


def _due_dates(membership: Membership, program: Program) -> bool:
    return bool(permissions.can_use_desk(membership)) or permissions.can_manage_programs(
        membership, program.brand
    )


def _role(predicate: Callable[[Membership], bool]) -> Allowed:
    return lambda membership, program: bool(predicate(membership))


# (key, label, URL name, who sees it); the URL names all take (org_slug, pk).
TABS: tuple[tuple[str, str, str, Allowed], ...] = (
    ("overview", "Overview", "program_detail", _everyone),
    ("roster", "Recruiting roster", "desk_program_roster", _role(permissions.can_work_prelaunch)),
    ("content", "Content", "program_content", _content),
    ("due_dates", "Due dates", "program_due_dates", _due_dates),
    ("performance", "Performance", "program_report", _role(permissions.can_view_reports)),
    ("payouts", "Payouts", "program_payouts", _role(permissions.can_view_payouts)),
    ("tasks", "Tasks", "program_tasks", _role(permissions.can_use_desk)),
    ("history", "History", "program_history", _everyone),
    ("calendar", "Calendar", "program_calendar", _everyone),
)
TAB_KEYS = frozenset(key for key, *_ in TABS)


def program_tabs(*, membership: Membership | None, program: Program) -> list[Tab]:
    """The tabs ``membership`` may open for ``program``, in their fixed order."""
    if membership is None:
        return []
    kwargs = {"org_slug": membership.organization.slug, "pk": program.pk}
    return [
        Tab(key, label, reverse(name, kwargs=kwargs))
        for key, label, name, allowed in TABS
        if allowed(membership, program)
    ]


def may_open_tab(membership: Membership, program: Program, key: str) -> bool:
    return any(k == key and allowed(membership, program) for k, _, _, allowed in TABS)
