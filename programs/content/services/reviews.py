"""The brand reviews the latest version; past the program's SLA a review task opens, and past
its auto-approval delay a version whose disclosure check passed is approved without a reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden, NotFound
from influencer_ops.events import EventType, emit
from influencer_ops.validation import CAPTION_MAX_LENGTH, OVERRIDE_REASON_MAX_LENGTH
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete
from organizations.models import Membership, Organization
from organizations.permissions import can_approve_content
from programs.content.services.common import (
    APPROVING,
    NEEDS_COMMENT,
    clean_text_of,
    deliverable_label,
    deliverable_move,
    lock_deliverable,
    portal_url,
)
from programs.content.services.submissions import review_task
from programs.events import submission_event
from programs.models import Deliverable, DeliverableState, Review, Submission
from programs.states import EnrollmentState

ONE_DAY = Value(timedelta(days=1), output_field=DurationField())


@dataclass(frozen=True)
class SweepResult:
    tasks_opened: int
    auto_approved: int


def _closereview_task(deliverable: Deliverable, actor: Any | None, resolution: str) -> None:
    for task in Task.objects.filter(
        organization_id=deliverable.organization_id,
        dedupe_key=f"review:{deliverable.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        task_complete(task=task, actor=actor, resolution=resolution)


def apply_review(
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
        emit(
            locked.organization,
            EventType.SUBMISSION_APPROVED,
            submission_event(submission, locked, outcome=outcome, automatic=reviewer is None),
        )
    else:
        deliverable_move(locked, DeliverableState.CHANGES_REQUESTED)
    locked.save(update_fields=["state", "approved_at"])
    outcome_label = Review.Outcome(outcome).label
    _closereview_task(locked, reviewer, f"{outcome_label} (version {submission.version}).")
    comment = texts.get("comment", "")
    notifications.notify_many(
        recipients=[locked.enrollment.creator.user],
        organization=locked.organization,
        kind=NotificationKind.REQUEST_ANSWERED,
        event_key=f"review:{review.pk}",
        title=gettext("%(outcome_label)s: your %(deliverable_label)s for %(name)s")
        % {
            "outcome_label": outcome_label,
            "deliverable_label": deliverable_label(locked),
            "name": locked.program.name,
        },
        body=comment,
        url=portal_url(locked),
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
    locked = lock_deliverable(submission.deliverable_id)
    if membership.organization_id != locked.organization_id:
        raise NotFound(gettext("Not found."))
    if not can_approve_content(membership, locked.program.brand):
        raise Forbidden(gettext("Only the brand's approvers can review its content."))
    if outcome not in Review.Outcome.values:
        raise DomainError(gettext("Unknown review outcome “%(outcome)s”.") % {"outcome": outcome})
    submission = Submission.objects.get(pk=submission.pk)
    latest = Submission.objects.filter(deliverable=locked).order_by("-version").first()
    if locked.state != DeliverableState.SUBMITTED or latest is None or latest.pk != submission.pk:
        raise Conflict(
            gettext(
                "Only the latest version of a submitted deliverable can be reviewed; "
                "this one is %(lower)s at version %(value)s."
            )
            % {
                "lower": locked.get_state_display().lower(),
                "value": latest.version if latest else 0,
            }
        )
    comment = clean_text_of(comment, CAPTION_MAX_LENGTH, gettext("The comment"))
    internal_note = clean_text_of(internal_note, CAPTION_MAX_LENGTH, gettext("The internal note"))
    override_reason = clean_text_of(
        override_reason, OVERRIDE_REASON_MAX_LENGTH, gettext("The override reason")
    )
    if outcome in NEEDS_COMMENT and not comment:
        raise DomainError(gettext("Tell the creator what to change in the comment."))
    if outcome in APPROVING and not submission.disclosure_passed and not override_reason:
        raise DomainError(
            gettext(
                "The disclosure check failed: give a reason to approve anyway, or request changes."
            )
        )
    if outcome not in APPROVING:
        override_reason = ""
    review = apply_review(
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
    why = gettext("Approved automatically: nobody reviewed it within %(days)s days.") % {
        "days": days
    }
    apply_review(deliverable, submission, Review.Outcome.APPROVED, None, now, comment=why)
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
            # Claim the ids (the org stated in the query), then load the batch by id: a join
            # to creators and users under the lock would let the planner, which cannot
            # estimate the RLS predicate, scan them once per deliverable.
            ids = list(
                _sweep_candidates(organization, now)
                .select_for_update(skip_locked=True, of=("self",))
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:200]
            )
            if not ids:
                return SweepResult(tasks_opened=opened, auto_approved=approved)
            last_pk = ids[-1]
            batch: list[Any] = list(
                _sweep_candidates(organization, now)
                .filter(pk__in=ids)
                .prefetch_related("program__brand", "enrollment__creator__user")
                .order_by("pk")
            )
            for deliverable in batch:
                deliverable.organization = organization
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
                    opened += int(review_task(deliverable, None, deliverable.review_due_at))
