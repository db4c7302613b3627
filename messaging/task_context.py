"""What a desk task page shows around the task: the conversation, the subject (creator, program,
enrollment, terms, payout, deliverable) and, per kind, what its actions need (the pace of an
underperformer, the milestone a correction asks for). Reads only; a fixed number of queries
whatever the size of the thread, the history or the program."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from influencer_ops.calendar import org_today
from messaging.kinds import ACTIVE_TASK_STATES, TaskKind, Topic
from messaging.models import Message, Task, Thread
from organizations import permissions
from organizations.models import Membership
from payments.models import Payout, PayoutState
from programs.models import Deliverable, DeliverableState, Enrollment, TermsVersion
from tracking.pace.selectors import PaceSummary, enrollment_pace_summary

RECENT_MESSAGES = 6
# Payout states from which a hold, or a release, is allowed (payments.ledger.PAYOUT_TRANSITIONS).
HOLDABLE = (PayoutState.EARNED, PayoutState.SCHEDULED, PayoutState.FAILED)
RELEASABLE = (PayoutState.ON_HOLD,)
# Work that can still move to a new due date (programs.deadlines.EXTENDABLE_STATES).
MOVABLE = (DeliverableState.PENDING, DeliverableState.CHANGES_REQUESTED, DeliverableState.SUBMITTED)
PAYOUT_KINDS = (TaskKind.PAYOUT_DELAYED, TaskKind.PAYOUT_FAILED)
_NUMBER = re.compile(r"\d[\d,.\s]*\d|\d")


@dataclass
class TaskContext:
    task: Task
    enrollment: Enrollment | None = None
    terms: TermsVersion | None = None
    thread: Thread | None = None
    recent_messages: list[Message] = field(default_factory=list)
    payout: Payout | None = None
    payouts: list[Payout] = field(default_factory=list)
    deliverable: Deliverable | None = None
    open_deliverables: list[Deliverable] = field(default_factory=list)
    pace: PaceSummary | None = None
    requested_milestone: int | None = None
    may_prelaunch: bool = False
    may_postlaunch: bool = False
    may_manage_payouts: bool = False

    @property
    def is_active(self) -> bool:
        return self.task.state in ACTIVE_TASK_STATES

    @property
    def topic(self) -> str:
        request = self.task.source_request
        return request.topic if request is not None else ""

    @property
    def is_milestone_correction(self) -> bool:
        return self.task.kind == TaskKind.CREATOR_REQUEST and (
            self.topic == Topic.MILESTONE_CORRECTION
        )

    @property
    def is_payout_work(self) -> bool:
        return self.task.kind in PAYOUT_KINDS or self.topic == Topic.COMPENSATION

    @property
    def may_hold(self) -> bool:
        return self.may_manage_payouts and self.payout is not None and self.payout.state in HOLDABLE

    @property
    def may_release(self) -> bool:
        return (
            self.may_manage_payouts and self.payout is not None and self.payout.state in RELEASABLE
        )


def id_after(prefix: str, key: str) -> int | None:
    """The id in a key such as ``review:12`` or ``overdue:12:2026-01-31`` (None if absent)."""
    if not key.startswith(prefix):
        return None
    head = key[len(prefix) :].split(":", 1)[0]
    return int(head) if head.isdigit() else None


def requested_milestone(text: str) -> int | None:
    """The milestone a correction request asks for, to prefill the amendment: the number after
    "to", "be" or "is" ("from 1,000 to 600", "it should be 600, not 1000"), else the first."""
    lowered = text.lower()
    for marker in (" to ", " be ", " is "):
        at = lowered.find(marker)
        if at >= 0 and (found := _NUMBER.search(text, at)):
            return _as_milestone(found.group())
    found = _NUMBER.search(text)
    return _as_milestone(found.group()) if found else None


def _as_milestone(raw: str) -> int | None:
    digits = re.sub(r"[,.\s]", "", raw)
    value = int(digits) if digits.isdigit() else 0
    return value if 0 < value <= 10_000_000 else None


def task_payout_id(task: Task) -> int | None:
    request = task.source_request
    if request is not None and request.payout_id:
        return request.payout_id
    if task.kind in PAYOUT_KINDS:
        return id_after("payout:", task.source_event)
    return None


def task_deliverable_id(task: Task) -> int | None:
    if task.kind == TaskKind.CONTENT_REVIEW:
        return id_after("review:", task.dedupe_key)
    if task.kind == TaskKind.DELIVERABLE_OVERDUE:
        return id_after("overdue:", task.dedupe_key)
    return None


def _enrollment(task: Task) -> Enrollment | None:
    if task.enrollment_id is None:
        return None
    return (
        Enrollment.objects.filter(organization_id=task.organization_id, pk=task.enrollment_id)
        .select_related("program__brand", "creator", "terms_version", "organization")
        .first()
    )


def _thread(task: Task) -> Thread | None:
    request = task.source_request
    if request is not None and request.thread_id is not None:
        return request.thread
    if task.enrollment_id is None:
        return None
    return Thread.objects.filter(
        organization_id=task.organization_id, enrollment_id=task.enrollment_id
    ).first()


def _recent(thread: Thread) -> list[Message]:
    latest = Message.objects.filter(organization_id=thread.organization_id, thread=thread)
    rows = list(
        latest.select_related("author", "request").order_by("-created_at", "-id")[:RECENT_MESSAGES]
    )
    return rows[::-1]


def _payouts(context: TaskContext, task: Task) -> None:
    base = Payout.objects.filter(organization_id=task.organization_id).select_related("run")
    payout_id = task_payout_id(task)
    if payout_id is not None:
        context.payout = base.filter(pk=payout_id).first()
    elif context.is_payout_work and task.enrollment_id is not None:
        context.payouts = list(base.filter(enrollment_id=task.enrollment_id).order_by("-id")[:10])
        if len(context.payouts) == 1:
            context.payout = context.payouts[0]


def _deliverables(context: TaskContext, task: Task) -> None:
    deliverable_id = task_deliverable_id(task)
    if deliverable_id is not None:
        context.deliverable = Deliverable.objects.filter(
            organization_id=task.organization_id, pk=deliverable_id
        ).first()
    if task.kind in (TaskKind.DELIVERABLE_OVERDUE, TaskKind.UNDERPERFORMING) and task.enrollment_id:
        context.open_deliverables = list(
            Deliverable.objects.filter(
                organization_id=task.organization_id,
                enrollment_id=task.enrollment_id,
                state__in=MOVABLE,
            ).order_by("due_on", "pk")[:20]
        )


def task_context(*, task: Task, membership: Membership) -> TaskContext:
    """Everything the task page shows besides the task's own fields and history."""
    context = TaskContext(
        task=task,
        may_prelaunch=bool(permissions.can_work_prelaunch(membership)),
        may_postlaunch=bool(permissions.can_work_postlaunch(membership)),
        may_manage_payouts=bool(permissions.can_manage_payouts(membership)),
    )
    context.enrollment = _enrollment(task)
    if context.enrollment is not None:
        context.terms = (
            TermsVersion.objects.filter(
                organization_id=task.organization_id, enrollment_id=context.enrollment.pk
            )
            .order_by("-number")
            .first()
        )
    context.thread = _thread(task)
    if context.thread is not None:
        context.recent_messages = _recent(context.thread)
    _payouts(context, task)
    _deliverables(context, task)
    if task.kind == TaskKind.UNDERPERFORMING and context.enrollment is not None:
        today = org_today(context.enrollment.organization)
        context.pace = enrollment_pace_summary(enrollment=context.enrollment, today=today)
    if context.is_milestone_correction and task.source_request is not None:
        context.requested_milestone = requested_milestone(task.source_request.text)
    return context


def as_template_context(context: TaskContext) -> dict[str, Any]:
    return {"ctx": context, "enrollment": context.enrollment, "terms": context.terms}
