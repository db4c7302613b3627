"""Reads for the desk, threads, the portal and the bell. Constant query counts throughout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from influencers.models import CreatorProfile
from messaging.kinds import ACTIVE_TASK_STATES, OwnerRole, TaskState
from messaging.models import (
    Message,
    Notification,
    Request,
    Task,
    TaskEvent,
    TaskSLA,
    TaskTotal,
    Thread,
    ThreadRead,
)
from organizations.models import Membership, Organization
from organizations.roles import Role
from programs.models import Enrollment, Program, TermsVersion

# Before any message: a thread the user never opened counts every message of others as unread.
NEVER_READ = datetime(1970, 1, 1, tzinfo=UTC)


def desk_roles(membership: Membership) -> list[str]:
    """ISMs see pre-launch work, BSMs post-launch work, admins both and the approvers' queue
    (approvers work theirs from the approvals inbox, brand by brand)."""
    if membership.role == Role.ADMIN:
        return [OwnerRole.ISM, OwnerRole.BSM, OwnerRole.APPROVER]
    if membership.role in (Role.ISM, Role.BSM):
        return [membership.role]
    return []


@dataclass(frozen=True)
class TaskFilters:
    kind: str = ""
    program_id: int | None = None
    state: str = ""
    overdue: bool = False
    due_within_days: int | None = None


def _task_base(organization: Organization) -> QuerySet[Task]:
    return Task.objects.filter(organization=organization).select_related(
        "assignee", "program", "creator", "source_request"
    )


def _apply(qs: QuerySet[Task], filters: TaskFilters, now: datetime) -> QuerySet[Task]:
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.program_id:
        qs = qs.filter(program_id=filters.program_id)
    if filters.state:
        qs = qs.filter(state=filters.state)
    else:
        qs = qs.filter(state__in=ACTIVE_TASK_STATES)
    if filters.overdue:
        qs = qs.filter(due_at__lt=now, state__in=ACTIVE_TASK_STATES)
    if filters.due_within_days is not None:
        qs = qs.filter(due_at__lt=now + timedelta(days=filters.due_within_days))
    return qs.order_by("due_at", "id")


# The desk's sortable columns (``?sort=due`` / ``?sort=-due``): each sorts by its fields,
# then the id, so rows that tie keep one order across pages. Any other value is ignored.
TASK_SORTS: dict[str, tuple[str, ...]] = {
    "due": ("due_at",),
    "kind": ("kind",),
    "program": ("program__name",),
    "owner": ("owner_role", "assignee__name", "assignee__email"),
    "state": ("state",),
    "title": ("title",),
}
DEFAULT_TASK_SORT = "due"


def task_sort_key(value: str | None) -> str:
    """``value`` when it names a sortable column (``due``, ``-due``…), else the default."""
    value = value or ""
    return value if value.lstrip("-") in TASK_SORTS and value.count("-") <= 1 else DEFAULT_TASK_SORT


def task_sorted(qs: QuerySet[Task], sort: str) -> QuerySet[Task]:
    """``qs`` in the order of ``sort`` (see ``task_sort_key``), ending with the id."""
    key = task_sort_key(sort)
    prefix = "-" if key.startswith("-") else ""
    fields = [f"{prefix}{name}" for name in TASK_SORTS[key.lstrip("-")]]
    return qs.order_by(*fields, f"{prefix}id")


def task_list_mine(*, membership: Membership, filters: TaskFilters) -> QuerySet[Task]:
    qs = _task_base(membership.organization).filter(
        assignee=membership.user, owner_role__in=desk_roles(membership) or ["-"]
    )
    return _apply(qs, filters, timezone.now())


def task_list_queue(*, membership: Membership, filters: TaskFilters) -> QuerySet[Task]:
    qs = _task_base(membership.organization).filter(
        assignee__isnull=True, owner_role__in=desk_roles(membership) or ["-"]
    )
    return _apply(qs, filters, timezone.now())


def task_list_for_api(
    *, membership: Membership, filters: TaskFilters, scope: str = ""
) -> QuerySet[Task]:
    qs = _task_base(membership.organization).filter(owner_role__in=desk_roles(membership) or ["-"])
    if scope == "mine":
        qs = qs.filter(assignee=membership.user)
    elif scope == "queue":
        qs = qs.filter(assignee__isnull=True)
    return _apply(qs, filters, timezone.now())


def task_counts(*, membership: Membership) -> dict[str, int]:
    """Open, in progress and done from the totals the database keeps (a few rows, however
    many tasks the org has had); overdue counted from the active tasks, off ``task_queue``."""
    roles = desk_roles(membership) or ["-"]
    counts = {"open": 0, "in_progress": 0, "overdue": 0, "done": 0}
    for state, count in TaskTotal.objects.filter(
        organization=membership.organization,
        owner_role__in=roles,
        state__in=[TaskState.OPEN, TaskState.IN_PROGRESS, TaskState.DONE],
    ).values_list("state", "count"):
        counts[state] += count
    # Counting the (never null) state, not the id: every column read is in ``task_queue``
    # (organization, owner_role, state, due_at), so PostgreSQL counts from the index (#18).
    counts["overdue"] = Task.objects.filter(
        organization=membership.organization,
        owner_role__in=roles,
        state__in=ACTIVE_TASK_STATES,
        due_at__lt=timezone.now(),
    ).aggregate(n=Count("state"))["n"]
    return counts


def task_detail(*, organization: Organization) -> QuerySet[Task]:
    return _task_base(organization).select_related(
        "enrollment", "source_request__thread", "source_request__payout"
    )


def task_history(*, task: Task) -> QuerySet[TaskEvent]:
    return TaskEvent.objects.filter(organization_id=task.organization_id, task=task).select_related(
        "actor", "from_assignee", "to_assignee"
    )


def assignable_members(*, task: Task) -> QuerySet[Membership]:
    members = Membership.objects.filter(
        organization_id=task.organization_id, role__in=[task.owner_role, Role.ADMIN]
    )
    if task.owner_role == OwnerRole.APPROVER:  # only the approvers covering the brand
        brand_id = task.program.brand_id if task.program is not None else None
        members = members.filter(Q(role=Role.ADMIN) | Q(brands__id=brand_id))
    return members.select_related("user").order_by("user__email")


def desk_assignees(*, membership: Membership) -> list[tuple[str, list[tuple[int, str]]]]:
    """Who the desk's "Assign to…" offers, grouped by role: the members of the teams whose
    work this member sees, and the admins (who take any task). One query."""
    roles = [*desk_roles(membership), Role.ADMIN]
    labels = dict(Role.choices)
    members = (
        Membership.objects.filter(organization=membership.organization, role__in=roles)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    groups: dict[str, list[tuple[int, str]]] = {role: [] for role in roles}
    for m in members:
        groups[m.role].append((m.user_id, m.user.display_name))
    return [(str(labels[role]), people) for role, people in groups.items() if people]


def _with_unread(qs: QuerySet[Thread], user: Any) -> QuerySet[Thread]:
    """``unread``: the messages of others since the user last read the thread.

    Correlated subqueries, not a join and ``GROUP BY``: PostgreSQL evaluates them after the
    sort and the ``LIMIT``, for the threads of the page only (the join counted every message
    of the org before the limit, and spilled its sort to disk; #18).
    """
    last_read = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("last_read_at")[
        :1
    ]
    unread = (
        Message.objects.filter(
            thread=OuterRef("pk"),
            created_at__gt=Coalesce(OuterRef("last_read_at"), Value(NEVER_READ)),
        )
        .exclude(author=user)
        .order_by()
        .values("thread")
        .annotate(count=Count("id"))
        .values("count")
    )
    return qs.annotate(last_read_at=Subquery(last_read)).annotate(
        unread=Coalesce(Subquery(unread), 0)
    )


def thread_list_for_staff(*, organization: Organization, user: Any) -> QuerySet[Thread]:
    qs = Thread.objects.filter(organization=organization).select_related(
        "enrollment__creator", "program"
    )
    return _with_unread(qs, user).order_by("-last_message_at", "-id")


def thread_messages(*, thread: Thread) -> QuerySet[Message]:
    return Message.objects.filter(
        organization_id=thread.organization_id, thread=thread
    ).select_related("author", "request")


def thread_open_requests(*, thread: Thread) -> QuerySet[Task]:
    return Task.objects.filter(
        organization_id=thread.organization_id,
        source_request__thread=thread,
        state__in=ACTIVE_TASK_STATES,
    ).select_related("assignee")


# --- the creator's side (portal). Always given the user; orgs come from their profiles. ---


def creator_profiles(*, user: Any) -> QuerySet[Any]:
    return CreatorProfile.objects.filter(user=user).select_related("organization")


def creator_enrollments(*, user: Any) -> QuerySet[Any]:
    """The creator's places; ``new_terms_waiting``: an amendment after the terms they accepted
    awaits their answer."""
    amendment = TermsVersion.objects.filter(
        enrollment=OuterRef("pk"),
        number__gt=Coalesce(OuterRef("terms_version__number"), 0),
        accepted_at__isnull=True,
        declined_at__isnull=True,
    )
    return (
        # A waitlisted place is not an invitation yet: the creator hears when it is sent.
        Enrollment.objects.filter(creator__user=user)
        .exclude(state="waitlisted")
        .select_related("program", "program__brand", "creator", "organization")
        .annotate(new_terms_waiting=Exists(amendment))
        .order_by("-created_at")
    )


def creator_requests(*, user: Any) -> QuerySet[Request]:
    return (
        Request.objects.filter(creator__user=user)
        .select_related("enrollment__program", "organization", "task__assignee", "thread")
        .order_by("-created_at", "-id")
    )


def creator_threads(*, user: Any) -> QuerySet[Thread]:
    """The threads of the creator's places and the announcements of their programs.

    The two sets are found each through its own index and joined by ``UNION`` (an ``OR`` of
    the two made PostgreSQL read every thread of every org the creator works with; #18).
    """
    mine = Enrollment.objects.filter(creator__user=user).exclude(
        state__in=["declined", "expired", "withdrawn"]
    )
    own = Thread.objects.filter(enrollment__creator__user=user).order_by().values("id")
    announcements = (
        Thread.objects.filter(
            kind=Thread.Kind.ANNOUNCEMENT, program_id__in=mine.values("program_id")
        )
        .order_by()
        .values("id")
    )
    qs = Thread.objects.filter(id__in=own.union(announcements)).select_related(
        "program", "organization", "enrollment"
    )
    return _with_unread(qs, user).order_by("-last_message_at", "-id")


def creator_has_announcement_access(*, user: Any, thread: Thread) -> bool:
    return (
        Enrollment.objects.filter(creator__user=user, program=thread.program)
        .exclude(state__in=["declined", "expired", "withdrawn"])
        .exists()
    )


# --- notifications (the bell) ---


def notification_list(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def has_unread(*, user: Any) -> bool:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


# --- added for the REST API (messaging/api.py) ---


def task_detail_for_desk(*, membership: Membership) -> QuerySet[Task]:
    """The tasks ``membership`` may open on the desk: its org's, of its desk roles only."""
    return task_detail(organization=membership.organization).filter(
        owner_role__in=desk_roles(membership) or ["-"]
    )


def task_moved_away(*, membership: Membership, pk: Any) -> tuple[Task, TaskEvent] | None:
    """A task that once sat in one of ``membership``'s desk queues and was handed to another
    role (at launch, or on escalation), with the event that moved it; None otherwise. Its
    former owners may still read where it went (their notifications link to it)."""
    roles = desk_roles(membership)
    moved = (
        TaskEvent.objects.filter(
            organization_id=membership.organization_id,
            task_id=pk,
            verb="handed_over",
            from_role__in=roles or ["-"],
        )
        .exclude(task__owner_role__in=roles or ["-"])
        .select_related("task__program", "task__creator", "to_assignee")
        .order_by("-at", "-pk")
        .first()
    )
    return (moved.task, moved) if moved is not None else None


def creator_enrollment(*, user: Any, enrollment_id: int) -> Any | None:
    """One of the creator's own enrollments (with program and creator), or None."""

    return (
        Enrollment.objects.select_related("program", "creator", "organization")
        .filter(pk=enrollment_id, creator__user=user)
        .first()
    )


def creator_thread(*, user: Any, thread_id: int) -> Thread | None:
    """A thread the creator may read: their own enrollment's, or an announcement of a program
    they are enrolled in. None for anything else (the caller answers 404)."""
    thread = (
        Thread.objects.select_related("enrollment__creator", "program", "organization")
        .filter(pk=thread_id)
        .first()
    )
    if thread is None:
        return None
    if thread.kind == Thread.Kind.ENROLLMENT:
        enrollment = thread.enrollment
        mine = enrollment is not None and enrollment.creator.user_id == user.pk
        return thread if mine else None
    return thread if creator_has_announcement_access(user=user, thread=thread) else None


def program_choices(*, organization: Organization) -> list[tuple[int, str]]:
    """(id, name) of the org's programs, by name: the desk's filter and announcement forms."""
    return list(
        Program.objects.filter(organization=organization).order_by("name").values_list("pk", "name")
    )


def task_sla_hours(*, organization: Organization) -> dict[str, int]:
    """The org's own due time per task kind, in hours (kinds without one use the default)."""
    return {s.kind: s.hours for s in TaskSLA.objects.filter(organization=organization)}


def staff_threads(*, organization: Organization) -> QuerySet[Thread]:
    """The org's threads with what a staff thread page shows (look one up with get_for_org)."""
    return Thread.objects.filter(organization=organization).select_related(
        "enrollment__creator", "program"
    )
