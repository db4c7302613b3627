"""The rows of the reports: what a page, its CSV and the API show, with the few numbers derived
from them (progress, remaining budget, cost per valid click). No queries here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from programs.models import Enrollment, Program
from programs.states import EnrollmentState

TOP_N = 5
CENT = Decimal("0.01")


class Pace(TextChoices):
    REACHED = "reached", _("Milestone reached")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind pace")
    NO_MILESTONE = "no_milestone", _("No milestone")


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


@dataclass(frozen=True)
class DayClicks:
    day: date
    valid: int
    filtered: int


@dataclass(frozen=True)
class MilestoneRow:
    enrollment_id: int
    creator: str
    milestone: int
    valid_clicks: int
    at: datetime


@dataclass(frozen=True)
class Performer:
    enrollment_id: int
    creator: str
    state: str
    valid_clicks: int
    filtered_clicks: int
    milestone: int | None
    pace: str
    rank: int = 0

    @property
    def progress_percent(self) -> int | None:
        return _percent(self.valid_clicks, self.milestone)

    @property
    def state_label(self) -> str:
        return str(EnrollmentState(self.state).label)

    @property
    def pace_label(self) -> str:
        return str(Pace(self.pace).label)


@dataclass(frozen=True)
class Engagement:
    reach: int
    impressions: int
    likes: int
    comments: int
    shares: int
    saves: int
    views: int

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.saves


@dataclass(frozen=True)
class Spend:
    currency: str
    budget: Decimal | None
    committed: Decimal
    # From the program's payouts in the program's currency (earned includes paid).
    earned: Decimal
    paid: Decimal
    valid_clicks: int

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def cost_per_valid_click(self) -> Decimal | None:
        return _cost_per_click(self.committed, self.valid_clicks)


@dataclass(frozen=True)
class ProgramReport:
    program: Program
    funnel: list[StateCount]
    content: list[StateCount]
    clicks: list[DayClicks]
    milestones: list[MilestoneRow]
    engagement: Engagement
    spend: Spend
    performers: list[Performer]
    # Every click on the program's links, whatever became of the enrollment since.
    valid_clicks: int
    filtered_clicks: int

    @property
    def milestones_count(self) -> int:
        return len(self.milestones)

    @property
    def top_performers(self) -> list[Performer]:
        """The best progress toward the milestone (then most clicks), never someone behind."""
        ahead = [p for p in self.performers if p.valid_clicks and p.pace != Pace.BEHIND]
        return ahead[:TOP_N]

    @property
    def under_performers(self) -> list[Performer]:
        """Behind the pace the milestone needs, the furthest behind first."""
        return [p for p in reversed(self.performers) if p.pace == Pace.BEHIND]


@dataclass(frozen=True)
class OverviewRow:
    program_id: int
    name: str
    brand: str
    state: str
    state_label: str
    currency: str
    creators: int
    valid_clicks: int
    milestones: int
    committed: Decimal
    budget: Decimal | None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed

    @property
    def cost_per_valid_click(self) -> Decimal | None:
        return _cost_per_click(self.committed, self.valid_clicks)


@dataclass(frozen=True)
class CreatorPerformance:
    enrollment: Enrollment
    clicks: list[DayClicks]
    valid_clicks: int
    filtered_clicks: int
    milestone: int | None
    milestone_reached_at: datetime | None

    @property
    def progress_percent(self) -> int | None:
        return _percent(self.valid_clicks, self.milestone)

    @property
    def clicks_to_go(self) -> int:
        return max((self.milestone or 0) - self.valid_clicks, 0)

    @property
    def progress_value(self) -> int:
        """The ``<progress>`` value: clicks past the milestone do not overflow the bar."""
        if not self.milestone:
            return self.valid_clicks
        return min(self.valid_clicks, self.milestone)


def _percent(part: int, whole: int | None) -> int | None:
    if not whole:
        return None
    return int((Decimal(part * 100) / whole).to_integral_value(rounding=ROUND_HALF_UP))


def _cost_per_click(committed: Decimal, valid_clicks: int) -> Decimal | None:
    if not valid_clicks:
        return None
    return (committed / valid_clicks).quantize(CENT, rounding=ROUND_HALF_UP)
