"""Reminders before, on and after a due date, and the BSM's task for an overdue deliverable.

Reminders are keyed on (deliverable, due date, kind, days before): when a date moves, the
reminders of the new date go out as if it had always been the date."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from messaging.kinds import OwnerRole, TaskKind
from messaging.services.queue import task_create
from organizations.models import Organization
from programs.deadlines.services.common import (
    NO_PENALTY,
    REMINDER_NOTIFICATION,
    bsm_for,
    deliverable_label,
    tell_creator,
)
from programs.models import Deliverable, Program, ReminderSent
from programs.models.delivery import OPEN_FOR_CREATOR
from programs.states import EnrollmentState, ProgramState

# An overdue reminder is sent on the first sweep after the due date; looking back this far
# covers a sweep that was down for a while without rescanning every old deliverable.
OVERDUE_LOOKBACK_DAYS = 30
SWEEP_BATCH = 500


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
    """Open deliverables of active enrollments in launched programs due in [first, last]."""
    return due_ids(organization=organization, first=first, last=last).filter(
        enrollment__state=EnrollmentState.ACTIVE, program__state=ProgramState.LAUNCHED
    )


def due_ids(*, organization: Organization, first: date, last: date) -> QuerySet[Deliverable]:
    """Open deliverables of the org due in [first, last], from the deliverable table alone.

    The organization is stated in the query, not left to the row-level-security policy (whose
    ``current_setting`` the planner cannot estimate), so organization + open state + due-date
    range are exactly the partial index ``deliverable_due_sweep``: the deliverables not due soon
    are never read, however many there are."""
    return Deliverable.objects.filter(
        organization_id=organization.pk,
        state__in=OPEN_FOR_CREATOR,
        due_on__gte=first,
        due_on__lte=last,
    )


def claim_batch(
    *, organization: Organization, first: date, last: date, after: int, batch_size: int
) -> list[int]:
    """Lock (SKIP LOCKED) and return the ids of the next batch after id ``after``: one index
    scan of the deliverable table, no join, so the plan cannot change with the table's size."""
    return list(
        claim_query(organization=organization, first=first, last=last, after=after)[:batch_size]
    )


def claim_query(
    *, organization: Organization, first: date, last: date, after: int
) -> QuerySet[Deliverable, int]:
    return (
        due_ids(organization=organization, first=first, last=last)
        .filter(pk__gt=after)
        .select_for_update(skip_locked=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def load_batch(*, organization: Organization, ids: list[int]) -> list[Deliverable]:
    """The claimed deliverables of active enrollments in launched programs, with what the
    reminders need.

    Every query here reads one table by primary key (``id IN (…)``): the deliverables, then
    their programs, enrollments, creators and users. A join would let the planner, which cannot
    estimate the row-level-security predicate, start from the org's creators and scan them once
    per deliverable; by id, each lookup costs the same however large the org grows."""
    batch = list(
        Deliverable.objects.filter(organization_id=organization.pk, pk__in=ids)
        .prefetch_related(
            "program__assigned_bsm",
            "enrollment__assigned_bsm",
            "enrollment__creator__user",
        )
        .order_by("pk")
    )
    for deliverable in batch:
        deliverable.organization = organization
    return [
        deliverable
        for deliverable in batch
        if deliverable.enrollment.state == EnrollmentState.ACTIVE
        and deliverable.program.state == ProgramState.LAUNCHED
    ]


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
        return (
            gettext("Due in %(days)s day%(value)s: %(what)s")
            % {"days": days, "value": "s" if days != 1 else "", "what": what}
        ), (gettext("It is due on %(due)s.") % {"due": due})
    if kind == ReminderSent.Kind.DUE_TODAY:
        return (gettext("Due today: %(what)s") % {"what": what}), (
            gettext("It is due today, %(due)s.") % {"due": due}
        )
    return (
        f"Overdue: {what}",
        (
            gettext(
                "It was due on %(due)s. Please submit it, or ask for more time: an "
                "extension is %(NO_PENALTY)s."
            )
            % {"due": due, "NO_PENALTY": NO_PENALTY}
        ),
    )


def _open_overdue_task(deliverable: Deliverable) -> bool:
    creator = deliverable.enrollment.creator
    _task, created = task_create(
        organization=deliverable.organization,
        kind=TaskKind.DELIVERABLE_OVERDUE,
        title=gettext(
            "Overdue: %(display_name)s, %(deliverable_label)s for %(name)s (due %(due_on)s)"
        )
        % {
            "display_name": creator.display_name,
            "deliverable_label": deliverable_label(deliverable),
            "name": deliverable.program.name,
            "due_on": format(deliverable.due_on, "%Y-%m-%d"),
        },
        owner_role=OwnerRole.BSM,
        assignee=bsm_for(deliverable),
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
            # Claim ids through the index with the org in the query, then load them by id.
            ids = claim_batch(
                organization=organization,
                first=first,
                last=last,
                after=last_pk,
                batch_size=batch_size,
            )
            if not ids:
                break
            last_pk = ids[-1]
            batch = load_batch(organization=organization, ids=ids)
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
        tell_creator(
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
