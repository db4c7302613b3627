"""Ending the collaboration as the last resort of a case, and what the creator is owed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_today
from influencer_ops.errors import Conflict
from influencer_ops.events import EventType, emit
from influencer_ops.validation import CASE_END_REASON_MAX_LENGTH
from messaging.services.threads import message_post, thread_for_enrollment
from organizations.models import Membership
from payments.earning import payouts_earn_at_termination
from programs.cases.services.common import (
    CANCELLABLE_DELIVERABLE_STATES,
    DELIVERED_STATES,
    TERMINATION_MESSAGE,
    Kind,
    State,
    case_move,
    clean_case_text,
    finish_task,
    lock_case,
    record_action,
    require_active,
    require_actor,
)
from programs.events import case_event, enrollment_event
from programs.models import (
    AmountOwed,
    CaseAction,
    ComplianceCase,
    Deliverable,
    DeliverableState,
    Enrollment,
)
from programs.states import ENROLLMENT_TRANSITIONS, EnrollmentState, check_transition
from tracking.links.services import link_deactivate
from tracking.models import TrackedLink


@dataclass(frozen=True)
class Owed:
    amount: Decimal
    currency: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def amount_owed_compute(*, enrollment: Enrollment) -> Owed:
    """What the accepted terms owe for the work done when a collaboration ends early.

    The rule: owed = flat fee × delivered ÷ promised, rounded to cents with ROUND_HALF_UP.
    - fee, currency and promised come from the accepted terms version (the one in force):
      promised is the sum of the counts of its deliverables;
    - delivered is this enrollment's deliverables that are published or approved, at most
      ``promised``;
    - no accepted terms or no fee: 0.00; nothing promised: the whole fee (nothing to pro-rate).
    Pay per valid click and the milestone bonus are not in this amount: the payments issue
    settles them from the tracked clicks. Example: fee 500.00, 3 promised, 1 published → 166.67.
    """
    terms = enrollment.terms_version
    snapshot = terms.snapshot if terms is not None else {}
    currency = snapshot.get("currency") or enrollment.program.currency
    fee = Decimal(str(snapshot.get("fee") or "0"))
    promised = sum(int(item.get("count") or 0) for item in snapshot.get("deliverables", []))
    delivered = min(
        Deliverable.objects.filter(enrollment=enrollment, state__in=DELIVERED_STATES).count(),
        promised,
    )
    clicks = gettext(" Pay per valid click is settled separately from the tracked clicks.")
    if promised == 0:
        amount = fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        explanation = gettext(
            "The flat fee of %(amount)s %(currency)s (no deliverables were promised)."
        ) % {"amount": amount, "currency": currency}
    else:
        amount = (fee * delivered / promised).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        explanation = gettext(
            "The flat fee of %(fee)s %(currency)s × %(delivered)s of %(promised)s "
            "promised deliverables published or approved = %(amount)s %(currency)s."
        ) % {
            "fee": format(fee, ".2f"),
            "currency": currency,
            "delivered": delivered,
            "promised": promised,
            "amount": amount,
        }
    return Owed(amount, currency, explanation + clicks)


def _cancel_future_deliverables(enrollment: Enrollment, actor: Any) -> int:
    today = org_today(enrollment.organization)
    future = Deliverable.objects.filter(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        state__in=CANCELLABLE_DELIVERABLE_STATES,
        due_on__gte=today,
    )
    ids = list(future.values_list("pk", flat=True))
    if ids:
        Deliverable.objects.filter(pk__in=ids).update(state=DeliverableState.CANCELLED)
        audit_record(
            organization=enrollment.organization,
            actor=actor,
            verb=AuditVerb.DELIVERABLES_CANCELLED,
            target=enrollment,
            after={"deliverables": ids, "from": today.isoformat()},
        )
    return len(ids)


def _end_enrollment(enrollment: Enrollment, actor: Any, reason: str) -> None:
    if enrollment.state != EnrollmentState.ACTIVE:
        raise Conflict(
            gettext(
                "This creator's place is %(lower)s: only an active collaboration can "
                "be ended (withdraw a place before launch instead)."
            )
            % {"lower": enrollment.get_state_display().lower()}
        )
    check_transition(
        ENROLLMENT_TRANSITIONS, enrollment.state, EnrollmentState.TERMINATED, "creator's place"
    )
    enrollment.state = EnrollmentState.TERMINATED
    enrollment.ended_at = timezone.now()
    enrollment.end_reason = reason[:500]
    enrollment.save(update_fields=["state", "ended_at", "end_reason"])
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.ENROLLMENT_TERMINATED,
        target=enrollment,
        before={"state": EnrollmentState.ACTIVE},
        after={"state": EnrollmentState.TERMINATED, "reason": enrollment.end_reason},
    )
    emit(enrollment.organization, EventType.ENROLLMENT_ENDED, enrollment_event(enrollment))
    link = TrackedLink.objects.filter(
        organization_id=enrollment.organization_id, enrollment=enrollment
    ).first()
    if link is not None:  # the ended collaboration's link stops counting clicks
        link_deactivate(link=link, actor=actor)


@transaction.atomic
def case_terminate(
    *, case: ComplianceCase, actor: Any, membership: Membership | None, text: str
) -> CaseAction:
    """End the collaboration, respectfully, as the last resort of an open case.

    The enrollment becomes terminated (through its state machine); deliverables still owed and
    due today or later are cancelled (approved and published ones stay); the creator is told in
    their thread what they will be paid; an ``AmountOwed`` is recorded by the rule of
    ``amount_owed_compute``; the case becomes terminated and its task done.
    """
    locked = lock_case(case)
    require_actor(membership, locked.enrollment)
    require_active(locked)
    reason = clean_case_text(text, gettext("the reason"), CASE_END_REASON_MAX_LENGTH)
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__brand", "creator__user", "organization", "terms_version")
        .get(pk=locked.enrollment_id)
    )
    _end_enrollment(enrollment, actor, reason)
    _cancel_future_deliverables(enrollment, actor)
    owed = amount_owed_compute(enrollment=enrollment)
    record = AmountOwed.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        amount=owed.amount,
        currency=owed.currency,
        explanation=owed.explanation[:2000],
    )
    audit_record(
        organization=enrollment.organization,
        actor=actor,
        verb=AuditVerb.AMOUNT_OWED_RECORDED,
        target=record,
        after={"amount": str(owed.amount), "currency": owed.currency},
    )
    payouts_earn_at_termination(enrollment=enrollment, amount_owed=record, actor=actor)
    message_post(
        thread=thread_for_enrollment(enrollment=enrollment),
        author=actor,
        text=TERMINATION_MESSAGE.format(
            program=enrollment.program.name,
            reason=reason,
            owed=owed,
            explanation=owed.explanation,
        ),
        from_creator=False,
    )
    case_move(locked, State.TERMINATED)
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    action = record_action(locked, Kind.TERMINATE, actor, reason)
    emit(enrollment.organization, EventType.CASE_CLOSED, case_event(locked))
    finish_task(locked, actor, (gettext("Collaboration ended; %(owed)s owed.") % {"owed": owed}))
    return action
