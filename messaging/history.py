"""A task's events as the lines of its history ("Ivy ISM claimed the task"), drawn like every
other timeline (``influencer_ops.history``). Load ``actor``, ``from_assignee`` and
``to_assignee`` with the events (``selectors.task_history`` does)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext

from influencer_ops.history import Change, HistoryLine
from messaging.kinds import OwnerRole
from messaging.models import TaskEvent

# What the actor did, by the event's verb; ``{to}`` is where the task went.
PHRASES: dict[str, str] = {
    "created": "created the task for {to}",
    "claimed": "claimed the task",
    "reassigned": "handed the task to {to}",
    "handed_over": "handed the task over to {to}",
    "escalated": "escalated the task: it is past its due time",
    "completed": "completed the task",
    "cancelled": "cancelled the task",
    "remedy": "tried a remedy",
}
ROLE_WORDS = {OwnerRole.ISM: "ISM", OwnerRole.BSM: "BSM", OwnerRole.APPROVER: "approvers"}


def _person(user: object | None) -> str:
    return str(getattr(user, "display_name", "")) if user is not None else ""


def _role(code: str) -> str:
    return ROLE_WORDS.get(code, code)  # type: ignore[call-overload]


def _where(event: TaskEvent) -> str:
    """Where the task went: a person, else the role's team queue."""
    if event.to_assignee is not None:
        return _person(event.to_assignee)
    return (
        (gettext("the %(role)s team queue") % {"role": _role(event.to_role)})
        if event.to_role
        else gettext("the team queue")
    )


def _changes(event: TaskEvent) -> list[Change]:
    changes = []
    if event.to_role and event.from_role != event.to_role:
        changes.append(Change(gettext("Owning team"), _role(event.from_role), _role(event.to_role)))
    if event.verb in ("claimed", "reassigned", "handed_over"):
        changes.append(Change("Assignee", _person(event.from_assignee) or "nobody", _where(event)))
    return changes


def task_event_line(event: TaskEvent) -> HistoryLine:
    actor = _person(event.actor) or "The system"
    phrase = PHRASES.get(event.verb, event.verb.replace("_", " ") + " the task")
    return HistoryLine(
        at=event.at,
        actor=actor,
        sentence=f"{actor} {phrase.format(to=_where(event))}",
        changes=_changes(event),
        note=event.note,
        verb=event.verb,
    )


def task_event_lines(events: Iterable[TaskEvent]) -> list[HistoryLine]:
    return [task_event_line(event) for event in events]
