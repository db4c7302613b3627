"""Program writes: the brief, deliverable specs, cloning, the lifecycle and the date sweep.

- ``brief``: what may be set and how each value is checked (all-or-nothing);
- ``editing``: creating, editing and cloning a program, and its deliverable specs;
- ``lifecycle``: the moves from draft to closed, and what blocks a launch;
- ``sweeps``: the daily date sweep (launch and complete on the brief's dates).
"""

from programs.services.brief import (
    BRIEF_FIELDS,
    EDITABLE_STATES,
    FIELD_LABELS,
    POST_LAUNCH_EDITABLE,
    ProgramInvalid,
    program_editable_fields,
)
from programs.services.editing import (
    deliverable_spec_add,
    deliverable_spec_remove,
    program_clone,
    program_create,
    program_update,
)
from programs.services.lifecycle import (
    brief_missing,
    program_cancel,
    program_close,
    program_complete,
    program_launch,
    program_launch_blockers,
    program_open_recruiting,
)
from programs.services.sweeps import DateSweepResult, program_date_sweep

__all__ = [
    "BRIEF_FIELDS",
    "EDITABLE_STATES",
    "FIELD_LABELS",
    "POST_LAUNCH_EDITABLE",
    "DateSweepResult",
    "ProgramInvalid",
    "brief_missing",
    "deliverable_spec_add",
    "deliverable_spec_remove",
    "program_cancel",
    "program_clone",
    "program_close",
    "program_complete",
    "program_create",
    "program_date_sweep",
    "program_editable_fields",
    "program_launch",
    "program_launch_blockers",
    "program_open_recruiting",
    "program_update",
]
