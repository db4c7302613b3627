"""The metrics import page (admins, BSMs, brand managers): the upload form, the file format,
the report of a failed import, and a lookup of deliverable ids by program. Thin: parse, call
one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error
from influencer_ops.validation import METRICS_IMPORT_MAX_ROWS
from organizations.access import OrgViewMixin
from programs.deadlines.services import deliverable_label
from programs.models import Deliverable, Program
from tracking.metrics import services as metrics
from tracking.metrics.forms import DeliverableLookupForm, MetricsImportForm
from tracking.metrics.permissions import can_write_metrics
from tracking.metrics.selectors import deliverables_writable, metric_programs

METRIC_HELP = {
    "reach": "Unique accounts that saw the content.",
    "impressions": "Times the content was shown.",
    "likes": "Likes or reactions.",
    "comments": "Comments.",
    "shares": "Shares, reposts or sends.",
    "saves": "Saves or bookmarks.",
    "views": "Video or story views.",
}


class MetricsImportView(OrgViewMixin, View):
    capability = can_write_metrics

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, MetricsImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = MetricsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            report = metrics.metrics_import_csv(
                organization=self.organization,
                actor=request.user,
                file_text=form.cleaned_data["csv_text"],
            )
        except DomainError as exc:
            return self._render(request, form, status=form_add_domain_error(form, exc))
        if not report.ok:
            return self._render(request, form, report=report, status=400)
        messages.success(
            request,
            gettext(
                "Imported %(rows)s row%(value)s: %(created)s new, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "rows": report.rows,
                "value": "s" if report.rows != 1 else "",
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        return redirect(reverse("metrics_import", kwargs={"org_slug": self.organization.slug}))

    def _lookup(self, request: HttpRequest) -> tuple[DeliverableLookupForm, Program | None]:
        programs = metric_programs(organization=self.organization, membership=self.membership)
        lookup = DeliverableLookupForm(
            request.GET if "program" in request.GET else None, programs=programs
        )
        chosen = lookup.cleaned_data["program"] if lookup.is_valid() else None
        return lookup, chosen

    def _deliverables(self, program: Program | None) -> list[tuple[Deliverable, str]]:
        if program is None:
            return []
        found = (
            deliverables_writable(organization=self.organization, membership=self.membership)
            .filter(program=program)
            .select_related("enrollment__creator")
            .order_by("enrollment__creator__display_name", "due_on", "pk")
        )
        return [(d, deliverable_label(d)) for d in found]

    def _render(
        self,
        request: HttpRequest,
        form: MetricsImportForm,
        report: metrics.ImportReport | None = None,
        status: int = 200,
    ) -> HttpResponse:
        lookup, program = self._lookup(request)
        context = {
            "organization": self.organization,
            "form": form,
            "report": report,
            "lookup": lookup,
            "program": program,
            "deliverables": self._deliverables(program),
            "metric_help": list(METRIC_HELP.items()),
            "max_rows": f"{METRICS_IMPORT_MAX_ROWS:,}",
        }
        return render(request, "tracking/metrics_import.html", context, status=status)
