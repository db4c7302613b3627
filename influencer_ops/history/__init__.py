"""History people can read: one renderer for every timeline (the org's audit trail, a
program's history tab, the enrollment hub, a case, a task). Audit events become sentences
with their changes in words (``lines``, ``details``, ``phrases``); other timelines (a case's
actions, a task's events) build the same ``HistoryLine`` in their app, and every page draws
them with ``templates/includes/history.html`` (``{% history_list lines %}``)."""

from influencer_ops.history.details import Change, changes_of, references_for, words
from influencer_ops.history.lines import (
    HistoryLine,
    actor_name,
    describe,
    describe_events,
    sentence_of,
)
from influencer_ops.history.phrases import GROUPS, PHRASES, group_verbs

__all__ = [
    "GROUPS",
    "PHRASES",
    "Change",
    "HistoryLine",
    "actor_name",
    "changes_of",
    "describe",
    "describe_events",
    "group_verbs",
    "references_for",
    "sentence_of",
    "words",
]
