"""Bulk work on the desk: claim the ticked tasks, or assign them to one member of their team.

One call, one transaction, all or nothing: the tasks are locked in id order, every refusal is
collected before anything is written, and the writes are bulk (one UPDATE of the tasks, one
INSERT of their task events, one of their audit events). The page, the API and any job use
``tasks_bulk``.

The rules, the same as for one task (``queue.task_claim`` / ``queue.task_reassign``):

- the tasks are the member's desk work (``selectors.desk_roles``): another org's task, a
  missing one or another team's task the member cannot see is a ``NotFound`` for the ids,
  before anything is written;
- claim: a task someone else is already working on is refused (409, naming it);
- assign: the assignee must be a member of the org (else ``NotFound``) on the team that owns
  each task — its role, or an admin; for approvals an approver covering the program's brand —
  a task of another team is refused (400, naming it);
- closed tasks (done or cancelled while the list was open) are skipped and said so: there is
  nothing left to claim or assign, and the rest goes ahead;
- a task already in the wanted hands is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record_many
from influencer_ops.errors import Conflict, DomainError, NotFound
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind, OwnerRole, TaskState
from messaging.models import Task, TaskEvent
from messaging.selectors import desk_roles
from messaging.services import notifications
from organizations.models import Membership
from organizations.roles import Role

CLAIM = "claim"
ASSIGN = "assign"
BULK_ACTIONS = (CLAIM, ASSIGN)
BULK_MAX = 200  # tasks in one action: two desk pages at most


class TasksRefused(DomainError):
    """Some chosen tasks cannot be changed this way: nothing was changed. ``refusals`` names
    each task and why; the status is 400 when a task belongs to another team, else 409."""

    def __init__(self, refusals: list[str], *, status_code: int) -> None:
        super().__init__(
            f"Nothing was changed: {len(refusals)} of the chosen tasks "
            f"cannot be {'claimed' if status_code == 409 else 'given to that person'}."
        )
        self.refusals = refusals
        self.status_code = status_code


@dataclass
class BulkResult:
    action: str
    changed: list[Task] = field(default_factory=list)
    closed: list[Task] = field(default_factory=list)  # done or cancelled: skipped
    unchanged: list[Task] = field(default_factory=list)  # already in the wanted hands
    assignee: Any | None = None

    def message(self) -> str:
        """What happened, in one sentence for the page's flash message."""
        n = len(self.changed)
        if self.action == CLAIM:
            text = f"{n} task{pluralize(n)} claimed: {'it is' if n == 1 else 'they are'} yours."
        else:
            name = getattr(self.assignee, "display_name", "")
            text = f"{n} task{pluralize(n)} assigned to {name}."
        if self.unchanged:
            k = len(self.unchanged)
            text += f" {k} {'was' if k == 1 else 'were'} already {_whose(self)}."
        if self.closed:
            k = len(self.closed)
            titles = ", ".join(f"“{t.title}”" for t in self.closed[:3])
            more = f" and {k - 3} more" if k > 3 else ""
            text += f" Skipped {k} closed task{pluralize(k)} ({titles}{more}): nothing left to do."
        return text


def _whose(result: BulkResult) -> str:
    if result.action == CLAIM:
        return "yours"
    return f"with {getattr(result.assignee, 'display_name', 'them')}"


def _label(task: Task) -> str:
    return f"“{task.title}” (#{task.pk})"


@transaction.atomic
def tasks_bulk(
    *,
    membership: Membership,
    action: str,
    task_ids: list[int],
    assignee_id: int | None = None,
) -> BulkResult:
    """Claim (for ``membership``'s user) or assign (to ``assignee_id``) the chosen tasks."""
    if action not in BULK_ACTIONS:
        raise DomainError("Choose what to do with the ticked tasks: claim or assign.")
    wanted = sorted(set(task_ids))
    if not wanted:
        raise DomainError("Tick at least one task.")
    if len(wanted) > BULK_MAX:
        raise DomainError(f"At most {BULK_MAX} tasks at once.")
    organization = membership.organization
    assignee = _assignee(membership, assignee_id) if action == ASSIGN else None
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .select_related("assignee", "program")
        .filter(
            organization=organization,
            owner_role__in=desk_roles(membership) or ["-"],
            pk__in=wanted,
        )
        .order_by("pk")
    )
    if len(tasks) != len(wanted):
        raise NotFound("Some chosen tasks do not exist.")
    user = membership.user
    target = user if action == CLAIM else assignee.user  # type: ignore[union-attr]
    result = BulkResult(action=action, assignee=target)
    refusals: list[str] = []
    for task in tasks:
        if task.state not in ACTIVE_TASK_STATES:
            result.closed.append(task)
        elif task.assignee_id == target.pk and (
            action == ASSIGN or task.state == TaskState.IN_PROGRESS
        ):
            result.unchanged.append(task)
        elif action == CLAIM and task.state == TaskState.IN_PROGRESS:
            who = task.assignee.display_name if task.assignee else "someone else"
            refusals.append(f"{_label(task)}: {who} is already working on it.")
        elif action == ASSIGN and not _on_team(assignee, task):  # type: ignore[arg-type]
            refusals.append(
                f"{_label(task)} is {task.get_owner_role_display()} work: "
                f"{target.display_name} is not on that team."
            )
        else:
            result.changed.append(task)
    if refusals:
        status = 409 if action == CLAIM else 400
        raise TasksRefused(refusals, status_code=status)
    if not result.changed and not result.unchanged:
        raise Conflict("Nothing was changed: every chosen task is already closed.")
    _write(result, organization=organization, actor=user, target=target)
    return result


def _assignee(membership: Membership, assignee_id: int | None) -> Membership:
    if assignee_id is None:
        raise DomainError("Choose who gets the ticked tasks.")
    found = (
        Membership.objects.select_related("user")
        .prefetch_related("brands")
        .filter(organization=membership.organization, user_id=assignee_id)
        .first()
    )
    if found is None:
        raise NotFound("No such member of this organization.")
    return found


def _on_team(assignee: Membership, task: Task) -> bool:
    """Admins take any task; otherwise the task's own role, and for approvals only an
    approver covering the program's brand (as ``queue.task_reassign`` decides)."""
    if assignee.role == Role.ADMIN:
        return True
    if assignee.role != task.owner_role:
        return False
    if task.owner_role == OwnerRole.APPROVER:
        brand_ids = {brand.pk for brand in assignee.brands.all()}
        return task.program is not None and task.program.brand_id in brand_ids
    return True


def _write(result: BulkResult, *, organization: Any, actor: Any, target: Any) -> None:
    now = timezone.now()
    events: list[TaskEvent] = []
    changes: list[tuple[Task, dict[str, Any] | None, dict[str, Any] | None]] = []
    claim = result.action == CLAIM
    for task in result.changed:
        previous = task.assignee
        task.assignee = target
        task.state = TaskState.IN_PROGRESS if claim else TaskState.OPEN
        task.updated_at = now  # bulk_update skips auto_now
        events.append(
            TaskEvent(
                organization_id=task.organization_id,
                task=task,
                verb="claimed" if claim else "reassigned",
                actor=actor,
                from_assignee=previous,
                to_assignee=target,
                note="" if claim else "Assigned with other tasks from the desk.",
            )
        )
        before = {"assignee": previous.pk if previous else None}
        changes.append((task, before, {"assignee": target.pk, "state": task.state}))
    if not result.changed:
        return
    Task.objects.bulk_update(result.changed, ["assignee", "state", "updated_at"])
    TaskEvent.objects.bulk_create(events)
    verb = AuditVerb.TASK_CLAIMED if claim else AuditVerb.TASK_ASSIGNED
    audit_record_many(organization=organization, actor=actor, verb=verb, changes=changes)
    if not claim and target.pk != actor.pk:
        _notify_assignee(result, organization=organization, first_event=events[0])


def _notify_assignee(result: BulkResult, *, organization: Any, first_event: TaskEvent) -> None:
    """One notice for the lot, not one per task."""
    n = len(result.changed)
    first = result.changed[0]
    others = f" and {n - 1} more" if n > 1 else ""
    notifications.notify_many(
        recipients=[result.assignee],
        organization=organization,
        kind=NotificationKind.TASK_ASSIGNED,
        event_key=f"tasks:bulk:{first_event.pk}:assigned",
        title=f"{n} task{pluralize(n)} in your queue: {first.title}{others}",
        body="Assigned to you from the desk.",
        url=reverse("org_desk", kwargs={"org_slug": organization.slug}),
    )
