"""Content after launch: the creator submits versions of a deliverable, the brand's approvers
review them (the disclosure check runs on each), and the creator records the live URL.

Services are keyword-only and atomic, change a deliverable's state only through
``DELIVERABLE_TRANSITIONS``, write an audit event, and tell the other side. The reads that the
pages and the API share live at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind, OwnerRole, TaskKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete, task_create
from organizations.models import Membership, Organization
from organizations.permissions import can_approve_content, covers_brand
from organizations.roles import Role
from programs.content.disclosure import check_disclosure
from programs.models import Deliverable, DeliverableState, Program, Review, Submission
from programs.states import ENDED_STATES, EnrollmentState, check_transition

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
MAX_LINKS = 10
ONE_DAY = Value(timedelta(days=1), output_field=DurationField())
_web_address = URLValidator(schemes=["http", "https"])


class DeliverableNotFound(DomainError):
    """Someone else's deliverable: the same answer as a missing one."""

    status_code = 404


@dataclass(frozen=True)
class SweepResult:
    tasks_opened: int
    auto_approved: int


def deliverable_move(deliverable: Deliverable, target: str) -> None:
    check_transition(DELIVERABLE_TRANSITIONS, deliverable.state, target, "deliverable")
    deliverable.state = target


# --- checks shared by the services ---


def _lock(deliverable_id: int) -> Deliverable:
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
        raise DeliverableNotFound("Not found.")
    return locked


def _own(deliverable: Deliverable, user: Any) -> None:
    if user is None or deliverable.enrollment.creator.user_id != user.pk:
        raise DeliverableNotFound("Not found.")


def _web_url(value: str, what: str) -> str:
    value = (value or "").strip()
    if len(value) > 500:
        raise DomainError(f"{what} is too long (500 characters at most).")
    try:
        _web_address(value)
    except ValidationError as exc:
        raise DomainError(
            f"{what} must be a web address starting with https:// or http://."
        ) from exc
    return value


def _text(value: str, limit: int, what: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"{what} is too long ({limit} characters at most).")
    return value


def disclosure_rule_for(deliverable: Deliverable) -> str:
    """The rule the creator accepted (terms can amend it), else the program's."""
    terms = deliverable.enrollment.terms_version
    agreed = terms.snapshot.get("disclosure_rule") if terms is not None else None
    return str(agreed or deliverable.program.disclosure_rule)


def _staff_url(deliverable: Deliverable) -> str:
    return reverse(
        "content_deliverable",
        kwargs={"org_slug": deliverable.organization.slug, "pk": deliverable.pk},
    )


def _portal_url(deliverable: Deliverable) -> str:
    return reverse("portal_deliverable", kwargs={"pk": deliverable.pk})


def _approvers(program: Program) -> list[Any]:
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


def _label(deliverable: Deliverable) -> str:
    return f"{deliverable.kind} on {deliverable.get_platform_display()}"


# --- the creator submits ---


def _clean_links(links: Sequence[str]) -> list[str]:
    cleaned = [link.strip() for link in links if link and link.strip()]
    if len(cleaned) > MAX_LINKS:
        raise DomainError(f"Give at most {MAX_LINKS} links.")
    return [_web_url(link, f"The link “{link[:60]}”") for link in cleaned]


def _review_task(deliverable: Deliverable, actor: Any | None, due_at: datetime) -> bool:
    """One open CONTENT_REVIEW task per deliverable (task_create dedupes)."""
    enrollment = deliverable.enrollment
    program = deliverable.program
    _task, created = task_create(
        organization=deliverable.organization,
        kind=TaskKind.CONTENT_REVIEW,
        title=f"Review {enrollment.creator.display_name}'s {_label(deliverable)} for "
        f"{program.name}",
        owner_role=OwnerRole.BSM,
        assignee=enrollment.assigned_bsm or program.assigned_bsm,
        program=program,
        enrollment=enrollment,
        creator=enrollment.creator,
        dedupe_key=f"review:{deliverable.pk}",
        source_event="submission.created",
        actor=actor,
        due_at=due_at,
    )
    return created


@transaction.atomic
def submission_create(
    *,
    deliverable: Deliverable,
    user: Any,
    caption: str = "",
    links: Sequence[str] = (),
    media_url: str = "",
) -> Submission:
    """The deliverable's own creator sends a new version (all versions are kept).

    Refused: another person (404), an enrollment that is not active or a deliverable that is
    not pending / changes requested (409), an empty or malformed submission (400). Opens one
    review task for the BSM (deduped) and tells the brand's approvers.
    """
    locked = _lock(deliverable.pk)
    _own(locked, user)
    enrollment = locked.enrollment
    if enrollment.state != EnrollmentState.ACTIVE:
        raise Conflict(
            f"Your place in {locked.program.name} is "
            f"{enrollment.get_state_display().lower()}: no more content can be submitted."
        )
    check_transition(
        DELIVERABLE_TRANSITIONS, locked.state, DeliverableState.SUBMITTED, "deliverable"
    )
    caption = _text(caption, 5000, "The caption")
    cleaned_links = _clean_links(links)
    media_url = _web_url(media_url, "The media link") if (media_url or "").strip() else ""
    if not (caption or cleaned_links or media_url):
        raise DomainError("Add a caption, a link or a media link: the submission is empty.")
    last = Submission.objects.filter(deliverable=locked).order_by("-version").first()
    result = check_disclosure(caption, disclosure_rule_for(locked))
    submission = Submission.objects.create(
        organization_id=locked.organization_id,
        deliverable=locked,
        version=(last.version if last else 0) + 1,
        caption=caption,
        links=cleaned_links,
        media_url=media_url,
        disclosure_passed=result.passed,
        disclosure_matches=result.matches,
        submitted_by=user,
    )
    before = locked.state
    deliverable_move(locked, DeliverableState.SUBMITTED)
    locked.save(update_fields=["state"])
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.SUBMISSION_CREATED,
        target=submission,
        before={"state": before},
        after={
            "state": locked.state,
            "version": submission.version,
            "disclosure_passed": result.passed,
            "disclosure_matches": result.matches,
        },
    )
    program = locked.program
    _review_task(locked, user, timezone.now() + timedelta(days=program.review_sla_days))
    disclosure = "passed" if result.passed else "FAILED"
    notifications.notify_many(
        recipients=_approvers(program),
        organization=locked.organization,
        kind=NotificationKind.TASK_ASSIGNED,
        event_key=f"submission:{submission.pk}:created",
        title=f"To review: {enrollment.creator.display_name}'s {_label(locked)} "
        f"(version {submission.version})",
        body=f"{program.name} · disclosure check {disclosure}.",
        url=_staff_url(locked),
    )
    return submission


# --- the brand reviews ---


def _close_review_task(deliverable: Deliverable, actor: Any | None, resolution: str) -> None:
    for task in Task.objects.filter(
        organization_id=deliverable.organization_id,
        dedupe_key=f"review:{deliverable.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        task_complete(task=task, actor=actor, resolution=resolution)


def _apply_review(
    locked: Deliverable,
    submission: Submission,
    outcome: str,
    reviewer: Any | None,
    now: datetime,
    **texts: str,
) -> Review:
    review = Review.objects.create(
        organization_id=locked.organization_id,
        submission=submission,
        reviewer=reviewer,
        outcome=outcome,
        **texts,
    )
    if outcome in APPROVING:
        deliverable_move(locked, DeliverableState.APPROVED)
        locked.approved_at = now
    else:
        deliverable_move(locked, DeliverableState.CHANGES_REQUESTED)
    locked.save(update_fields=["state", "approved_at"])
    outcome_label = Review.Outcome(outcome).label
    _close_review_task(locked, reviewer, f"{outcome_label} (version {submission.version}).")
    comment = texts.get("comment", "")
    notifications.notify_many(
        recipients=[locked.enrollment.creator.user],
        organization=locked.organization,
        kind=NotificationKind.REQUEST_ANSWERED,
        event_key=f"review:{review.pk}",
        title=f"{outcome_label}: your {_label(locked)} for {locked.program.name}",
        body=comment,
        url=_portal_url(locked),
    )
    return review


@transaction.atomic
def review_create(
    *,
    submission: Submission,
    membership: Membership,
    outcome: str,
    comment: str = "",
    internal_note: str = "",
    override_reason: str = "",
) -> Review:
    """An approver covering the brand reviews the latest version of a submitted deliverable.

    Approving a version whose disclosure check failed needs ``override_reason``. The creator
    is told the outcome and ``comment``, never ``internal_note``; the review task is closed.
    """
    locked = _lock(submission.deliverable_id)
    if membership.organization_id != locked.organization_id:
        raise DeliverableNotFound("Not found.")
    if not can_approve_content(membership, locked.program.brand):
        raise Forbidden("Only the brand's approvers can review its content.")
    if outcome not in Review.Outcome.values:
        raise DomainError(f"Unknown review outcome “{outcome}”.")
    submission = Submission.objects.get(pk=submission.pk)
    latest = Submission.objects.filter(deliverable=locked).order_by("-version").first()
    if locked.state != DeliverableState.SUBMITTED or latest is None or latest.pk != submission.pk:
        raise Conflict(
            f"Only the latest version of a submitted deliverable can be reviewed; this one is "
            f"{locked.get_state_display().lower()} at version {latest.version if latest else 0}."
        )
    comment = _text(comment, 5000, "The comment")
    internal_note = _text(internal_note, 5000, "The internal note")
    override_reason = _text(override_reason, 500, "The override reason")
    if outcome in NEEDS_COMMENT and not comment:
        raise DomainError("Tell the creator what to change in the comment.")
    if outcome in APPROVING and not submission.disclosure_passed and not override_reason:
        raise DomainError(
            "The disclosure check failed: give a reason to approve anyway, or request changes."
        )
    if outcome not in APPROVING:
        override_reason = ""
    review = _apply_review(
        locked,
        submission,
        outcome,
        membership.user,
        timezone.now(),
        comment=comment,
        internal_note=internal_note,
        override_reason=override_reason,
    )
    audit_record(
        organization=locked.organization,
        actor=membership.user,
        verb=AuditVerb.SUBMISSION_REVIEWED,
        target=submission,
        before={"state": DeliverableState.SUBMITTED},
        after={
            "state": locked.state,
            "outcome": outcome,
            "version": submission.version,
            "override_reason": override_reason,
        },
    )
    return review


# --- the creator publishes ---


@transaction.atomic
def deliverable_publish(
    *, deliverable: Deliverable, user: Any, live_url: str, caption: str = ""
) -> Deliverable:
    """The creator records where the approved content went live. The disclosure check runs on
    the published caption and is recorded (a failure is shown, it does not block)."""
    locked = _lock(deliverable.pk)
    _own(locked, user)
    if locked.enrollment.state in ENDED_STATES:
        raise Conflict(
            f"Your place in {locked.program.name} is "
            f"{locked.enrollment.get_state_display().lower()}."
        )
    check_transition(
        DELIVERABLE_TRANSITIONS, locked.state, DeliverableState.PUBLISHED, "deliverable"
    )
    live_url = _web_url(live_url, "The live URL")
    caption = _text(caption, 5000, "The caption")
    result = check_disclosure(caption, disclosure_rule_for(locked))
    deliverable_move(locked, DeliverableState.PUBLISHED)
    locked.live_url = live_url
    locked.published_caption = caption
    locked.published_disclosure_passed = result.passed
    locked.published_disclosure_matches = result.matches
    locked.published_at = timezone.now()
    locked.save(
        update_fields=[
            "state",
            "live_url",
            "published_caption",
            "published_disclosure_passed",
            "published_disclosure_matches",
            "published_at",
        ]
    )
    audit_record(
        organization=locked.organization,
        actor=user,
        verb=AuditVerb.DELIVERABLE_PUBLISHED,
        target=locked,
        before={"state": DeliverableState.APPROVED},
        after={"live_url": live_url, "disclosure_passed": result.passed},
    )
    from payments.earning import payout_earn_flat_fee

    # The last deliverable owed going live earns the flat fee (once; the service checks).
    payout_earn_flat_fee(enrollment=locked.enrollment, actor=user)
    program = locked.program
    bsm = locked.enrollment.assigned_bsm or program.assigned_bsm
    notifications.notify_many(
        recipients=[*_approvers(program), bsm],
        organization=locked.organization,
        kind=NotificationKind.ANNOUNCEMENT,
        event_key=f"deliverable:{locked.pk}:published",
        title=f"Live: {locked.enrollment.creator.display_name}'s {_label(locked)}",
        body=f"{program.name} · {live_url}"
        + ("" if result.passed else " · the published caption fails the disclosure check"),
        url=_staff_url(locked),
    )
    return locked


# --- the review SLA sweep ---


def _sweep_candidates(organization: Organization, now: datetime) -> QuerySet[Deliverable]:
    latest = Submission.objects.filter(deliverable=OuterRef("pk")).order_by("-version")
    return (
        Deliverable.objects.filter(
            organization=organization,
            state=DeliverableState.SUBMITTED,
            enrollment__state=EnrollmentState.ACTIVE,
        )
        .annotate(
            latest_at=Subquery(latest.values("created_at")[:1]),
            latest_id=Subquery(latest.values("pk")[:1]),
        )
        .annotate(
            review_due_at=ExpressionWrapper(
                F("latest_at") + F("program__review_sla_days") * ONE_DAY,
                output_field=DateTimeField(),
            ),
            auto_approve_at=ExpressionWrapper(
                F("latest_at") + F("program__auto_approve_after_days") * ONE_DAY,
                output_field=DateTimeField(),
            ),
        )
        .filter(Q(review_due_at__lt=now) | Q(auto_approve_at__lt=now))
    )


def _auto_approve(deliverable: Any, now: datetime) -> None:
    submission = Submission.objects.get(pk=deliverable.latest_id)
    days = deliverable.program.auto_approve_after_days
    why = f"Approved automatically: nobody reviewed it within {days} days."
    _apply_review(deliverable, submission, Review.Outcome.APPROVED, None, now, comment=why)
    audit_record(
        organization=deliverable.organization,
        actor=None,
        verb=AuditVerb.SUBMISSION_AUTO_APPROVED,
        target=submission,
        before={"state": DeliverableState.SUBMITTED},
        after={"state": deliverable.state, "version": submission.version, "reason": why},
    )


def review_sla_sweep(*, organization: Organization, now: datetime | None = None) -> SweepResult:
    """Submitted deliverables waiting past the program's review SLA get a review task (deduped);
    past ``auto_approve_after_days``, with a passing disclosure check, they are approved with a
    reviewer-less Review. Safe to run twice at once (SKIP LOCKED; the state is the claim)."""
    now = now or timezone.now()
    opened = approved = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch: list[Any] = list(
                _sweep_candidates(organization, now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("organization", "program__brand", "enrollment__creator__user")
                .filter(pk__gt=last_pk)
                .order_by("pk")[:200]
            )
            if not batch:
                return SweepResult(tasks_opened=opened, auto_approved=approved)
            last_pk = batch[-1].pk
            latest_passed = dict(
                Submission.objects.filter(pk__in=[d.latest_id for d in batch]).values_list(
                    "pk", "disclosure_passed"
                )
            )
            for deliverable in batch:
                auto_due = (
                    deliverable.auto_approve_at is not None and deliverable.auto_approve_at < now
                )
                if auto_due and latest_passed.get(deliverable.latest_id):
                    _auto_approve(deliverable, now)
                    approved += 1
                elif deliverable.review_due_at < now:
                    opened += int(_review_task(deliverable, None, deliverable.review_due_at))


# --- reads for the pages and the API ---


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
        .prefetch_related(Prefetch("reviews", queryset=reviews))
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
    from programs.selectors import brands_visible_to

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
        (label, sum(1 for row in rows if row.state == value))
        for value, label in DeliverableState.choices
    ]
    return rows, counts
