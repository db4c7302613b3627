"""Reads of the deadline pages and API: always given the organization, or the portal user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from organizations.models import Organization
from programs.deadlines.services.common import EXTENDABLE_STATES
from programs.models import Deliverable, Extension, ExtensionState, Program
from programs.states import EnrollmentState


def creator_deliverable(*, user: Any, pk: int) -> Deliverable | None:
    """One of the signed-in creator's own deliverables; None when missing or someone else's."""
    return (
        Deliverable.objects.select_related(
            "program__brand", "program__assigned_bsm", "enrollment", "organization"
        )
        .filter(pk=pk, enrollment__creator__user=user)
        .first()
    )


def extensions() -> QuerySet[Extension]:
    """Extensions with what their rows show: the deliverable's program and creator."""
    return Extension.objects.select_related(
        "deliverable__program", "deliverable__enrollment__creator"
    )


def extension_history(*, deliverable: Deliverable) -> QuerySet[Extension]:
    """Every extension asked for ``deliverable``, oldest first, with who decided it."""
    return Extension.objects.filter(deliverable=deliverable).select_related("decided_by")


def pending_extensions(*, organization: Organization) -> QuerySet[Extension]:
    """The org's extensions waiting for a decision, oldest first."""
    return (
        Extension.objects.filter(organization=organization, state=ExtensionState.PENDING)
        .select_related("deliverable__program", "deliverable__enrollment__creator", "requested_by")
        .order_by("created_at", "id")
    )


def recent_decisions(*, organization: Organization, limit: int = 20) -> QuerySet[Extension]:
    """The org's latest decided extensions, newest first."""
    return (
        Extension.objects.filter(organization=organization)
        .exclude(state=ExtensionState.PENDING)
        .select_related("deliverable__program", "deliverable__enrollment__creator", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def open_deliverables(*, organization: Organization, program: Program) -> list[Deliverable]:
    """The program's deliverables whose due date may still move (active enrollments only)."""
    return list(
        Deliverable.objects.filter(
            organization=organization,
            program=program,
            state__in=EXTENDABLE_STATES,
            enrollment__state=EnrollmentState.ACTIVE,
        )
        .select_related("enrollment__creator")
        .order_by("due_on", "enrollment__creator__display_name", "id")
    )
