"""The task queue: create (idempotently), claim, reassign, hand over, complete, cancel, escalate.

Every routed unit of work goes through ``task_create``; later issues create their system tasks
(content review, overdue deliverable, underperformer, delayed payout…) through it too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from influencer_ops.events import EventType, emit_many
from messaging.events import task_event
from messaging.kinds import (
    ACTIVE_TASK_STATES,
    DEFAULT_SLA,
    TASK_TRANSITIONS,
    NotificationKind,
    OwnerRole,
    TaskKind,
    TaskState,
)
from messaging.models import Task, TaskEvent, TaskSLA
from messaging.services import notifications
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.selectors import admin_users


def task_sla(*, organization: Organization, kind: str) -> timedelta:
    override = TaskSLA.objects.filter(organization=organization, kind=kind).first()
    if override is not None:
        return timedelta(hours=override.hours)
    return DEFAULT_SLA.get(kind, timedelta(hours=24))


def _move(task: Task, target: str) -> None:
    if target not in TASK_TRANSITIONS[task.state]:
        raise Conflict(
            gettext("This task is %(lower)s; it cannot become %(lower2)s.")
            % {"lower": task.get_state_display().lower(), "lower2": TaskState(target).label.lower()}
        )
    task.state = target


def _event(task: Task, verb: str, actor: Any | None, **fields: Any) -> TaskEvent:
    return TaskEvent.objects.create(
        organization_id=task.organization_id,
        task=task,
        verb=verb,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        **fields,
    )


def _task_url(task: Task) -> str:
    """The desk's task page; approvers work from their inbox instead."""
    approvals = task.owner_role == OwnerRole.APPROVER
    name, args = ("approvals_inbox", {}) if approvals else ("desk_task", {"pk": task.pk})
    return reverse(name, kwargs={"org_slug": task.organization.slug, **args})


def _role_members(task: Task, role: str) -> list[Any]:
    """Everyone holding ``role``; for the approvers' queue only those covering the brand."""
    members = Membership.objects.select_related("user").filter(
        organization_id=task.organization_id, role=role
    )
    if role == OwnerRole.APPROVER:
        program = task.program
        members = members.filter(brands__id=program.brand_id) if program else members.none()
    return [m.user for m in members]


def _notify_owner(task: Task, event: str) -> None:
    """Tell the assignee, or everyone holding the role when it sits in the team queue."""
    if task.assignee_id is not None:
        recipients = [task.assignee]
    else:
        recipients = _role_members(task, task.owner_role)
    queue = (
        gettext("your queue") if task.assignee_id else f"the {task.get_owner_role_display()} queue"
    )
    notifications.notify_many(
        recipients=recipients,
        organization=task.organization,
        kind=NotificationKind.TASK_ASSIGNED,
        event_key=f"task:{task.pk}:{event}",
        title=gettext("New in %(queue)s: %(title)s") % {"queue": queue, "title": task.title},
        body=gettext("Due %(due_at)s UTC.") % {"due_at": format(task.due_at, "%Y-%m-%d %H:%M")},
        url=_task_url(task),
    )


@transaction.atomic
def task_create(
    *,
    organization: Organization,
    kind: str,
    title: str,
    owner_role: str,
    dedupe_key: str,
    assignee: Any | None = None,
    program: Any | None = None,
    enrollment: Any | None = None,
    creator: Any | None = None,
    source_request: Any | None = None,
    source_event: str = "",
    actor: Any | None = None,
    note: str = "",
    due_at: datetime | None = None,
    notify: bool = True,
) -> tuple[Task, bool]:
    """Create a task unless an active one with ``dedupe_key`` exists. Returns (task, created).

    Idempotent: the same event never makes two open tasks (a partial unique constraint).
    ``notify=False`` when the caller sends its own, more precise notice to the owners.
    """
    if kind not in TaskKind.values:
        raise DomainError(gettext("Unknown task kind “%(kind)s”.") % {"kind": kind})
    if owner_role not in OwnerRole.values:
        raise DomainError(gettext("Unknown owner role “%(role)s”.") % {"role": owner_role})
    existing = Task.objects.filter(
        organization=organization, dedupe_key=dedupe_key, state__in=ACTIVE_TASK_STATES
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            task = Task.objects.create(
                organization=organization,
                kind=kind,
                title=title[:200],
                owner_role=owner_role,
                assignee=assignee,
                program=program,
                enrollment=enrollment,
                creator=creator,
                source_request=source_request,
                source_event=source_event,
                dedupe_key=dedupe_key,
                due_at=due_at or timezone.now() + task_sla(organization=organization, kind=kind),
            )
    except IntegrityError:  # a concurrent create won the race
        return Task.objects.get(
            organization=organization, dedupe_key=dedupe_key, state__in=ACTIVE_TASK_STATES
        ), False
    _event(task, "created", actor, to_role=owner_role, to_assignee=assignee, note=note)
    if notify:
        _notify_owner(task, "created")
    return task, True


def may_work_on(membership: Membership, task: Task) -> bool:
    """Admins work every queue; ISMs and BSMs work their own role's tasks."""
    return membership.role == Role.ADMIN or membership.role == task.owner_role


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().select_related("organization").get(pk=task.pk)


@transaction.atomic
def task_claim(*, task: Task, membership: Membership) -> Task:
    if not may_work_on(membership, task):
        raise Forbidden(gettext("Only the owning role's team can claim this task."))
    locked = _lock(task)
    if locked.state == TaskState.IN_PROGRESS and locked.assignee_id == membership.user_id:
        return locked
    if locked.state == TaskState.IN_PROGRESS:
        raise Conflict(gettext("Someone else is already working on this task."))
    previous = locked.assignee
    _move(locked, TaskState.IN_PROGRESS)
    locked.assignee = membership.user
    locked.save(update_fields=["state", "assignee", "updated_at"])
    _event(locked, "claimed", membership.user, from_assignee=previous, to_assignee=membership.user)
    audit_record(  # the same trail as a bulk claim from the desk's bar
        organization=membership.organization,
        actor=membership.user,
        verb=AuditVerb.TASK_CLAIMED,
        target=locked,
        before={"assignee": previous.pk if previous else None},
        after={"assignee": membership.user_id, "state": locked.state},
    )
    return locked


def _check_assignee(task: Task, user: Any | None) -> None:
    if user is None:
        return
    membership = Membership.objects.filter(organization_id=task.organization_id, user=user).first()
    team = _role_members(task, task.owner_role)  # approvers: only those covering the brand
    if membership is None or (membership.role != Role.ADMIN and membership.user not in team):
        raise DomainError(
            gettext("The task can only go to a member of the %(owner_role)s team.")
            % {"owner_role": task.get_owner_role_display()}
        )


@transaction.atomic
def task_reassign(
    *, task: Task, membership: Membership, assignee: Any | None, note: str = ""
) -> Task:
    """Give the task to a person of its role, or (``assignee=None``) back to the team queue."""
    if not may_work_on(membership, task):
        raise Forbidden(gettext("Only the owning role's team can reassign this task."))
    locked = _lock(task)
    if locked.state not in ACTIVE_TASK_STATES:
        raise Conflict(
            gettext("This task is %(lower)s.") % {"lower": locked.get_state_display().lower()}
        )
    _check_assignee(locked, assignee)
    previous = locked.assignee
    locked.assignee = assignee
    if locked.state == TaskState.IN_PROGRESS:
        _move(locked, TaskState.OPEN)
    locked.save(update_fields=["assignee", "state", "updated_at"])
    _event(
        locked,
        "reassigned",
        membership.user,
        from_assignee=previous,
        to_assignee=assignee,
        note=note,
    )
    _notify_owner(locked, f"reassigned:{locked.events.count()}")
    return locked


@transaction.atomic
def task_complete(
    *, task: Task, actor: Any, resolution: str, membership: Membership | None = None
) -> Task:
    if membership is not None and not may_work_on(membership, task):
        raise Forbidden(gettext("Only the owning role's team can complete this task."))
    resolution = resolution.strip()
    if not resolution:
        raise DomainError(gettext("Say how the task was resolved."))
    locked = _lock(task)
    _move(locked, TaskState.DONE)
    if locked.assignee_id is None:
        locked.assignee = actor
    locked.resolution = resolution[:5000]
    locked.completed_at = locked.resolved_at = timezone.now()
    # A resolution without an earlier reply is the first answer too.
    locked.first_answered_at = locked.first_answered_at or locked.resolved_at
    fields = ["state", "assignee", "resolution", "completed_at", "resolved_at", "updated_at"]
    locked.save(update_fields=[*fields, "first_answered_at"])
    _event(locked, "completed", actor, note=resolution[:5000])
    return locked


@transaction.atomic
def task_cancel(*, task: Task, actor: Any | None, reason: str) -> Task:
    locked = _lock(task)
    _move(locked, TaskState.CANCELLED)
    locked.completed_at = timezone.now()
    locked.save(update_fields=["state", "completed_at", "updated_at"])
    _event(locked, "cancelled", actor, note=reason)
    return locked


@transaction.atomic
def task_handover_program(*, program: Any, actor: Any | None) -> int:
    """At launch: every active ISM task about ``program`` goes to its BSM (person or queue),
    keeping its history. Returns how many were handed over."""
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("enrollment", "organization")
        .filter(
            organization_id=program.organization_id,
            program=program,
            owner_role=OwnerRole.ISM,
            state__in=ACTIVE_TASK_STATES,
        )
    )
    for task in tasks:
        enrollment = task.enrollment
        bsm = (
            enrollment.assigned_bsm
            if enrollment and enrollment.assigned_bsm_id
            else program.assigned_bsm
        )
        previous = task.assignee
        task.owner_role = OwnerRole.BSM
        task.assignee = bsm
        task.state = TaskState.OPEN  # the ISM's claim does not carry over
        task.save(update_fields=["owner_role", "assignee", "state", "updated_at"])
        _event(
            task,
            "handed_over",
            actor,
            from_role=OwnerRole.ISM,
            to_role=OwnerRole.BSM,
            from_assignee=previous,
            to_assignee=bsm,
            note=gettext("%(name)s launched: the BSM owns it from now on.")
            % {"name": program.name},
        )
        _notify_owner(task, "handed_over")
    return len(tasks)


def _hand_to_bsm(task: Task) -> None:
    """An approval past its due time goes to the BSM (person or queue) to chase, with a task
    event; the approvers can still decide from their inbox."""
    enrollment, program = task.enrollment, task.program
    bsm = enrollment.assigned_bsm if enrollment is not None else None
    if bsm is None and program is not None:
        bsm = program.assigned_bsm
    previous = task.assignee
    task.owner_role = OwnerRole.BSM
    task.assignee = bsm
    task.state = TaskState.OPEN
    task.save(update_fields=["owner_role", "assignee", "state", "updated_at"])
    _event(
        task,
        "handed_over",
        None,
        from_role=OwnerRole.APPROVER,
        to_role=OwnerRole.BSM,
        from_assignee=previous,
        to_assignee=bsm,
        note=gettext("No approver decided in time: the BSM chases the approval."),
    )


def escalate_overdue(
    *, organization: Organization, now: datetime | None = None, batch_size: int = 200
) -> int:
    """Escalate this org's active tasks past their due time, once each.

    Safe to run twice at once: rows are claimed with SKIP LOCKED and marked escalated in the
    same transaction; the notifications' unique keys make a second send impossible anyway.
    """
    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                Task.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee", "organization", "program", "enrollment")
                .filter(
                    organization=organization,
                    state__in=ACTIVE_TASK_STATES,
                    escalated_at__isnull=True,
                    due_at__lt=now,
                )
                .order_by("due_at")[:batch_size]
            )
            if not batch:
                return escalated
            Task.objects.filter(pk__in=[t.pk for t in batch]).update(escalated_at=now)
            emit_many(organization, EventType.TASK_ESCALATED, [task_event(t) for t in batch])
            admins = admin_users(organization_id=organization.pk)
            for task in batch:
                _event(
                    task,
                    "escalated",
                    None,
                    note=gettext("Past its due time (%(at)s UTC).")
                    % {"at": f"{task.due_at:%Y-%m-%d %H:%M}"},
                )
                owners = [task.assignee] if task.assignee else []
                if task.owner_role == OwnerRole.APPROVER:
                    _hand_to_bsm(task)
                    owners = [task.assignee] if task.assignee else _role_members(task, "bsm")
                recipients = owners + admins
                notifications.notify_many(
                    recipients=recipients,
                    organization=organization,
                    kind=NotificationKind.TASK_ESCALATED,
                    event_key=f"task:{task.pk}:escalated",
                    title=gettext("Overdue: %(title)s") % {"title": task.title},
                    body=gettext("Was due %(due_at)s UTC (%(owner_role)s).")
                    % {
                        "due_at": format(task.due_at, "%Y-%m-%d %H:%M"),
                        "owner_role": task.get_owner_role_display(),
                    },
                    url=_task_url(task),
                )
            escalated += len(batch)


# Its old home: callers keep working.
from messaging.services.sla import task_sla_set as task_sla_set  # noqa: E402
