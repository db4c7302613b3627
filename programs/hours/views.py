"""Hours pages in the portal: the creator's hours on one enrollment (list and the form to log
more), and one entry's edit page and delete button. Staff read hours on the enrollment hub and
the program report (their own views call ``programs.hours.selectors``)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.calendar import org_today
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencers.access import CreatorViewMixin
from messaging.answer_times import answer_times_by_org
from programs.hours import selectors, services
from programs.hours.forms import TimeEntryForm
from programs.models import Enrollment, TimeEntry
from programs.recruiting.selectors import creator_enrollment


class PortalHoursView(CreatorViewMixin, View):
    """The creator's hours on one of their enrollments, and the form to log more."""

    def _enrollment(self, pk: int) -> Enrollment:
        enrollment = creator_enrollment(user=self.request.user, pk=pk)
        if enrollment is None or enrollment.state not in services.HOURS_PAGE_STATES:
            raise Http404(gettext("Not found."))
        return enrollment

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = self._enrollment(pk)
        form = TimeEntryForm(
            deliverables=selectors.enrollment_deliverables(enrollment=enrollment),
            initial={"worked_on": org_today(enrollment.organization)},
        )
        return self._render(request, enrollment, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = self._enrollment(pk)
        deliverables = selectors.enrollment_deliverables(enrollment=enrollment)
        form = TimeEntryForm(request.POST, deliverables=deliverables)
        status = 400
        if form.is_valid():
            try:
                services.time_entry_log(
                    enrollment=enrollment, user=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Hours logged."))
                return redirect(request.path)
        return self._render(request, enrollment, form, status=status)

    def _render(
        self, request: HttpRequest, enrollment: Enrollment, form: TimeEntryForm, status: int = 200
    ) -> HttpResponse:
        entries = list(selectors.creator_enrollment_entries(enrollment=enrollment))
        times = answer_times_by_org(organization_ids=[enrollment.organization_id])
        context = {
            "enrollment": enrollment,
            "entries": entries,
            "total": sum((e.hours for e in entries), 0),
            "form": form,
            "can_log": enrollment.state in services.LOGGABLE_STATES,
            "answer_times": times.get(enrollment.organization_id),
        }
        return render(request, "programs/hours_portal.html", context, status=status)


class PortalHoursEntryView(CreatorViewMixin, View):
    """Change one of the creator's own entries."""

    def _entry(self, pk: int) -> TimeEntry:
        entry = selectors.creator_entry(user=self.request.user, pk=pk)
        if entry is None:
            raise Http404(gettext("Not found."))
        return entry

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(pk)
        initial = {
            "worked_on": entry.worked_on,
            "hours": entry.hours,
            "description": entry.description,
            "deliverable": entry.deliverable_id,
        }
        form = TimeEntryForm(initial=initial, deliverables=self._deliverables(entry))
        return self._render(request, entry, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = self._entry(pk)
        form = TimeEntryForm(request.POST, deliverables=self._deliverables(entry))
        status = 400
        if form.is_valid():
            try:
                services.time_entry_change(entry=entry, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Entry changed."))
                return redirect("portal_hours", pk=entry.enrollment_id)
        return self._render(request, entry, form, status=status)

    def _deliverables(self, entry: TimeEntry) -> Any:
        return selectors.enrollment_deliverables(enrollment=entry.enrollment)

    def _render(
        self, request: HttpRequest, entry: TimeEntry, form: TimeEntryForm, status: int = 200
    ) -> HttpResponse:
        context = {"entry": entry, "enrollment": entry.enrollment, "form": form}
        return render(request, "programs/hours_entry.html", context, status=status)


class PortalHoursDeleteView(CreatorViewMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = selectors.creator_entry(user=cast(Any, request.user), pk=pk)
        if entry is None:
            raise Http404(gettext("Not found."))
        back = reverse("portal_hours", kwargs={"pk": entry.enrollment_id})
        try:
            services.time_entry_delete(entry=entry, user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, gettext("Entry deleted."))
        return redirect("portal_hours", pk=entry.enrollment_id)
