"""The audit trail as CSV rows, in machine formats (UTC ISO 8601 times, verbs and target types
as stored) beside the words people read (the sentence and the changes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC
from itertools import islice
from typing import Any

from influencer_ops.history.lines import HistoryLine, describe_events
from influencer_ops.models import AuditEvent

CSV_HEADERS = [
    "at_utc", "actor", "actor_email", "verb", "target_type", "target_id", "target", "summary",
    "changes",
]  # fmt: skip
CHUNK = 1000  # events read, and their references resolved, at a time


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    """One row per event (load ``actor`` with them); ids resolved a chunk at a time."""
    iterator = iter(events)
    while chunk := list(islice(iterator, CHUNK)):
        for event, line in zip(chunk, describe_events(chunk), strict=True):
            yield _row(event, line)


def _row(event: AuditEvent, line: HistoryLine) -> list[Any]:
    changes = "; ".join(
        f"{c.label}: {c.old} → {c.new}" if c.old else f"{c.label}: {c.new}" for c in line.changes
    )
    return [
        event.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        line.actor,
        event.actor_label,
        event.verb,
        event.target_type,
        event.target_id,
        event.target_label,
        line.sentence,
        changes,
    ]
