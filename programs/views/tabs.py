"""The program tabs that are lists of their own: open tasks, payouts and history.

Each needs the capability of its tab (``programs.tabs``) on top of covering the brand.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.history import describe_events
from organizations.permissions import can_use_desk, can_view_payouts
from payments.payouts import selectors as payouts
from programs import selectors
from programs.models import Program
from programs.tabs import may_open_tab
from programs.views.base import PAGE_SIZE, ProgramViewMixin


class ProgramTabView(ProgramViewMixin, View):
    tab: str = ""

    def tab_program(self, pk: Any) -> Program:
        program = self.program(pk)
        if not may_open_tab(self.membership, program, self.tab):
            raise PermissionDenied(gettext("Your role does not allow this."))
        return program

    def page(self, rows: Any) -> Any:
        return Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))


class ProgramTasksView(ProgramTabView):
    capability = can_use_desk
    tab = "tasks"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.tab_program(kwargs["pk"])
        page = self.page(selectors.program_open_tasks(program=program))
        return self.render_page("program_tasks.html", {"program": program, "page": page})


class ProgramPayoutsView(ProgramTabView):
    capability = can_view_payouts
    tab = "payouts"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.tab_program(kwargs["pk"])
        rows = payouts.payouts_for_org(
            organization=self.organization, filters=payouts.PayoutFilters(program_id=program.pk)
        )
        context = {
            "program": program,
            "page": self.page(rows),
            "totals": payouts.payout_totals(payouts=rows),
        }
        return self.render_page("program_payouts.html", context)


class ProgramHistoryView(ProgramTabView):
    tab = "history"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.tab_program(kwargs["pk"])
        page = self.page(selectors.program_audit_trail(program=program))
        lines = describe_events(page)
        context = {"program": program, "page": page, "lines": lines}
        return self.render_page("program_history.html", context)
