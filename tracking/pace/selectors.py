"""Pace, read for a page: the numbers a BSM needs to judge an underperforming creator — valid
clicks so far, the milestone, and the clicks per day needed from here against the pace so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from programs.models import Enrollment
from tracking.pace.services import Pace, enrollment_pace


@dataclass(frozen=True)
class PaceSummary:
    pace: Pace
    days_run: int  # days since launch (0 before it)
    days_left: int  # days until the program ends (0 after it)
    current_per_day: float  # valid clicks per day so far
    needed_per_day: float | None  # per day from today to reach the milestone; None without one

    @property
    def clicks_to_go(self) -> int:
        milestone = self.pace.milestone or 0
        return max(milestone - self.pace.valid_clicks, 0)


def enrollment_pace_summary(*, enrollment: Enrollment, today: date) -> PaceSummary:
    """The enrollment's pace on ``today`` with its per-day rates (two queries: the clicks and
    nothing else, as the program and terms come with ``enrollment``)."""
    pace = enrollment_pace(enrollment, today)
    program = enrollment.program
    launch, end = program.launch_on, program.end_on
    days_run = max((today - launch).days, 0) if launch else 0
    days_left = max((end - today).days, 0) if end else 0
    current = pace.valid_clicks / days_run if days_run else 0.0
    needed: float | None = None
    if pace.milestone is not None:
        to_go = max(pace.milestone - pace.valid_clicks, 0)
        needed = float(to_go) if days_left == 0 else to_go / days_left
    return PaceSummary(pace, days_run, days_left, current, needed)
