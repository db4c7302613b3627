"""Deadlines after launch: reminders, overdue tasks, extensions, bulk due-date changes, and
completing programs whose work is all done.

A due date only ever moves forward through these services; ``original_due_on`` keeps the date
first promised, so a granted extension is on record and never counted against the creator.

One module a responsibility; the names callers use are re-exported here.
"""

from influencer_ops.calendar import org_today
from programs.deadlines.services.common import (
    EXTENDABLE_STATES,
    EXTENSION_NOTIFICATION,
    NO_PENALTY,
    REMINDER_NOTIFICATION,
    deliverable_label,
)
from programs.deadlines.services.due_dates import due_dates_shift
from programs.deadlines.services.extensions import (
    extension_decide,
    extension_policy,
    extension_request,
    self_service_left,
)
from programs.deadlines.services.reminders import (
    OVERDUE_LOOKBACK_DAYS,
    SWEEP_BATCH,
    ReminderSweepResult,
    due_candidates,
    reminder_sweep,
)

# Auto-completion is a lifecycle move; it lives with the program's services.
from programs.services.completion import DONE_STATES, program_auto_complete_sweep

__all__ = [
    "DONE_STATES",
    "EXTENDABLE_STATES",
    "EXTENSION_NOTIFICATION",
    "NO_PENALTY",
    "OVERDUE_LOOKBACK_DAYS",
    "REMINDER_NOTIFICATION",
    "SWEEP_BATCH",
    "ReminderSweepResult",
    "deliverable_label",
    "due_candidates",
    "due_dates_shift",
    "extension_decide",
    "extension_policy",
    "extension_request",
    "org_today",  # other apps still import it from here: the one in influencer_ops.calendar
    "program_auto_complete_sweep",
    "reminder_sweep",
    "self_service_left",
]
