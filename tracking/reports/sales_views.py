"""The sales report page (``reports/sales/``) and its two CSV tables: attributed orders,
revenue, commission, spend, ROI and CPA per program and per creator. ``?program=<id>`` narrows
the creators to one program. Staff need ``can_view_reports`` and see the brands they cover."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import View

from influencer_ops.csv_export import Columns, csv_response
from programs.models import Program
from programs.selectors import brands_visible_to
from tracking.reports import sales, sales_charts
from tracking.reports.views import ReportViewMixin

_FIGURES: Columns = (
    ("Currency", "currency"),
    ("Attributed orders", "orders"),
    ("Revenue", "revenue"),
    ("Commission", "commission"),
    ("Spend", "spend"),
    ("ROI (revenue / spend)", "roi"),
    ("Cost per acquisition", "cpa"),
    ("Orders in another currency", "other_currency"),
)
SALES_TABLES: dict[str, Columns] = {
    "programs": (("Program", "program"), *_FIGURES),
    "creators": (("Creator", "creator"), ("Program", "program"), *_FIGURES),
}


class SalesMixin(ReportViewMixin):
    def chosen_program(self, request: HttpRequest) -> Program | None:
        value = request.GET.get("program")
        return self.program(value) if value else None

    def tables(self, program: Program | None) -> dict[str, list[sales.SalesRow]]:
        brands = brands_visible_to(organization=self.organization, membership=self.membership)
        return {
            "programs": sales.program_sales(organization=self.organization, brands=brands),
            "creators": sales.creator_sales(
                organization=self.organization, brands=brands, program=program
            ),
        }


class SalesReportView(SalesMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.chosen_program(request)
        tables = self.tables(program)
        context = {
            "organization": self.organization,
            "program": program,
            "programs": tables["programs"],
            "creators": tables["creators"],
            "program_charts": sales_charts.sales_charts(
                tables["programs"], title=gettext("Revenue and spend per program")
            ),
            "creator_charts": sales_charts.sales_charts(
                tables["creators"], title=gettext("Revenue and spend per creator")
            ),
        }
        return render(request, "tracking/report_sales.html", context)


class SalesReportCsvView(SalesMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        columns = SALES_TABLES.get(kwargs["table"])
        if columns is None:
            raise Http404(gettext("No such table."))
        program = self.chosen_program(request)
        rows = self.tables(program)[kwargs["table"]]
        suffix = f"-program-{program.pk}" if program and kwargs["table"] == "creators" else ""
        filename = f"{self.organization.slug}-sales-{kwargs['table']}{suffix}.csv"
        return csv_response(rows, columns, filename)
