"""Deadline pages: the creator's extension request (portal), the BSM's pending extensions and
a program's bulk due-date change (desk). Thin: parse, call one service, render."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error
from influencer_ops.validation import EXTENSION_TEXT_MAX_LENGTH
from influencers.access import CreatorViewMixin
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from programs.deadlines import selectors
from programs.deadlines import services as deadlines
from programs.deadlines.forms import DueDatesShiftForm, ExtensionDecisionForm, ExtensionRequestForm
from programs.models import Deliverable, Extension, ExtensionState, Program
from programs.states import EnrollmentState, ProgramState
from programs.tabs import may_open_tab
from programs.views import ProgramViewMixin

# --- the creator's side ---


class PortalExtensionView(CreatorViewMixin, View):
    def _deliverable(self, pk: int) -> Deliverable:
        deliverable = selectors.creator_deliverable(user=cast(Any, self.request.user), pk=pk)
        if deliverable is None:
            raise Http404(gettext("Not found."))
        return deliverable

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._deliverable(pk), ExtensionRequestForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        deliverable = self._deliverable(pk)
        form = ExtensionRequestForm(request.POST)
        if form.is_valid():
            try:
                extension = deadlines.extension_request(
                    deliverable=deliverable,
                    user=request.user,
                    requested_due_on=form.cleaned_data["requested_due_on"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
                return self._render(request, self._deliverable(pk), form, status)
            if extension.state == ExtensionState.APPROVED:
                messages.success(
                    request,
                    gettext("Extension %(NO_PENALTY)s: the new due date is %(requested_due_on)s.")
                    % {
                        "NO_PENALTY": deadlines.NO_PENALTY,
                        "requested_due_on": format(extension.requested_due_on, "%Y-%m-%d"),
                    },
                )
            else:
                messages.success(
                    request, gettext("Your request is with your brand success manager.")
                )
            return redirect(request.path)
        return self._render(request, deliverable, form, 400)

    def _render(
        self,
        request: HttpRequest,
        deliverable: Deliverable,
        form: ExtensionRequestForm,
        status: int = 200,
    ) -> HttpResponse:
        history = list(selectors.extension_history(deliverable=deliverable))
        pending = any(e.state == ExtensionState.PENDING for e in history)
        context = {
            "deliverable": deliverable,
            "label": deadlines.deliverable_label(deliverable),
            "program": deliverable.program,
            "policy": deadlines.extension_policy(deliverable.program),
            "automatic_left": deadlines.self_service_left(deliverable),
            "history": history,
            "pending": pending,
            "can_request": not pending
            and deliverable.state in deadlines.EXTENDABLE_STATES
            and deliverable.enrollment.state == EnrollmentState.ACTIVE
            and deliverable.program.state == ProgramState.LAUNCHED,
            "form": form,
        }
        return render(request, "portal/extension_request.html", context, status=status)


# --- the BSM's side ---


class PostLaunchMixin(OrgViewMixin):
    capability = permissions.can_work_postlaunch


def _extensions_page(request: HttpRequest, organization: Any, status: int = 200) -> HttpResponse:
    pending = selectors.pending_extensions(organization=organization)
    recent = selectors.recent_decisions(organization=organization)
    context = {
        "rows": [(e, deadlines.deliverable_label(e.deliverable)) for e in pending],
        "recent": [(e, deadlines.deliverable_label(e.deliverable)) for e in recent],
        "form": ExtensionDecisionForm(),
    }
    return render(request, "programs/deadlines_extensions.html", context, status=status)


class DeskExtensionsView(PostLaunchMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _extensions_page(request, self.organization)


class DeskExtensionDecideView(PostLaunchMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        extension = get_for_org(Extension.objects.all(), self.organization, kwargs["pk"])
        form = ExtensionDecisionForm(request.POST)
        decision = request.POST.get("decision")
        if decision not in ("approve", "deny") or not form.is_valid():
            messages.error(
                request,
                gettext(
                    "Choose approve or deny; a note is at most "
                    "%(EXTENSION_TEXT_MAX_LENGTH)s characters."
                )
                % {"EXTENSION_TEXT_MAX_LENGTH": EXTENSION_TEXT_MAX_LENGTH},
            )
            return _extensions_page(request, self.organization, 400)
        try:
            decided = deadlines.extension_decide(
                extension=extension,
                actor=request.user,
                approve=decision == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return _extensions_page(request, self.organization, exc.status_code)
        verdict = "approved" if decided.state == ExtensionState.APPROVED else gettext("not granted")
        messages.success(
            request,
            gettext("Extension %(verdict)s; the creator has been told.") % {"verdict": verdict},
        )
        return redirect(reverse("desk_extensions", kwargs={"org_slug": self.organization.slug}))


class ProgramDueDatesView(ProgramViewMixin, View):
    """The program's due-dates tab: read by the desk and the brand's program managers (the
    tab's rule); moving due dates stays with the BSM and admins (403 for the others)."""

    def _program(self, pk: int) -> Program:
        program = self.program(pk)
        if not may_open_tab(self.membership, program, "due_dates"):
            raise PermissionDenied(gettext("Your role does not allow this."))
        if self.request.method == "POST" and not permissions.can_work_postlaunch(self.membership):
            raise PermissionDenied(gettext("Only the BSM and admins move due dates."))
        return program

    def _open(self, program: Program) -> list[Deliverable]:
        return selectors.open_deliverables(organization=self.organization, program=program)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self._program(kwargs["pk"])
        rows = self._open(program)
        form = DueDatesShiftForm(deliverable_ids=[d.pk for d in rows])
        return self._render(request, program, rows, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self._program(kwargs["pk"])
        rows = self._open(program)
        form = DueDatesShiftForm(request.POST, deliverable_ids=[d.pk for d in rows])
        if not form.is_valid():
            return self._render(request, program, rows, form, 400)
        data = form.cleaned_data
        try:
            moved = deadlines.due_dates_shift(
                program=program,
                actor=request.user,
                days=data["days"],
                new_due_on=data["new_due_on"],
                deliverable_ids=data["deliverables"] or None,
            )
        except DomainError as exc:
            status = form_add_domain_error(form, exc)
            return self._render(request, program, rows, form, status)
        messages.success(
            request,
            gettext("%(moved)s due date%(value)s moved.")
            % {"moved": moved, "value": "s" if moved != 1 else ""},
        )
        return redirect(request.path)

    def _render(
        self,
        request: HttpRequest,
        program: Program,
        rows: list[Deliverable],
        form: DueDatesShiftForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "program": program,
            "rows": [(d, deadlines.deliverable_label(d)) for d in rows],
            "chosen": {str(v) for v in form["deliverables"].value() or ()},
            "form": form,
            "launched": program.state == ProgramState.LAUNCHED,
            "can_shift": permissions.can_work_postlaunch(self.membership),
        }
        return render(request, "programs/deadlines_due_dates.html", context, status=status)
