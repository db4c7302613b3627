"""The staff home: what needs the member now and the figures of the programs they cover.

Every block is read only when the member's role may open the list it links to (the same
predicates as the navigation and the program tabs), so no block leads to a 403. Each block is
one query (a count and its first rows, or one aggregate), whatever the number of rows: the
home's query count is constant. Spend comes from the payouts as the program report reads it
(earned: every payout not cancelled, paid ones included; paid: the paid ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from influencer_ops.calendar import org_today
from messaging import selectors as desk
from messaging.kinds import ACTIVE_TASK_STATES
from messaging.models import Task
from organizations import permissions
from organizations.models import Membership
from payments.models import Payout
from payments.payouts.delays import SWEEP_STATES
from payments.payouts.selectors import programs_spend
from programs.content.selectors import awaiting_decision
from programs.models import Deliverable, Program
from programs.models.delivery import OPEN_FOR_CREATOR
from programs.selectors import brands_visible_to
from programs.states import EnrollmentState, ProgramState
from tracking.models import DailyClicks
from tracking.reports.rows import DayClicks
from tracking.reports.selectors import fill_days

TOP = 5
# Programs shown with a spend bar (the rest are on the reports page).
SPEND_ROWS = 8
WEEK = 7


@dataclass(frozen=True)
class Block:
    """A count and its first rows (``TOP``)."""

    count: int
    rows: list[Any]


@dataclass(frozen=True)
class ProgramCount:
    program_id: int
    name: str
    count: int


@dataclass(frozen=True)
class SpendRow:
    program_id: int
    name: str
    currency: str
    budget: Decimal | None
    earned: Decimal
    paid: Decimal

    @property
    def percent(self) -> int | None:
        """Earned as a share of the budget, rounded (None without a budget)."""
        if not self.budget:
            return None
        share = self.earned * 100 / self.budget
        return int(share.quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.earned > self.budget


@dataclass
class StaffHome:
    today: date
    my_tasks: Block | None = None
    escalations: Block | None = None
    approvals: Block | None = None
    overdue: list[ProgramCount] | None = None
    delayed_payouts: Block | None = None
    active_programs: int = 0
    recruiting_programs: int = 0
    spend: list[SpendRow] | None = None
    clicks: list[DayClicks] | None = None
    deadlines: list[ProgramCount] | None = None
    sees: dict[str, bool] = field(default_factory=dict)

    @property
    def overdue_total(self) -> int:
        return sum(row.count for row in self.overdue or [])

    @property
    def deadlines_total(self) -> int:
        return sum(row.count for row in self.deadlines or [])

    @property
    def clicks_total(self) -> int:
        return sum(day.valid for day in self.clicks or [])

    @property
    def needs_anything(self) -> bool:
        return any(
            (
                self.my_tasks and self.my_tasks.count,
                self.escalations and self.escalations.count,
                self.approvals and self.approvals.count,
                self.overdue_total,
                self.delayed_payouts and self.delayed_payouts.count,
            )
        )


def _block(queryset: QuerySet[Any]) -> Block:
    return Block(count=queryset.count(), rows=list(queryset[:TOP]))


def escalated_tasks(*, membership: Membership) -> QuerySet[Task]:
    """Active desk tasks of the member's queues past their due time (or escalated by the
    sweep), the longest overdue first: the desk's "overdue only" list."""
    return (
        Task.objects.filter(
            organization=membership.organization,
            owner_role__in=desk.desk_roles(membership) or ["-"],
            state__in=ACTIVE_TASK_STATES,
        )
        .filter(Q(due_at__lt=timezone.now()) | Q(escalated_at__isnull=False))
        .select_related("assignee", "program", "creator")
        .order_by("due_at", "id")
    )


def delayed_payouts(*, organization: Any) -> QuerySet[Payout]:
    """Payouts flagged delayed (past their expected date) and still owed, oldest first."""
    return (
        Payout.objects.filter(
            organization=organization, state__in=SWEEP_STATES, delayed_at__isnull=False
        )
        .select_related("enrollment__program", "creator")
        .order_by("expected_on", "id")
    )


def _open_work(organization: Any, brand_ids: list[int]) -> QuerySet[Deliverable]:
    """Deliverables the creator still owes in an active enrollment (the due-dates tab's rows)."""
    return Deliverable.objects.filter(
        organization=organization,
        program__brand_id__in=brand_ids,
        state__in=OPEN_FOR_CREATOR,
        enrollment__state=EnrollmentState.ACTIVE,
    )


def _per_program(deliverables: QuerySet[Deliverable]) -> list[ProgramCount]:
    rows = (
        deliverables.order_by()
        .values("program_id", "program__name")
        .annotate(n=Count("id"))
        .order_by("-n", "program__name", "program_id")
    )
    return [ProgramCount(r["program_id"], r["program__name"], r["n"]) for r in rows]


def _spend(programs: list[Program]) -> list[SpendRow]:
    totals = programs_spend(programs=programs)
    return [
        SpendRow(
            program_id=p.pk,
            name=p.name,
            currency=p.currency,
            budget=p.budget_amount,
            earned=totals[p.pk].earned,
            paid=totals[p.pk].paid,
        )
        for p in programs
    ]


def week_clicks(*, organization: Any, brand_ids: list[int], today: date) -> list[DayClicks]:
    """Valid and filtered clicks per day of the last seven days (today included) on the links
    of the programs of ``brand_ids``, a zero for each quiet day."""
    window = (today - timedelta(days=WEEK - 1), today)
    rows = (
        DailyClicks.objects.filter(
            organization=organization,
            link__enrollment__program__brand_id__in=brand_ids,
            day__range=window,
        )
        .values("day")
        .annotate(valid=Sum("valid"), filtered=Sum("filtered"))
        .order_by("day")
    )
    return fill_days(rows, window)


def staff_home(*, membership: Membership) -> StaffHome:
    """Everything the staff home shows for ``membership``, in a constant number of queries."""
    organization = membership.organization
    today = org_today(organization)
    brand_ids = [b.pk for b in brands_visible_to(organization=organization, membership=membership)]
    sees = {
        "desk": bool(permissions.can_use_desk(membership)),
        "approvals": bool(permissions.can_approve_content(membership)),
        "due_dates": bool(permissions.can_use_desk(membership))
        or permissions.can_manage_programs(membership),
        "payouts": bool(permissions.can_manage_payouts(membership)),
        "reports": bool(permissions.can_view_reports(membership)),
    }
    home = StaffHome(today=today, sees=sees)
    if sees["desk"]:
        mine = desk.task_list_mine(membership=membership, filters=desk.TaskFilters())
        home.my_tasks = _block(mine)
        home.escalations = _block(escalated_tasks(membership=membership))
    if sees["approvals"]:
        home.approvals = _block(awaiting_decision(organization=organization, membership=membership))
    if sees["due_dates"]:
        open_work = _open_work(organization, brand_ids)
        home.overdue = _per_program(open_work.filter(due_on__lt=today))
        home.deadlines = _per_program(
            open_work.filter(due_on__range=(today, today + timedelta(days=WEEK - 1)))
        )
    if sees["payouts"]:
        home.delayed_payouts = _block(delayed_payouts(organization=organization))
    states = (
        Program.objects.filter(organization=organization, brand_id__in=brand_ids)
        .order_by()
        .aggregate(
            launched=Count("id", filter=Q(state=ProgramState.LAUNCHED)),
            recruiting=Count("id", filter=Q(state=ProgramState.RECRUITING)),
        )
    )
    home.active_programs = states["launched"]
    home.recruiting_programs = states["recruiting"]
    if sees["reports"]:
        launched = list(
            Program.objects.filter(
                organization=organization, brand_id__in=brand_ids, state=ProgramState.LAUNCHED
            ).order_by("name", "pk")[:SPEND_ROWS]
        )
        home.spend = _spend(launched)
        home.clicks = week_clicks(organization=organization, brand_ids=brand_ids, today=today)
    return home
