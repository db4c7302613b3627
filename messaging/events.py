"""The data of messaging's webhook events (``influencer_ops.events``): ids, no names."""

from __future__ import annotations

from typing import Any


def task_event(task: Any) -> dict[str, Any]:
    return {
        "task_id": task.pk,
        "kind": task.kind,
        "owner_role": task.owner_role,
        "due_at": task.due_at.isoformat() if task.due_at else None,
        "program_id": task.program_id,
        "enrollment_id": task.enrollment_id,
    }
