"""Deadlines after launch: reminders, overdue tasks, extensions, bulk due-date changes, and
completing programs whose work is all done.

A due date only ever moves forward through these services; ``original_due_on`` keeps the date
first promised, so a granted extension is on record and never counted against the creator.
Reminders are keyed on (deliverable, due date, kind, days before): when a date moves, the
reminders of the new date go out as if it had always been the date.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.errors import Conflict, DomainError, Forbidden
from messaging.kinds import ACTIVE_TASK_STATES, NotificationKind, OwnerRole, TaskKind
from messaging.models import Task
from messaging.services import notifications
from messaging.services.queue import task_complete, task_create
from organizations import permissions
from organizations.models import Membership, Organization
from programs.models import (
    Deliverable,
    DeliverableSpec,
    DeliverableState,
    Extension,
    ExtensionState,
    Program,
    ReminderSent,
)
from programs.models.delivery import OPEN_FOR_CREATOR
from programs.states import EnrollmentState, ProgramState

logger = logging.getLogger(__name__)

# An overdue reminder is sent on the first sweep after the due date; looking back this far
# covers a sweep that was down for a while without rescanning every old deliverable.
OVERDUE_LOOKBACK_DAYS = 30
SWEEP_BATCH = 500
# A creator may ask for more time while the work can still change.
EXTENDABLE_STATES = frozenset(
    {DeliverableState.PENDING, DeliverableState.CHANGES_REQUESTED, DeliverableState.SUBMITTED}
)
# A program is done when each deliverable is one of these (or its enrollment has ended).
DONE_STATES = (DeliverableState.PUBLISHED, DeliverableState.EXCUSED, DeliverableState.CANCELLED)
NO_PENALTY = "granted without penalty"
# Due dates are part of the terms; messaging has no deadline-specific kind (yet).
REMINDER_NOTIFICATION = NotificationKind.INVITATION
EXTENSION_NOTIFICATION = NotificationKind.REQUEST_ANSWERED


class DeliverableNotFound(DomainError):
    """Not the creator's own deliverable: the same answer as a missing one."""

    status_code = 404


def org_today(organization: Organization) -> date:
    """Due dates are days on the organization's calendar, not the server's."""
    try:
        zone = zoneinfo.ZoneInfo(organization.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


def deliverable_label(deliverable: Deliverable) -> str:
    try:
        kind = DeliverableSpec.Kind(deliverable.kind).label
    except ValueError:
        kind = deliverable.kind.title()
    return f"{kind} on {deliverable.get_platform_display()}"


def _bsm_for(deliverable: Deliverable) -> Any | None:
    enrollment = deliverable.enrollment
    return (
        enrollment.assigned_bsm if enrollment.assigned_bsm_id else deliverable.program.assigned_bsm
    )


def _portal_url(deliverable: Deliverable) -> str:
    return reverse("portal_extension_request", kwargs={"pk": deliverable.pk})


def _tell_creator(
    deliverable: Deliverable, kind: str, event_key: str, title: str, body: str
) -> None:
    user = deliverable.enrollment.creator.user
    notifications.notify_many(
        recipients=[user] if user is not None else [],
        organization=deliverable.organization,
        kind=kind,
        event_key=event_key,
        title=title,
        body=body,
        url=_portal_url(deliverable),
    )


# --- reminders and overdue tasks ---


@dataclass(frozen=True)
class ReminderSweepResult:
    before: int = 0
    due_today: int = 0
    overdue: int = 0
    tasks: int = 0

    @property
    def sent(self) -> int:
        return self.before + self.due_today + self.overdue


def due_candidates(*, organization: Organization, first: date, last: date) -> QuerySet[Deliverable]:
    """Open deliverables of active enrollments in launched programs due in [first, last].

    Organization + open state + a due-date range: served by the partial index
    ``deliverable_due_sweep``, so the deliverables not due soon are never read."""
    return Deliverable.objects.filter(
        organization=organization,
        state__in=OPEN_FOR_CREATOR,
        due_on__gte=first,
        due_on__lte=last,
        enrollment__state=EnrollmentState.ACTIVE,
        program__state=ProgramState.LAUNCHED,
    )


def _horizon(organization: Organization) -> int:
    """The most days before a due date any launched program of the org reminds at."""
    lists = Program.objects.filter(
        organization=organization, state=ProgramState.LAUNCHED
    ).values_list("reminder_days_before", flat=True)
    return max((n for days in lists for n in days or ()), default=0)


def _reminder_due(deliverable: Deliverable, today: date) -> tuple[str, int] | None:
    days = (deliverable.due_on - today).days
    if days > 0:
        wanted = days in (deliverable.program.reminder_days_before or ())
        return (ReminderSent.Kind.BEFORE, days) if wanted else None
    if days == 0:
        return ReminderSent.Kind.DUE_TODAY, 0
    return ReminderSent.Kind.OVERDUE, 0


def _record_reminders(
    organization: Organization, rows: list[tuple[int, date, str, int]]
) -> set[tuple[int, date, str, int]]:
    """INSERT … ON CONFLICT DO NOTHING in one statement; returns the rows this call inserted.

    Rows go in a fixed order, so two sweeps inserting the same keys wait for each other instead
    of deadlocking, and the second one inserts (and so sends) nothing."""
    if not rows:
        return set()
    ids, dues, kinds, days = (list(column) for column in zip(*sorted(rows), strict=True))
    table = ReminderSent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (the table name is ours, values are parameters)
            "(organization_id, deliverable_id, due_on, kind, days_before, sent_at) "
            "SELECT %s, t.d, t.due, t.k, t.n, %s "
            "FROM unnest(%s::bigint[], %s::date[], %s::varchar[], %s::integer[]) "
            "WITH ORDINALITY AS t(d, due, k, n, i) ORDER BY t.i "
            "ON CONFLICT (deliverable_id, due_on, kind, days_before) DO NOTHING "
            "RETURNING deliverable_id, due_on, kind, days_before",
            [organization.pk, timezone.now(), ids, dues, kinds, days],
        )
        return {tuple(row) for row in cursor.fetchall()}


def _reminder_text(deliverable: Deliverable, kind: str, days: int) -> tuple[str, str]:
    what = f"{deliverable_label(deliverable)} for {deliverable.program.name}"
    due = f"{deliverable.due_on:%Y-%m-%d}"
    if kind == ReminderSent.Kind.BEFORE:
        return f"Due in {days} day{'s' if days != 1 else ''}: {what}", f"It is due on {due}."
    if kind == ReminderSent.Kind.DUE_TODAY:
        return f"Due today: {what}", f"It is due today, {due}."
    return (
        f"Overdue: {what}",
        f"It was due on {due}. Please submit it, or ask for more time: an extension is "
        f"{NO_PENALTY}.",
    )


def _open_overdue_task(deliverable: Deliverable) -> bool:
    creator = deliverable.enrollment.creator
    _task, created = task_create(
        organization=deliverable.organization,
        kind=TaskKind.DELIVERABLE_OVERDUE,
        title=f"Overdue: {creator.display_name}, {deliverable_label(deliverable)} "
        f"for {deliverable.program.name} (due {deliverable.due_on:%Y-%m-%d})",
        owner_role=OwnerRole.BSM,
        assignee=_bsm_for(deliverable),
        dedupe_key=f"overdue:{deliverable.pk}:{deliverable.due_on}",
        program=deliverable.program,
        enrollment=deliverable.enrollment,
        creator=creator,
        source_event=f"deliverable:{deliverable.pk}:overdue",
    )
    return created


def reminder_sweep(
    *, organization: Organization, today: date, batch_size: int = SWEEP_BATCH
) -> ReminderSweepResult:
    """Send each reminder due today (N days before, on the day, overdue) and open one BSM task
    per overdue deliverable.

    Idempotent and safe to run twice at once: deliverables are claimed in batches with
    SKIP LOCKED, and a reminder is sent only by the call whose INSERT of its ReminderSent row
    (unique per deliverable, due date, kind and days before) went in."""
    first = today - timedelta(days=OVERDUE_LOOKBACK_DAYS)
    last = today + timedelta(days=_horizon(organization))
    counts: Counter[str] = Counter()
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                due_candidates(organization=organization, first=first, last=last)
                .filter(pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "organization",
                    "program__assigned_bsm",
                    "enrollment__assigned_bsm",
                    "enrollment__creator__user",
                )
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            last_pk = batch[-1].pk
            counts += _remind_batch(organization, batch, today)
    return ReminderSweepResult(
        before=counts[ReminderSent.Kind.BEFORE],
        due_today=counts[ReminderSent.Kind.DUE_TODAY],
        overdue=counts[ReminderSent.Kind.OVERDUE],
        tasks=counts["tasks"],
    )


def _remind_batch(
    organization: Organization, batch: list[Deliverable], today: date
) -> Counter[str]:
    due: dict[tuple[int, date, str, int], Deliverable] = {}
    for deliverable in batch:
        reminder = _reminder_due(deliverable, today)
        if reminder is not None:
            due[(deliverable.pk, deliverable.due_on, *reminder)] = deliverable
    counts: Counter[str] = Counter()
    for key in sorted(_record_reminders(organization, list(due))):
        deliverable, (_pk, due_on, kind, days) = due[key], key
        title, body = _reminder_text(deliverable, kind, days)
        _tell_creator(
            deliverable,
            REMINDER_NOTIFICATION,
            f"reminder:{deliverable.pk}:{due_on}:{kind}:{days}",
            title,
            body,
        )
        counts[kind] += 1
        if kind == ReminderSent.Kind.OVERDUE and _open_overdue_task(deliverable):
            counts["tasks"] += 1
    return counts


# --- moving due dates ---


def _close_overdue_tasks(
    moves: Iterable[tuple[Deliverable, date]], today: date, actor: Any | None
) -> None:
    """A deliverable that is no longer overdue needs no chasing: close its overdue task."""
    keys = {
        f"overdue:{deliverable.pk}:{old_due_on}": deliverable
        for deliverable, old_due_on in moves
        if deliverable.due_on >= today
    }
    if not keys:
        return
    for task in Task.objects.filter(
        organization_id=next(iter(keys.values())).organization_id,
        dedupe_key__in=list(keys),
        state__in=ACTIVE_TASK_STATES,
    ):
        new_due_on = keys[task.dedupe_key].due_on
        task_complete(
            task=task,
            actor=actor,
            resolution=f"The due date moved to {new_due_on:%Y-%m-%d} ({NO_PENALTY}): "
            "no longer overdue.",
        )


def _move_due_on(deliverable: Deliverable, new_due_on: date, actor: Any | None) -> None:
    """Move one locked deliverable's due date; ``original_due_on`` stays as first promised."""
    old_due_on = deliverable.due_on
    deliverable.due_on = new_due_on
    deliverable.save(update_fields=["due_on"])
    _close_overdue_tasks([(deliverable, old_due_on)], org_today(deliverable.organization), actor)


def _membership(organization_id: int, user: Any) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(organization_id=organization_id, user=user).first()


def _require_postlaunch(organization_id: int, actor: Any, what: str) -> None:
    if not permissions.can_work_postlaunch(_membership(organization_id, actor)):
        raise Forbidden(f"Only a brand success manager or an admin may {what}.")


@transaction.atomic
def due_dates_shift(
    *,
    program: Program,
    actor: Any,
    days: int | None = None,
    new_due_on: date | None = None,
    deliverable_ids: Iterable[int] | None = None,
) -> int:
    """Move the due dates of a launched program's open deliverables (of active enrollments) by
    ``days``, or to ``new_due_on``; all of them, or those in ``deliverable_ids``. BSM or admin.

    All or none: a chosen deliverable that is not open, or a date in the past, refuses the
    whole change. One bulk UPDATE, one audit event, one notification per creator. Returns how
    many deliverables moved."""
    _require_postlaunch(program.organization_id, actor, "change due dates")
    if (days is None) == (new_due_on is None):
        raise DomainError("Give either a number of days or a new due date.")
    if days == 0:
        raise DomainError("Move the due dates by at least one day.")
    program = Program.objects.select_related("organization").get(pk=program.pk)
    if program.state != ProgramState.LAUNCHED:
        raise Conflict(f"{program.name} is not running: its due dates cannot change.")
    chosen = (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related("enrollment__creator__user")
        .filter(
            organization_id=program.organization_id,
            program=program,
            state__in=EXTENDABLE_STATES,
            enrollment__state=EnrollmentState.ACTIVE,
        )
        .order_by("pk")
    )
    if deliverable_ids is not None:
        wanted = {int(pk) for pk in deliverable_ids}
        chosen = chosen.filter(pk__in=wanted)
    rows = list(chosen)
    if deliverable_ids is not None and len(rows) != len(wanted):
        raise DomainError("Some chosen deliverables are not open in this program.")
    if not rows:
        raise DomainError("This program has no open deliverables to move.")
    moves = [(d, d.due_on + timedelta(days=days) if days else new_due_on) for d in rows]
    today = org_today(program.organization)
    if any(due < today for _d, due in moves if due is not None):
        raise DomainError(f"A due date cannot move into the past (before {today:%Y-%m-%d}).")
    shift = F("due_on") + timedelta(days=days) if days else new_due_on
    Deliverable.objects.filter(pk__in=[d.pk for d in rows]).update(due_on=shift)
    before = {str(d.pk): f"{d.due_on}" for d in rows}
    for deliverable, due in moves:
        deliverable.due_on = due  # type: ignore[assignment]
    event = audit_record(
        organization=program.organization,
        actor=actor,
        verb=AuditVerb.PROGRAM_DUE_DATES_SHIFTED,
        target=program,
        before={"due_on": before},
        after={
            "due_on": {str(d.pk): f"{d.due_on}" for d in rows},
            "days": days,
            "new_due_on": f"{new_due_on}" if new_due_on else None,
        },
    )
    _close_overdue_tasks([(d, date.fromisoformat(before[str(d.pk)])) for d in rows], today, actor)
    _tell_creators_of_shift(program, rows, event.pk)
    return len(rows)


def _tell_creators_of_shift(program: Program, rows: list[Deliverable], event_id: int) -> None:
    by_user: dict[int, tuple[Any, list[Deliverable]]] = {}
    for deliverable in rows:
        user = deliverable.enrollment.creator.user
        if user is not None:
            by_user.setdefault(user.pk, (user, []))[1].append(deliverable)
    for user, items in by_user.values():
        lines = "; ".join(f"{deliverable_label(d)}: now due {d.due_on:%Y-%m-%d}" for d in items)
        notifications.notify_many(
            recipients=[user],
            organization=program.organization,
            kind=REMINDER_NOTIFICATION,
            event_key=f"due-shift:{event_id}",
            title=f"New due dates in {program.name}",
            body=f"{lines}.",
            url=_portal_url(items[0]),
        )


# --- extensions ---


def extension_policy(program: Program) -> str:
    """The self-service rule as the creator reads it."""
    times = program.extension_self_service_count
    if times == 0 or program.extension_self_service_days == 0:
        return "Every extension is decided by your brand success manager."
    count = {1: "once", 2: "twice"}.get(times, f"{times} times")
    days = program.extension_self_service_days
    return (
        f"Up to {days} day{'s' if days != 1 else ''}, {count} per deliverable, approved "
        f"automatically; longer or further extensions go to your brand success manager. "
        f"Asking is never held against you."
    )


def self_service_left(deliverable: Deliverable) -> int:
    used = Extension.objects.filter(
        deliverable=deliverable, state=ExtensionState.APPROVED, self_service=True
    ).count()
    return max(deliverable.program.extension_self_service_count - used, 0)


def _lock_deliverable(pk: int) -> Deliverable:
    return (
        Deliverable.objects.select_for_update(of=("self",))
        .select_related(
            "organization",
            "program__assigned_bsm",
            "enrollment__assigned_bsm",
            "enrollment__creator__user",
        )
        .get(pk=pk)
    )


def _check_request(deliverable: Deliverable, requested_due_on: date, reason: str) -> None:
    if deliverable.state not in EXTENDABLE_STATES:
        raise Conflict(
            f"This deliverable is {deliverable.get_state_display().lower()}: "
            "its due date no longer changes."
        )
    if (
        deliverable.enrollment.state != EnrollmentState.ACTIVE
        or deliverable.program.state != ProgramState.LAUNCHED
    ):
        raise Conflict("Your place in this program is not active.")
    if requested_due_on <= deliverable.due_on:
        raise DomainError(
            f"The new date must be after the current due date ({deliverable.due_on:%Y-%m-%d})."
        )
    if requested_due_on < org_today(deliverable.organization):
        raise DomainError("The new date must not be in the past.")
    if not reason:
        raise DomainError("Say why you need more time.")
    if len(reason) > 500:
        raise DomainError("Keep the reason under 500 characters.")
    if Extension.objects.filter(deliverable=deliverable, state=ExtensionState.PENDING).exists():
        raise Conflict("You already asked for more time; wait for the answer before asking again.")


@transaction.atomic
def extension_request(
    *, deliverable: Deliverable, user: Any, requested_due_on: date, reason: str
) -> Extension:
    """The creator of ``deliverable`` asks for a new due date.

    Within the program's self-service policy (days beyond the current due date and number of
    automatic extensions) it is approved at once and the due date moves; otherwise it waits for
    the BSM as a task. Either way the creator hears at once, and ``original_due_on`` keeps the
    promised date: the extension is on record and granted without penalty."""
    locked = _lock_deliverable(deliverable.pk)
    if getattr(user, "pk", None) is None or locked.enrollment.creator.user_id != user.pk:
        raise DeliverableNotFound("Not found.")
    reason = (reason or "").strip()
    _check_request(locked, requested_due_on, reason)
    program = locked.program
    within = (requested_due_on - locked.due_on).days <= program.extension_self_service_days
    automatic = within and self_service_left(locked) > 0
    extension = Extension.objects.create(
        organization_id=locked.organization_id,
        deliverable=locked,
        requested_due_on=requested_due_on,
        previous_due_on=locked.due_on,
        reason=reason,
        state=ExtensionState.APPROVED if automatic else ExtensionState.PENDING,
        self_service=automatic,
        requested_by=user,
        decided_at=timezone.now() if automatic else None,
        decision_note=f"Within the program's policy: {NO_PENALTY}." if automatic else "",
    )
    if automatic:
        _move_due_on(locked, requested_due_on, None)
    else:
        _extension_task(extension, locked)
    _audit_extension(extension, locked, user, "approved" if automatic else "requested")
    _tell_creator_of_extension(extension, locked)
    return extension


def _extension_task(extension: Extension, deliverable: Deliverable) -> None:
    creator = deliverable.enrollment.creator
    task_create(
        organization=deliverable.organization,
        kind=TaskKind.EXTENSION_REQUEST,
        title=f"Extension asked: {creator.display_name}, {deliverable_label(deliverable)} "
        f"to {extension.requested_due_on:%Y-%m-%d} (due {deliverable.due_on:%Y-%m-%d})",
        owner_role=OwnerRole.BSM,
        assignee=_bsm_for(deliverable),
        dedupe_key=f"extension:{extension.pk}",
        program=deliverable.program,
        enrollment=deliverable.enrollment,
        creator=creator,
        source_event=f"extension:{extension.pk}",
        actor=extension.requested_by,
        note=extension.reason,
    )


def _audit_extension(extension: Extension, deliverable: Deliverable, actor: Any, verb: str) -> None:
    after: dict[str, Any] = {
        "state": extension.state,
        "requested_due_on": f"{extension.requested_due_on}",
        "due_on": f"{deliverable.due_on}",
        "original_due_on": f"{deliverable.original_due_on}",
        "self_service": extension.self_service,
    }
    if extension.state == ExtensionState.APPROVED:
        after["penalty"] = f"none: {NO_PENALTY}"
    if extension.decision_note:
        after["note"] = extension.decision_note
    audit_record(
        organization=deliverable.organization,
        actor=actor,
        verb=AuditVerb(f"extension.{verb}"),
        target=extension,
        before={"due_on": f"{extension.previous_due_on}"},
        after=after,
    )


def _tell_creator_of_extension(extension: Extension, deliverable: Deliverable) -> None:
    what = deliverable_label(deliverable)
    if extension.state == ExtensionState.APPROVED:
        title = f"Extension {NO_PENALTY}: {what} now due {deliverable.due_on:%Y-%m-%d}"
        body = f"The new due date is {deliverable.due_on:%Y-%m-%d}; it was {NO_PENALTY}."
    elif extension.state == ExtensionState.DENIED:
        title = f"Extension not granted: {what} stays due {deliverable.due_on:%Y-%m-%d}"
        body = extension.decision_note
    else:
        bsm = _bsm_for(deliverable)
        who = bsm.display_name if bsm is not None else "the brand success team"
        title = f"Extension asked: {what}, {who} will decide"
        body = (
            f"You asked for {extension.requested_due_on:%Y-%m-%d}. Until then it stays due "
            f"{deliverable.due_on:%Y-%m-%d}; asking is never held against you."
        )
    _tell_creator(
        deliverable,
        EXTENSION_NOTIFICATION,
        f"extension:{extension.pk}:{extension.state}",
        title,
        body,
    )


@transaction.atomic
def extension_decide(*, extension: Extension, actor: Any, approve: bool, note: str) -> Extension:
    """A BSM or admin approves (the due date moves) or denies a pending extension; the task is
    completed and the creator hears at once. Forbidden for other roles; a decided extension is
    a Conflict."""
    _require_postlaunch(extension.organization_id, actor, "decide extensions")
    # The deliverable first, then the extension: the order the creator's request locks in.
    deliverable = _lock_deliverable(extension.deliverable_id)
    locked = Extension.objects.select_for_update(of=("self",)).get(pk=extension.pk)
    if locked.state != ExtensionState.PENDING:
        raise Conflict(f"This extension was already {locked.get_state_display().lower()}.")
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError("Keep the note under 500 characters.")
    if not approve and not note:
        raise DomainError("Say why the extension is not granted; the creator reads it.")
    if approve and deliverable.state not in EXTENDABLE_STATES:
        raise Conflict(f"The deliverable is {deliverable.get_state_display().lower()} already.")
    if approve and locked.requested_due_on < org_today(deliverable.organization):
        raise Conflict("The date asked for has passed; deny it and agree a new date instead.")
    if approve and locked.requested_due_on <= deliverable.due_on:
        raise Conflict(f"The deliverable is already due {deliverable.due_on:%Y-%m-%d} or later.")
    locked.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        _move_due_on(deliverable, locked.requested_due_on, actor)
    for task in Task.objects.filter(
        organization_id=locked.organization_id,
        dedupe_key=f"extension:{locked.pk}",
        state__in=ACTIVE_TASK_STATES,
    ):
        verdict = f"Approved ({NO_PENALTY})" if approve else "Not granted"
        task_complete(task=task, actor=actor, resolution=f"{verdict}. {note}".strip())
    _audit_extension(locked, deliverable, actor, locked.state)
    _tell_creator_of_extension(locked, deliverable)
    return locked


# --- completing programs whose work is done ---


@transaction.atomic
def program_auto_complete_sweep(*, organization: Organization, today: date) -> int:
    """Complete launched programs past their end date in which every deliverable is published,
    excused or cancelled, or belongs to an enrollment that has ended.

    Idempotent and safe to run twice at once: programs are claimed with SKIP LOCKED and the
    move re-checks the state under the lock. Returns how many programs completed."""
    from programs.services import program_complete

    unfinished = Deliverable.objects.filter(
        organization=organization,
        program=OuterRef("pk"),
        enrollment__state=EnrollmentState.ACTIVE,
    ).exclude(state__in=DONE_STATES)
    due = list(
        Program.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(organization=organization, state=ProgramState.LAUNCHED, end_on__lt=today)
        .filter(~Exists(unfinished))
        .order_by("pk")
    )
    completed = 0
    for program in due:
        try:
            with transaction.atomic():  # a refusal rolls back this program only
                program_complete(program=program, actor=None)
        except DomainError as exc:
            logger.info("Auto-completion left program %s as it is: %s", program.pk, exc)
            continue
        completed += 1
    return completed
