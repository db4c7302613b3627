"""Reads of the content pages and API: the creator's own deliverables, the brand's (of the brands
the member covers), every version of one, and a program's content status."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from organizations.models import Membership, Organization
from organizations.permissions import can_approve_content
from programs.models import (
    Deliverable,
    DeliverableState,
    MediaKind,
    Program,
    Review,
    Submission,
    SubmissionMedia,
)
from programs.selectors import brands_visible_to


def with_latest_version(deliverables: QuerySet[Deliverable]) -> QuerySet[Deliverable]:
    """Annotate each deliverable with its latest version number and disclosure result."""
    latest = Submission.objects.filter(deliverable=OuterRef("pk")).order_by("-version")
    return deliverables.annotate(
        latest_version=Subquery(latest.values("version")[:1]),
        latest_disclosure_passed=Subquery(latest.values("disclosure_passed")[:1]),
        latest_submitted_at=Subquery(latest.values("created_at")[:1]),
    )


def versions_of(*, deliverable: Deliverable) -> list[Submission]:
    """Every version, newest first, with its reviews (oldest first) and their reviewers."""
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    return list(
        Submission.objects.filter(
            organization_id=deliverable.organization_id, deliverable=deliverable
        )
        .prefetch_related(Prefetch("reviews", queryset=reviews), "media")
        .order_by("-version")
    )


def creator_deliverables(*, user: Any) -> QuerySet[Deliverable]:
    """The signed-in creator's deliverables across the orgs they work with."""
    return with_latest_version(
        Deliverable.objects.filter(enrollment__creator__user=user).select_related(
            "program__brand", "organization", "enrollment"
        )
    ).order_by("due_on", "pk")


def staff_deliverables(
    *, organization: Organization, membership: Membership
) -> QuerySet[Deliverable]:
    """The org's deliverables of the brands the member covers; others are not found."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    return with_latest_version(
        Deliverable.objects.filter(
            organization=organization, program__brand_id__in=brand_ids
        ).select_related("program__brand", "enrollment__creator", "organization")
    )


def program_content(*, program: Program) -> tuple[list[Deliverable], list[tuple[str, int]]]:
    """The program's deliverables by creator, and how many are in each state."""
    rows = list(
        with_latest_version(
            Deliverable.objects.filter(organization_id=program.organization_id, program=program)
        )
        .select_related("enrollment__creator")
        .order_by("enrollment__creator__display_name", "due_on", "pk")
    )
    counts = [
        (str(label), sum(1 for row in rows if row.state == value))
        for value, label in DeliverableState.choices
    ]
    return rows, counts


def with_versions(deliverables: QuerySet[Deliverable]) -> QuerySet[Deliverable]:
    """Prefetch every version, newest first, each with its reviews (oldest first)."""
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    return deliverables.prefetch_related(
        Prefetch(
            "submissions",
            queryset=Submission.objects.prefetch_related(
                Prefetch("reviews", queryset=reviews), "media"
            ).order_by("-version"),
        )
    )


def latest_version(*, deliverable: Deliverable) -> Submission | None:
    return Submission.objects.filter(deliverable=deliverable).order_by("-version").first()


def staff_submissions(
    *, organization: Organization, membership: Membership
) -> QuerySet[Submission]:
    """The org's submitted versions of the brands the member covers, with their reviews."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    reviews = Review.objects.select_related("reviewer").order_by("created_at", "id")
    return Submission.objects.filter(
        organization=organization, deliverable__program__brand_id__in=brand_ids
    ).prefetch_related(Prefetch("reviews", queryset=reviews), "media")


def awaiting_decision(
    *, organization: Organization, membership: Membership
) -> QuerySet[Deliverable]:
    """The approvals inbox: submitted deliverables of the brands ``membership`` may approve,
    the longest waiting (by their latest version) first."""
    brand_ids = [
        b.pk
        for b in brands_visible_to(organization=organization, membership=membership)
        if can_approve_content(membership, b)
    ]
    first_image = SubmissionMedia.objects.filter(
        submission__deliverable=OuterRef("pk"),
        submission__version=OuterRef("latest_version"),
        kind=MediaKind.IMAGE,
    ).order_by("position")
    return (
        with_latest_version(
            Deliverable.objects.filter(
                organization=organization,
                state=DeliverableState.SUBMITTED,
                program__brand_id__in=brand_ids,
            ).select_related("program__brand", "enrollment__creator")
        )
        .annotate(
            preview_media_id=Subquery(first_image.values("pk")[:1]),
            latest_submission_id=Subquery(
                Submission.objects.filter(deliverable=OuterRef("pk"))
                .order_by("-version")
                .values("pk")[:1]
            ),
        )
        .order_by("latest_submitted_at", "pk")
    )


def staff_media(*, organization: Organization, membership: Membership) -> QuerySet[SubmissionMedia]:
    """Uploaded files of the org's deliverables of the brands the member covers."""
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    return SubmissionMedia.objects.filter(
        organization=organization, submission__deliverable__program__brand_id__in=brand_ids
    )


def creator_media(*, user: Any) -> QuerySet[SubmissionMedia]:
    """Uploaded files of the signed-in creator's own deliverables."""
    return SubmissionMedia.objects.filter(submission__deliverable__enrollment__creator__user=user)
