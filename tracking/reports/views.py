"""Report pages and their CSV exports (org app), and the creator's own performance (portal).

Staff need ``can_view_reports`` (403 otherwise) and a role that covers the program's brand (any
other program is a 404, like a missing one). A creator sees only their own enrollments (404).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import View

from influencer_ops.csv_export import Columns, csv_response
from influencers.access import CreatorViewMixin
from messaging.answer_times import program_answer_times
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_view_reports
from programs.hours.selectors import program_hours
from programs.models import Program
from programs.selectors import brands_visible_to
from tracking.metrics.permissions import can_write_metrics
from tracking.reports import charts
from tracking.reports import selectors as reports

# Every table of the program report, as CSV: the rows it comes from and its columns
# (a header and the attribute of each row that fills it).
PROGRAM_TABLES: dict[str, Columns] = {
    "funnel": (("State", "label"), ("Enrollments", "count")),
    "content": (("State", "label"), ("Deliverables", "count")),
    "clicks": (("Day", "day"), ("Valid clicks", "valid"), ("Filtered clicks", "filtered")),
    "milestones": (
        ("Creator", "creator"),
        ("Milestone", "milestone"),
        ("Valid clicks", "valid_clicks"),
        ("Reached at (UTC)", "at"),
    ),
    "performers": (
        ("Rank", "rank"),
        ("Creator", "creator"),
        ("State", "state_label"),
        ("Valid clicks", "valid_clicks"),
        ("Filtered clicks", "filtered_clicks"),
        ("Milestone", "milestone"),
        ("Progress (%)", "progress_percent"),
        ("Pace", "pace_label"),
    ),
}
OVERVIEW_COLUMNS: Columns = (
    ("Program", "name"),
    ("Brand", "brand"),
    ("State", "state_label"),
    ("Creators", "creators"),
    ("Valid clicks", "valid_clicks"),
    ("Milestones reached", "milestones"),
    ("Committed", "committed"),
    ("Budget", "budget"),
    ("Remaining", "remaining"),
    ("Currency", "currency"),
    ("Cost per valid click", "cost_per_valid_click"),
)


class ReportViewMixin(OrgViewMixin):
    capability = can_view_reports

    def program(self, pk: Any) -> Program:
        """A program of a brand the member covers; 404 for any other."""
        programs = reports.reportable_programs(
            organization=self.organization, membership=self.membership
        )
        return get_for_org(programs, self.organization, pk)

    def overview(self) -> list[reports.OverviewRow]:
        brands = brands_visible_to(organization=self.organization, membership=self.membership)
        return reports.org_overview(organization=self.organization, brands=brands)


class ProgramReportView(ReportViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        report = reports.program_report(program=program)
        context = {
            "organization": self.organization,
            "program": program,
            "report": report,
            "chart": charts.program_clicks_chart(report.clicks, program_name=program.name),
            "tables": list(PROGRAM_TABLES),
            "can_import_metrics": can_write_metrics(self.membership),
            "hours": program_hours(program=program),
            "answer_times": program_answer_times(program=program),
        }
        return render(request, "tracking/report_program.html", context)


class ProgramReportCsvView(ReportViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        columns = PROGRAM_TABLES.get(kwargs["table"])
        if columns is None:
            raise Http404(gettext("No such table."))
        program = self.program(kwargs["pk"])
        rows = getattr(reports.program_report(program=program), kwargs["table"])
        return csv_response(rows, columns, f"program-{program.pk}-{kwargs['table']}.csv")


OVERVIEW_PAGE_SIZE = 50


class OrgOverviewView(ReportViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        brands = brands_visible_to(organization=self.organization, membership=self.membership)
        programs = reports.org_overview_programs(organization=self.organization, brands=brands)
        page = Paginator(programs, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "organization": self.organization,
            "rows": reports.overview_rows(page),
            "page": page,
        }
        return render(request, "tracking/report_overview.html", context)


class OrgOverviewCsvView(ReportViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        filename = f"{self.organization.slug}-programs.csv"
        return csv_response(self.overview(), OVERVIEW_COLUMNS, filename)


class PortalPerformanceView(CreatorViewMixin, View):
    """The creator's own clicks over time and milestone progress; another's is a 404."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        performance = reports.creator_performance(user=request.user, enrollment_id=kwargs["pk"])
        if performance is None:
            raise Http404(gettext("Not found."))
        program = performance.enrollment.program
        context = {
            "performance": performance,
            "program": program,
            "chart": charts.creator_clicks_chart(performance.clicks, program_name=program.name),
        }
        return render(request, "portal/performance.html", context)
