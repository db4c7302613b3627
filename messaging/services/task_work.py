"""Work that finishes a desk task where it is shown: answer the creator in the thread, confirm an
accepted creator, correct a milestone (an amendment per affected place), move due dates, propose
performance-based pay, hold or release a payout, and record the remedies tried on an
underperformer.

Each use-case is one transaction: the owning team only (``queue.may_work_on``; 403 otherwise),
on an open task; a refusal by the service underneath leaves nothing written. The services it
calls keep their own rules (confirmation waits for an accepted amendment, due dates only move
forward, payouts follow the ledger's transitions).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, TaskKind, Topic
from messaging.models import Message, Task, TaskEvent, Thread
from messaging.services.queue import may_work_on, task_complete
from messaging.services.threads import clean_text, message_post, thread_for_enrollment
from messaging.task_context import task_payout_id
from organizations import permissions
from organizations.models import Membership
from payments.models import Payout
from payments.payouts.services import payout_hold, payout_release
from programs.deadlines.services.due_dates import due_dates_shift
from programs.models import Deliverable, Enrollment, TermsVersion
from programs.recruiting.services.enrollments import enrollment_confirm
from programs.recruiting.services.milestones import creator_milestone_correct
from programs.recruiting.services.terms import terms_amend

# The remedies for an underperformer (PRODUCT.md), as recorded on the task's history.
REMEDIES: dict[str, str] = {
    "message": "Messaged the creator",
    "material": "Sent extra material",
    "schedule": "Revised the posting schedule",
    "goals": "Restated the program's goals",
    "amendment": "Proposed performance-based pay",
    "coaching": "Coaching note (internal)",
}


def _require(task: Task, membership: Membership) -> Task:
    if not may_work_on(membership, task):
        raise Forbidden(gettext("Only the owning role's team can work on this task."))
    if task.state not in ACTIVE_TASK_STATES:
        raise Conflict(
            gettext("This task is %(lower)s.") % {"lower": task.get_state_display().lower()}
        )
    return task


def _enrollment(task: Task) -> Enrollment:
    if task.enrollment_id is None:
        raise DomainError(gettext("This task is not about a creator's place in a program."))
    return Enrollment.objects.select_related("program", "creator", "organization").get(
        pk=task.enrollment_id
    )


@transaction.atomic
def task_remedy_record(*, task: Task, membership: Membership, remedy: str, note: str) -> TaskEvent:
    """Record a remedy tried on the task's creator: on the task's history and the audit trail.
    Staff only see it (a coaching note is never shown to the creator)."""
    _require(task, membership)
    if remedy not in REMEDIES:
        raise DomainError(gettext("Unknown remedy “%(remedy)s”.") % {"remedy": remedy})
    note = clean_text(note)
    event = TaskEvent.objects.create(
        organization_id=task.organization_id,
        task=task,
        verb="remedy",
        actor=membership.user,
        note=f"{REMEDIES[remedy]}: {note}"[:5000],
    )
    audit_record(
        organization=membership.organization,
        actor=membership.user,
        verb=AuditVerb.TASK_REMEDY_RECORDED,
        target=task,
        after={"remedy": remedy, "note": note[:500], "enrollment": task.enrollment_id},
    )
    return event


def _thread(task: Task) -> Thread:
    request = task.source_request
    if request is not None and request.thread_id is not None:
        return Thread.objects.select_related("organization").get(pk=request.thread_id)
    return thread_for_enrollment(enrollment=_enrollment(task))


@transaction.atomic
def task_reply(
    *, task: Task, membership: Membership, text: str, remedy: str = "", resolve: bool = False
) -> Message:
    """Write to the creator in the task's conversation (the request's thread, else the
    enrollment's); optionally as a remedy, and optionally completing the task with the reply."""
    _require(task, membership)
    message = message_post(
        thread=_thread(task), author=membership.user, text=text, from_creator=False
    )
    if remedy:
        task_remedy_record(task=task, membership=membership, remedy=remedy, note=message.text)
    if resolve:
        task_complete(
            task=task,
            actor=membership.user,
            membership=membership,
            resolution=(gettext("Answered in the conversation: %(text)s") % {"text": message.text}),
        )
    return message


@transaction.atomic
def task_confirm_creator(*, task: Task, membership: Membership) -> Enrollment:
    """Confirm the accepted creator of a confirm task; the confirmation completes the task.
    Refused while a milestone correction or an amendment is open (``enrollment_confirm``)."""
    _require(task, membership)
    if task.kind != TaskKind.CONFIRM_CREATOR:
        raise DomainError(gettext("Only a “creator accepted” task confirms a creator."))
    if not permissions.can_work_prelaunch(membership):
        raise Forbidden(
            gettext("Only an influencer success manager or an admin may confirm creators.")
        )
    return enrollment_confirm(enrollment=_enrollment(task), actor=membership.user)


@transaction.atomic
def task_milestone_correct(
    *, task: Task, membership: Membership, new: int, reason: str
) -> list[TermsVersion]:
    """Resolve a milestone-correction request: correct the creator's milestone, which amends
    the terms of each open place that follows it (the creator accepts each; confirmation
    waits for it), and complete the task saying what changed. Returns the amendments."""
    _require(task, membership)
    request = task.source_request
    if request is None or request.topic != Topic.MILESTONE_CORRECTION or task.creator is None:
        raise DomainError(gettext("This task is not a milestone correction."))
    change, amendments = creator_milestone_correct(
        profile=task.creator, actor=membership.user, new=new, reason=reason
    )
    places = ", ".join(
        f"{a.enrollment.program.name} (terms version {a.number})" for a in amendments
    )
    sent = (
        (gettext(" Amendment sent for acceptance: %(places)s.") % {"places": places})
        if amendments
        else gettext(" No open place takes its milestone from the creator: no terms changed.")
    )
    task_complete(
        task=task,
        actor=membership.user,
        membership=membership,
        resolution=(
            gettext(
                "Click milestone corrected from %(old)s to %(new)s valid clicks: "
                "%(reason)s.%(sent)s"
            )
            % {
                "old": format(change.old, ","),
                "new": format(change.new, ","),
                "reason": change.reason,
                "sent": sent,
            }
        ),
    )
    return amendments


@transaction.atomic
def task_due_dates_move(
    *,
    task: Task,
    membership: Membership,
    deliverable_ids: list[int],
    new_due_on: date,
    remedy: bool = False,
) -> int:
    """Move some of the task's creator's open deliverables to ``new_due_on`` (the deadlines
    service: post-launch roles, forward only, the creator told). An overdue task whose
    deliverable is no longer overdue is completed by it; as a remedy it is recorded."""
    _require(task, membership)
    enrollment = _enrollment(task)
    wanted = set(deliverable_ids)
    if not wanted:
        raise DomainError(gettext("Choose the deliverables to move."))
    mine = Deliverable.objects.filter(pk__in=wanted, enrollment_id=enrollment.pk).count()
    if mine != len(wanted):
        raise DomainError(gettext("Only this creator's deliverables can move from this task."))
    moved = due_dates_shift(
        program=enrollment.program,
        actor=membership.user,
        new_due_on=new_due_on,
        deliverable_ids=sorted(wanted),
    )
    if remedy:
        note = gettext("%(moved)s deliverable(s) now due %(new_due_on)s.") % {
            "moved": moved,
            "new_due_on": format(new_due_on, "%Y-%m-%d"),
        }
        task_remedy_record(task=task, membership=membership, remedy="schedule", note=note)
    return moved


@transaction.atomic
def task_pay_amend(
    *, task: Task, membership: Membership, per_click_rate: Decimal, reason: str
) -> TermsVersion:
    """Propose performance-based pay to the task's creator: a terms amendment with the new rate
    per valid click, which they accept in the portal; recorded as a remedy."""
    _require(task, membership)
    if not permissions.can_amend_terms(membership):
        raise Forbidden(gettext("Your role does not allow amending terms."))
    version = terms_amend(
        enrollment=_enrollment(task),
        actor=membership.user,
        reason=reason,
        changes={"per_click_rate": per_click_rate},
    )
    rate = version.snapshot.get("per_click_rate")
    note = gettext("terms version %(number)s, %(rate)s %(get)s per valid ") % {
        "number": version.number,
        "rate": rate,
        "get": version.snapshot.get("currency"),
    }
    task_remedy_record(
        task=task, membership=membership, remedy="amendment", note=f"{note}click: {reason}"
    )
    return version


def _payout(task: Task, payout_id: int) -> Payout:
    payout = Payout.objects.filter(organization_id=task.organization_id, pk=payout_id).first()
    ours = payout is not None and (
        payout.pk == task_payout_id(task)
        or (task.enrollment_id is not None and payout.enrollment_id == task.enrollment_id)
    )
    if payout is None or not ours:
        raise DomainError(gettext("That payout is not what this task is about."))
    return payout


def _require_payouts(task: Task, membership: Membership) -> None:
    _require(task, membership)
    if not permissions.can_manage_payouts(membership):
        raise Forbidden(
            gettext("Only a brand success manager or an admin may hold or release payouts.")
        )


@transaction.atomic
def task_payout_hold(*, task: Task, membership: Membership, payout_id: int, reason: str) -> Payout:
    """Put the task's payout on hold with the reason the creator reads; completes the task."""
    _require_payouts(task, membership)
    held = payout_hold(payout=_payout(task, payout_id), actor=membership.user, reason=reason)
    task_complete(
        task=task,
        actor=membership.user,
        membership=membership,
        resolution=(
            gettext("Payout of %(amount)s %(currency)s put on hold: %(hold_reason)s")
            % {"amount": held.amount, "currency": held.currency, "hold_reason": held.hold_reason}
        ),
    )
    return held


@transaction.atomic
def task_payout_release(*, task: Task, membership: Membership, payout_id: int) -> Payout:
    """Release the task's held payout (the next payment run pays it); completes the task."""
    _require_payouts(task, membership)
    released = payout_release(
        payout=_payout(task, payout_id),
        actor=membership.user,
        memo=gettext("Released from the desk task."),
    )
    task_complete(
        task=task,
        actor=membership.user,
        membership=membership,
        resolution=(
            gettext("Payout of %(amount)s %(currency)s released: the next payment run pays it.")
            % {"amount": released.amount, "currency": released.currency}
        ),
    )
    return released
