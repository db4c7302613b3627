"""A BSM or admin moves the due dates of a launched program's open deliverables, in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext

from influencer_ops.audit import AuditVerb, audit_record
from influencer_ops.calendar import org_today
from influencer_ops.errors import Conflict, DomainError
from messaging.services import notifications
from programs.deadlines.services.common import (
    EXTENDABLE_STATES,
    REMINDER_NOTIFICATION,
    close_overdue_tasks,
    deliverable_label,
    portal_url,
    require_postlaunch,
)
from programs.models import Deliverable, Program
from programs.states import EnrollmentState, ProgramState


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
    require_postlaunch(program.organization_id, actor, gettext("change due dates"))
    if (days is None) == (new_due_on is None):
        raise DomainError(gettext("Give either a number of days or a new due date."))
    if days == 0:
        raise DomainError(gettext("Move the due dates by at least one day."))
    program = Program.objects.select_related("organization").get(pk=program.pk)
    if program.state != ProgramState.LAUNCHED:
        raise Conflict(
            gettext("%(name)s is not running: its due dates cannot change.")
            % {"name": program.name}
        )
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
        raise DomainError(gettext("Some chosen deliverables are not open in this program."))
    if not rows:
        raise DomainError(gettext("This program has no open deliverables to move."))
    moves = [(d, d.due_on + timedelta(days=days) if days else new_due_on) for d in rows]
    today = org_today(program.organization)
    if any(due < today for _d, due in moves if due is not None):
        raise DomainError(
            gettext("A due date cannot move into the past (before %(today)s).")
            % {"today": format(today, "%Y-%m-%d")}
        )
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
    close_overdue_tasks([(d, date.fromisoformat(before[str(d.pk)])) for d in rows], today, actor)
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
            title=gettext("New due dates in %(name)s") % {"name": program.name},
            body=f"{lines}.",
            url=portal_url(items[0]),
        )
