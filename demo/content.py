"""Content through the real workflow: the creator submits, an approver reviews (changes
requested, approved, approved with corrections), the creator publishes; the last publication
earns the flat fee (``payments.earning``)."""

from __future__ import annotations

from typing import Any

from organizations.models import Membership
from programs.content import services as content
from programs.models import Deliverable, Enrollment

APPROVED = "approved"
WITH_CORRECTIONS = "approved_with_corrections"
CHANGES = "changes_requested"


def deliverables_of(enrollment: Enrollment) -> list[Deliverable]:
    return list(
        Deliverable.objects.filter(
            organization_id=enrollment.organization_id, enrollment=enrollment
        ).order_by("due_on", "pk")
    )


def deliver(
    deliverable: Deliverable,
    *,
    user: Any,
    reviewer: Membership,
    outcome: str = APPROVED,
    first_without_disclosure: bool = False,
    publish: bool = True,
) -> Deliverable:
    """One deliverable from first version to live post. ``first_without_disclosure``: the first
    version forgets the disclosure (the check fails) and the approver asks for it."""
    name = deliverable.program.name
    if first_without_disclosure:
        first = content.submission_create(
            deliverable=deliverable,
            user=user,
            caption=f"Out on the trail with {name}, loving it!",
            links=["https://example.com/draft/1"],
        )
        content.review_create(
            submission=first,
            membership=reviewer,
            outcome=CHANGES,
            comment="Lovely shot. Please add #ad at the start of the caption.",
        )
    submission = content.submission_create(
        deliverable=deliverable,
        user=user,
        caption=f"#ad Out on the trail with {name}, loving it!",
        links=[f"https://example.com/draft/{deliverable.pk}"],
    )
    comment = (
        "Approved: please write the product name in full when you post."
        if outcome == WITH_CORRECTIONS
        else "Approved, thank you!"
    )
    content.review_create(
        submission=submission, membership=reviewer, outcome=outcome, comment=comment
    )
    if not publish:
        return deliverable
    return content.deliverable_publish(
        deliverable=deliverable,
        user=user,
        live_url=f"https://instagram.com/p/demo{deliverable.pk}",
        caption=f"#ad Out on the trail with {name}, loving it!",
    )
