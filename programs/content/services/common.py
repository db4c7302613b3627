"""What the content services share: the deliverable's state machine, the lock and ownership
checks, the cleaners with their messages, the disclosure rule, links and who approves."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from influencer_ops.errors import DomainError, NotFound
from influencer_ops.validation import DELIVERY_URL_MAX_LENGTH, ValueInvalid, clean_text, clean_url
from organizations.models import Membership
from organizations.permissions import covers_brand
from organizations.roles import Role
from programs.models import Deliverable, DeliverableState, Program, Review
from programs.states import check_transition

DELIVERABLE_TRANSITIONS: dict[str, frozenset[str]] = {
    DeliverableState.PENDING: frozenset(
        {DeliverableState.SUBMITTED, DeliverableState.EXCUSED, DeliverableState.CANCELLED}
    ),
    # A creator may send a better version while the last one awaits review (e.g. to fix a
    # failed disclosure check); reviewers always review the latest version.
    DeliverableState.SUBMITTED: frozenset(
        {
            DeliverableState.SUBMITTED,
            DeliverableState.APPROVED,
            DeliverableState.CHANGES_REQUESTED,
            DeliverableState.EXCUSED,
            DeliverableState.CANCELLED,
        }
    ),
    DeliverableState.CHANGES_REQUESTED: frozenset(
        {DeliverableState.SUBMITTED, DeliverableState.EXCUSED, DeliverableState.CANCELLED}
    ),
    DeliverableState.APPROVED: frozenset({DeliverableState.PUBLISHED}),
    DeliverableState.PUBLISHED: frozenset(),
    DeliverableState.EXCUSED: frozenset(),
    DeliverableState.CANCELLED: frozenset(),
}
APPROVING = frozenset({Review.Outcome.APPROVED, Review.Outcome.APPROVED_WITH_CORRECTIONS})
# Outcomes that must tell the creator what to change.
NEEDS_COMMENT = frozenset(
    {Review.Outcome.CHANGES_REQUESTED, Review.Outcome.APPROVED_WITH_CORRECTIONS}
)


def deliverable_move(deliverable: Deliverable, target: str) -> None:
    check_transition(DELIVERABLE_TRANSITIONS, deliverable.state, target, "deliverable")
    deliverable.state = target


def lock_deliverable(deliverable_id: int) -> Deliverable:
    locked = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related(
            "organization",
            "program__brand",
            "enrollment__creator__user",
            "enrollment__terms_version",
        )
        .filter(pk=deliverable_id)
        .first()
    )
    if locked is None:  # missing, or outside the caller's scope
        raise NotFound(gettext("Not found."))
    return locked


def require_own(deliverable: Deliverable, user: Any) -> None:
    if user is None or deliverable.enrollment.creator.user_id != user.pk:
        raise NotFound(gettext("Not found."))


def clean_web_url(value: str, what: str) -> str:
    """A required http(s) address that fits its column; the messages name the field."""
    text = (value or "").strip()
    limit = DELIVERY_URL_MAX_LENGTH
    if len(text) > limit:
        raise DomainError(
            gettext("%(what)s is too long (%(limit)s characters at most).")
            % {"what": what, "limit": limit}
        )
    try:
        cleaned = clean_url(text, limit=limit)
    except ValueInvalid:
        cleaned = ""
    if not cleaned:
        raise DomainError(
            gettext("%(what)s must be a web address starting with https:// or http://.")
            % {"what": what}
        )
    return cleaned


def clean_text_of(value: str, limit: int, what: str) -> str:
    """The shared text cleaner, with a message that names the field."""
    try:
        return clean_text(value, limit=limit)
    except ValueInvalid as exc:
        raise DomainError(
            gettext("%(what)s is too long (%(limit)s characters at most).")
            % {"what": what, "limit": limit}
        ) from exc


def disclosure_rule_for(deliverable: Deliverable) -> str:
    """The rule the creator accepted (terms can amend it), else the program's."""
    terms = deliverable.enrollment.terms_version
    agreed = terms.snapshot.get("disclosure_rule") if terms is not None else None
    return str(agreed or deliverable.program.disclosure_rule)


def staff_url(deliverable: Deliverable) -> str:
    return reverse(
        "content_deliverable",
        kwargs={"org_slug": deliverable.organization.slug, "pk": deliverable.pk},
    )


def portal_url(deliverable: Deliverable) -> str:
    return reverse("portal_deliverable", kwargs={"pk": deliverable.pk})


def approvers(program: Program) -> list[Any]:
    """The brand's approvers and brand managers; the org admins when it has none."""
    members = list(
        Membership.objects.filter(organization_id=program.organization_id)
        .select_related("user")
        .prefetch_related("brands")
    )
    scoped = [
        m.user
        for m in members
        if m.role in (Role.APPROVER, Role.BRAND_MANAGER) and covers_brand(m, program.brand)
    ]
    return scoped or [m.user for m in members if m.role == Role.ADMIN]


def deliverable_label(deliverable: Deliverable) -> str:
    return deliverable.display_name
