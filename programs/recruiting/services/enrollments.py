"""The team's moves on a creator's place before launch: confirm, withdraw, and bare moves."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError
from influencer_ops.events import EventType, emit
from influencer_ops.validation import REASON_MAX_LENGTH
from messaging.kinds import ACTIVE_TASK_STATES, Topic
from messaging.models import Task
from messaging.services.queue import task_complete
from programs.events import enrollment_event
from programs.models import Enrollment
from programs.recruiting.services.invitations import promote_waitlist
from programs.recruiting.services.places import lock, move, notify_creator
from programs.recruiting.services.terms import latest_terms
from programs.states import EnrollmentState

# The bare moves (seed data, tests) report what the use-cases report.
MOVE_EVENTS: dict[str, EventType] = {
    EnrollmentState.ACCEPTED: EventType.ENROLLMENT_ACCEPTED,
    EnrollmentState.CONFIRMED: EventType.ENROLLMENT_CONFIRMED,
    EnrollmentState.WITHDRAWN: EventType.ENROLLMENT_ENDED,
    EnrollmentState.TERMINATED: EventType.ENROLLMENT_ENDED,
    EnrollmentState.COMPLETED: EventType.ENROLLMENT_ENDED,
}


def open_milestone_correction(*, enrollment: Enrollment) -> bool:
    return Task.objects.filter(
        organization_id=enrollment.organization_id,
        creator_id=enrollment.creator_id,
        state__in=ACTIVE_TASK_STATES,
        source_request__topic=Topic.MILESTONE_CORRECTION,
    ).exists()


@transaction.atomic
def enrollment_confirm(*, enrollment: Enrollment, actor: Any) -> Enrollment:
    """The ISM confirms an accepted creator; refused while their milestone is being corrected
    (the milestone decides pay), or while an amendment awaits their acceptance."""
    locked = lock(enrollment)
    if locked.state != EnrollmentState.ACCEPTED:
        raise Conflict(
            gettext("Only accepted creators can be confirmed; this one is %(lower)s.")
            % {"lower": locked.get_state_display().lower()}
        )
    if open_milestone_correction(enrollment=locked):
        raise Conflict(
            gettext(
                "A click-milestone correction for this creator is still open: resolve it "
                "first, the milestone decides pay."
            )
        )
    latest = latest_terms(locked)
    if latest is not None and latest.accepted_at is None:
        raise Conflict(
            gettext("An amendment to the terms is waiting for the creator's acceptance.")
        )
    move(locked, EnrollmentState.CONFIRMED)
    locked.confirmed_at = timezone.now()
    locked.save(update_fields=["state", "confirmed_at"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_CONFIRMED,
        target=locked,
    )
    emit(locked.organization, EventType.ENROLLMENT_CONFIRMED, enrollment_event(locked))
    for task in Task.objects.filter(
        organization_id=locked.organization_id,
        dedupe_key=f"confirm:{locked.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        task_complete(task=task, actor=actor, resolution="Confirmed.")
    notify_creator(
        locked,
        "confirmed",
        (gettext("You are confirmed for %(name)s") % {"name": locked.program.name}),
    )
    return locked


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment, actor: Any, reason: str) -> Enrollment:
    """The team withdraws an invitation or a place before launch; the waitlist moves up."""
    locked = lock(enrollment)
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Say why the place is withdrawn."))
    move(locked, EnrollmentState.WITHDRAWN)
    locked.ended_at = timezone.now()
    locked.end_reason = reason[:REASON_MAX_LENGTH]
    locked.waitlist_position = None
    locked.save(update_fields=["state", "ended_at", "end_reason", "waitlist_position"])
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_WITHDRAWN,
        target=locked,
        after={"reason": locked.end_reason},
    )
    emit(locked.organization, EventType.ENROLLMENT_ENDED, enrollment_event(locked))
    notify_creator(
        locked,
        "withdrawn",
        (gettext("Your place in %(name)s was withdrawn") % {"name": locked.program.name}),
        reason,
    )
    promote_waitlist(program=locked.program, actor=actor)
    return locked


@transaction.atomic
def enrollment_move(*, enrollment: Enrollment, target: str, actor: Any) -> Enrollment:
    """A bare state move through the state machine (seed data and tests); the use-cases above
    are what pages and the API call."""
    locked = lock(enrollment)
    before = locked.state
    move(locked, target)
    fields = ["state"]
    if target == EnrollmentState.ACCEPTED and locked.terms_version_id is None:
        # An accepted place always has the terms it accepted (acceptance recorded by staff).
        terms = latest_terms(locked)
        if terms is not None:
            terms.accepted_at = terms.accepted_at or timezone.now()
            terms.save(update_fields=["accepted_at"])
            locked.terms_version = terms
            locked.accepted_at = terms.accepted_at
            fields += ["terms_version", "accepted_at"]
    locked.save(update_fields=fields)
    audit_record(
        organization=locked.organization,
        actor=actor,
        verb=AuditVerb(f"enrollment.{target}"),
        target=locked,
        before={"state": before},
        after={"state": target},
    )
    if target in MOVE_EVENTS:
        emit(locked.organization, MOVE_EVENTS[target], enrollment_event(locked))
    return locked
