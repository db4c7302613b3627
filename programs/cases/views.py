"""Compliance case pages: the team's case list, opening a case, a case with its actions, and
the creator's view of a case about them (never the team's internal notes).

Reading a case needs a role that covers its brand (any other case is a 404, like a missing
one); acting needs ``may_act_on_cases`` for that brand (403 otherwise).
"""

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
from influencer_ops.tables import bad_filter, build_table, table_csv, wants_csv
from influencers.access import CreatorViewMixin
from messaging.models import Thread
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_use_desk, covers_brand
from programs.cases import selectors
from programs.cases import services as cases
from programs.cases.forms import (
    ACTION_FORM_BY_KIND,
    ACTION_FORMS,
    CaseActionForm,
    CaseOpenForm,
    RespondForm,
)
from programs.cases.tables import CaseFilter, CaseTable
from programs.models import ComplianceCase, Enrollment
from programs.states import ENDED_STATES


class CaseMixin(OrgViewMixin):
    request: HttpRequest

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def visible_case(self, pk: Any, *, with_actions: bool = False) -> ComplianceCase:
        found = selectors.cases_visible_to(
            organization=self.organization, membership=self.membership
        )
        if with_actions:
            found = found.select_related("enrollment__amount_owed").prefetch_related(
                selectors.case_actions(for_creator=False)
            )
        return get_for_org(found, self.organization, pk)

    def require_actor(self, brand: Any) -> None:
        if not cases.may_act_on_cases(self.membership, brand):
            raise PermissionDenied(gettext("Your role does not allow working on cases."))

    def render_page(
        self, template: str, context: dict[str, Any], status: int = 200
    ) -> HttpResponse:
        base = {"organization": self.organization, "membership": self.membership}
        return render(self.request, f"programs/{template}", base | context, status=status)


class CaseListView(CaseMixin, View):
    """Cases the member may read: search, filters, sortable columns, CSV."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = selectors.cases_visible_to(
            organization=self.organization, membership=self.membership
        )
        filterset = CaseFilter(request.GET, queryset=found)
        table_kwargs = {"org_slug": self.organization.slug}
        if wants_csv(request) and filterset.is_valid():
            return table_csv(
                request,
                table_class=CaseTable,
                filterset=filterset,
                filename=f"cases-{self.organization.slug}.csv",
                **table_kwargs,
            )
        listing = build_table(request, table_class=CaseTable, filterset=filterset, **table_kwargs)
        status = 400 if bad_filter(listing) else 200
        return self.render_page("case_list.html", {"listing": listing}, status=status)


class CaseNewView(CaseMixin, View):
    def enrollment(self, pk: Any) -> Enrollment:
        enrollment = get_for_org(
            Enrollment.objects.select_related("program__brand", "creator"), self.organization, pk
        )
        if not covers_brand(self.membership, enrollment.program.brand):
            raise Http404(gettext("Not found."))
        self.require_actor(enrollment.program.brand)
        return enrollment

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrollment = self.enrollment(kwargs["pk"])
        return self._render(enrollment, CaseOpenForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        enrollment = self.enrollment(kwargs["pk"])
        form = CaseOpenForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                case = cases.case_open(
                    enrollment=enrollment,
                    actor=request.user,
                    membership=self.membership,
                    **form.cleaned_data,
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise  # the 403 page with the reason, as for the role checks above
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Case opened; the BSM has it in their queue."))
                return redirect(self.url("case_detail", pk=case.pk))
        return self._render(enrollment, form, status=status)

    def _render(self, enrollment: Enrollment, form: CaseOpenForm, status: int = 200) -> Any:
        context = {"enrollment": enrollment, "form": form}
        return self.render_page("case_new.html", context, status=status)


class CaseDetailView(CaseMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(self.visible_case(kwargs["pk"], with_actions=True))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        case = self.visible_case(kwargs["pk"])
        self.require_actor(case.enrollment.program.brand)
        form_class = ACTION_FORM_BY_KIND.get(request.POST.get("kind", ""))
        if form_class is None:
            messages.error(request, gettext("Choose an action."))
            return self._render(self.visible_case(case.pk, with_actions=True), status=400)
        form = form_class(request.POST)
        status = 400
        if form.is_valid():
            try:
                cases.case_act(
                    case=case,
                    actor=request.user,
                    membership=self.membership,
                    **form.service_kwargs(),
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    raise  # the 403 page with the reason, as for the role checks above
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("%(title)s: recorded.") % {"title": form.title})
                return redirect(self.url("case_detail", pk=case.pk))
        return self._render(self.visible_case(case.pk, with_actions=True), form, status=status)

    def _forms(self, case: ComplianceCase, bound: CaseActionForm | None) -> list[Any]:
        if case.state not in cases.ACTIVE_CASE_STATES:
            return []
        if not cases.may_act_on_cases(self.membership, case.enrollment.program.brand):
            return []
        shown = []
        for form_class in ACTION_FORMS:
            if form_class.kind == "escalation" and case.state != ComplianceCase.State.OPEN:
                continue
            if form_class.kind == "terminate" and case.enrollment.state != "active":
                continue
            is_bound = bound is not None and bound.kind == form_class.kind
            shown.append(bound if is_bound else form_class())
        return shown

    def _render(
        self, case: ComplianceCase, bound: CaseActionForm | None = None, status: int = 200
    ) -> HttpResponse:
        thread = None
        if can_use_desk(self.membership):
            thread = Thread.objects.filter(
                organization=self.organization, enrollment_id=case.enrollment_id
            ).first()
        context = {
            "case": case,
            "actions": case.shown_actions,  # type: ignore[attr-defined]
            "action_forms": self._forms(case, bound),
            "owed": getattr(case.enrollment, "amount_owed", None),
            "thread": thread,
        }
        return self.render_page("case_detail.html", context, status=status)


# --- the creator's side ---


class PortalCaseView(CreatorViewMixin, View):
    def _case(self, pk: int) -> ComplianceCase:
        case = (
            selectors.cases_for_creator(user=cast(Any, self.request.user))
            .prefetch_related(selectors.case_actions(for_creator=True))
            .filter(pk=pk)
            .first()
        )
        if case is None:
            raise Http404(gettext("Not found."))
        return case

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, self._case(pk), RespondForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self._case(pk)
        form = RespondForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                cases.case_respond(case=case, user=request.user, text=form.cleaned_data["text"])
            except DomainError as exc:
                status = form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Your response is with the team."))
                return redirect(request.path)
        return self._render(request, self._case(pk), form, status=status)

    def _render(
        self, request: HttpRequest, case: ComplianceCase, form: RespondForm, status: int = 200
    ) -> HttpResponse:
        enrollment = case.enrollment
        thread = Thread.objects.filter(enrollment_id=enrollment.pk).first()
        context = {
            "case": case,
            "actions": case.shown_actions,  # type: ignore[attr-defined]
            "form": form,
            "can_respond": case.state in cases.ACTIVE_CASE_STATES,
            "owed": getattr(enrollment, "amount_owed", None),
            "thread": thread,
            # An amendment is accepted on the invitation page while the place lasts.
            "terms_link": ""
            if enrollment.state in ENDED_STATES
            else reverse("portal_invitation", kwargs={"pk": enrollment.pk}),
        }
        return render(request, "portal/case.html", context, status=status)
