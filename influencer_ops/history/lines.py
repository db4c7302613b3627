"""Audit events as the lines every timeline shows: a sentence ("Ivy ISM confirmed Maya Moves
in Summit Trail"), when, and the changed fields in words for whoever opens the details."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from influencer_ops.history.details import Change, References, changes_of, references_for
from influencer_ops.history.phrases import PHRASES, TARGET_NOUNS
from influencer_ops.models import AuditEvent

_NAMELESS = re.compile(r"^\w+ object \(\d+\)$")


@dataclass(frozen=True)
class HistoryLine:
    """One line of a timeline, whatever it tells the history of (the org, a program, a case,
    a task). ``note`` is free text shown under the sentence, ``badges`` short labels beside
    it, ``link`` an action the line offers (url, text); ``open`` shows the changes unfolded."""

    at: datetime
    actor: str
    sentence: str
    changes: Sequence[Change] = ()
    note: str = ""
    badges: Sequence[str] = ()
    link: tuple[str, str] | None = None
    verb: str = ""
    open: bool = False


def actor_name(event: AuditEvent) -> str:
    """Who did it (``actor`` must be loaded with the event)."""
    if event.actor is not None:
        return str(event.actor.display_name)
    return gettext("The system") if event.actor_label in ("", "system") else event.actor_label


def target_name(event: AuditEvent) -> str:
    label = event.target_label
    if not label or _NAMELESS.match(label):
        noun = TARGET_NOUNS.get(event.target_type)
        return gettext(noun) if noun else f"#{event.target_id}"
    return label


def sentence_of(event: AuditEvent) -> str:
    phrase = PHRASES.get(event.verb)  # type: ignore[call-overload]
    if phrase is None:  # a verb stored before its phrase was written still reads, plainly
        phrase = event.verb.replace("_", " ").replace(".", ": ", 1) + " · {target}"
    else:
        phrase = gettext(phrase)
    sentence = f"{actor_name(event)} {phrase.format(target=target_name(event))}"
    reason = event.after.get("reason") if isinstance(event.after, dict) else None
    if isinstance(reason, str) and reason:
        sentence += f" ({reason})" if reason.startswith("“") else f" (“{reason}”)"
    return sentence


def _line(event: AuditEvent, names: References) -> HistoryLine:
    return HistoryLine(
        at=event.at,
        actor=actor_name(event),
        sentence=sentence_of(event),
        changes=changes_of(event, names),
        verb=event.verb,
    )


def describe_events(events: Iterable[AuditEvent]) -> list[HistoryLine]:
    """The events as lines, their ids resolved to names in bulk (load ``actor`` with them)."""
    rows = list(events)
    names = references_for(rows)
    return [_line(event, names) for event in rows]


def describe(event: AuditEvent) -> HistoryLine:
    """One event as a line; for many, ``describe_events`` (one query per kind of reference)."""
    return describe_events([event])[0]
