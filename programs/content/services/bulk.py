"""Approve several waiting versions at once, from the approvals inbox or the API.

All or none, in one transaction: every chosen version is checked before anything is written,
then each goes through ``review_create`` (its review, deliverable move, audit event, closed
review task and the creator's notification, as for one decision). The rules:

- nothing chosen is a 400; more than ``BULK_APPROVE_MAX`` too;
- another org's version, a missing one or one of a brand the member does not see: 404 for the
  ids, nothing written;
- a version of a brand the member may not approve: 403;
- a version whose disclosure check failed needs an override reason, so its own review: 400,
  naming each one (``refusals``);
- a version that is no longer the latest of a submitted deliverable (decided meanwhile): the
  409 of ``review_create``, and the others are rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext, ngettext

from influencer_ops.errors import DomainError, Forbidden, NotFound
from organizations.models import Membership
from organizations.permissions import can_approve_content
from programs.content.services.reviews import review_create
from programs.models import Review, Submission
from programs.selectors import brands_visible_to

BULK_APPROVE_MAX = 100  # four inbox pages


class ApprovalsRefused(DomainError):
    """Some chosen versions need their own review: nothing was approved. ``refusals`` names
    each one and why."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__(
            ngettext(
                "Nothing was approved: %(count)d of the chosen versions needs its own review.",
                "Nothing was approved: %(count)d of the chosen versions need their own review.",
                len(refusals),
            )
            % {"count": len(refusals)}
        )
        self.refusals = refusals


def reviews_bulk_approve(
    *, membership: Membership, submission_ids: Sequence[int], comment: str = ""
) -> list[Review]:
    """Approve the versions ``submission_ids`` (see the module's rules); their reviews."""
    ids = sorted(set(submission_ids))
    if not ids:
        raise DomainError(gettext("Tick at least one version to approve."))
    if len(ids) > BULK_APPROVE_MAX:
        raise DomainError(
            gettext("Approve at most %(max)d versions at once.") % {"max": BULK_APPROVE_MAX}
        )
    organization = membership.organization
    brands = {b.pk: b for b in brands_visible_to(organization=organization, membership=membership)}
    chosen = list(
        Submission.objects.filter(
            organization=organization, pk__in=ids, deliverable__program__brand_id__in=list(brands)
        )
        .select_related("deliverable__program", "deliverable__enrollment__creator")
        .order_by("pk")
    )
    if len(chosen) != len(ids):
        raise NotFound(gettext("Not found."))
    approvable = {pk for pk, brand in brands.items() if can_approve_content(membership, brand)}
    if any(s.deliverable.program.brand_id not in approvable for s in chosen):
        raise Forbidden(gettext("Only the brand's approvers can review its content."))
    refusals = [
        gettext(
            "%(creator)s's %(deliverable)s, version %(version)d: the disclosure check failed, "
            "so approving it needs a reason — open it to review it on its own."
        )
        % {
            "creator": s.deliverable.enrollment.creator.display_name,
            "deliverable": s.deliverable.display_name,
            "version": s.version,
        }
        for s in chosen
        if not s.disclosure_passed
    ]
    if refusals:
        raise ApprovalsRefused(refusals)
    with transaction.atomic():
        return [
            review_create(
                submission=s,
                membership=membership,
                outcome=Review.Outcome.APPROVED,
                comment=comment,
            )
            for s in chosen
        ]
