"""Recruiting reads: enrollments for the team (by org) and for the creator (by their user)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from organizations.models import Organization
from programs.models import Enrollment, Program, TermsVersion
from programs.states import EnrollmentState


def with_terms(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """What an enrollment row shows: its program, creator and every terms version."""
    return enrollments.select_related("program", "creator").prefetch_related("terms_versions")


def org_enrollments(
    *, organization: Organization, program_id: int | None = None, state: str | None = None
) -> QuerySet[Enrollment]:
    rows = with_terms(Enrollment.objects.filter(organization=organization))
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("program_id", "id")


def program_roster(*, organization: Organization, program: Program) -> list[Enrollment]:
    """Everyone in ``program``: the waitlist in its order, the others by name."""
    return list(
        Enrollment.objects.filter(organization=organization, program=program)
        .select_related("creator")
        .order_by("waitlist_position", "creator__display_name")
    )


def terms_versions(enrollment: Enrollment) -> list[TermsVersion]:
    """Every terms version of ``enrollment``, the latest first."""
    return list(
        TermsVersion.objects.filter(enrollment=enrollment)
        .order_by("-number")
        .select_related("created_by")
    )


def creator_invitations(*, user: Any) -> QuerySet[Enrollment]:
    """The creator's invitations and places across their orgs (not the waitlist: they have not
    been invited yet), newest first."""
    return with_terms(
        Enrollment.objects.filter(creator__user=user).exclude(state=EnrollmentState.WAITLISTED)
    ).order_by("-created_at", "-id")


def creator_enrollment(*, user: Any, pk: int) -> Enrollment | None:
    """One of the creator's own enrollments (None for a missing one or another creator's)."""
    return (
        Enrollment.objects.select_related("program__brand", "organization", "creator")
        .filter(pk=pk, creator__user=user)
        .first()
    )
