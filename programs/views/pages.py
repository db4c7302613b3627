"""The program's own pages: list, create, the overview tab, the brief, deliverables, clone and
the lifecycle buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import View

from influencer_ops.choices import Category, Platform
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencer_ops.tables import bad_filter, build_table, table_csv, wants_csv
from influencer_ops.validation import NAME_MAX_LENGTH
from organizations.access import get_for_org
from organizations.permissions import can_manage_programs
from programs import selectors, services
from programs.forms import (
    DeliverableSpecForm,
    ProgramBriefForm,
    ProgramCancelForm,
    ProgramCloneForm,
    ProgramCreateForm,
    brief_initial,
)
from programs.models import Program
from programs.states import PROGRAM_TRANSITIONS, ProgramState
from programs.tables import ProgramFilter, ProgramTable
from programs.views.base import ProgramViewMixin


class ProgramListView(ProgramViewMixin, View):
    """Programs of the brands the member covers: search, filters, sortable columns, CSV."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        brands = selectors.brands_visible_to(
            organization=self.organization, membership=self.membership
        )
        programs = selectors.program_list(
            organization=self.organization, membership=self.membership
        )
        filterset = ProgramFilter(request.GET, queryset=programs, brands=brands)
        table_kwargs = {"org_slug": self.organization.slug}
        if wants_csv(request) and filterset.is_valid():
            return table_csv(
                request,
                table_class=ProgramTable,
                filterset=filterset,
                filename=f"programs-{self.organization.slug}.csv",
                **table_kwargs,
            )
        listing = build_table(
            request, table_class=ProgramTable, filterset=filterset, **table_kwargs
        )
        managed = selectors.brands_managed_by(
            organization=self.organization, membership=self.membership
        )
        context = {"listing": listing, "can_create": bool(managed)}
        return self.render_page(
            "program_list.html", context, status=400 if bad_filter(listing) else 200
        )


class ProgramCreateView(ProgramViewMixin, View):
    capability = can_manage_programs

    def _form(self, data: Any = None) -> ProgramCreateForm:
        brands = selectors.brands_managed_by(
            organization=self.organization, membership=self.membership
        )
        return ProgramCreateForm(data, brands=brands)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page("program_create.html", {"form": self._form()})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                program = services.program_create(
                    organization=self.organization,
                    brand=form.cleaned_data["brand"],
                    name=form.cleaned_data["name"],
                    actor=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(
                    request,
                    gettext("“%(name)s” created. Now write its brief.") % {"name": program.name},
                )
                return redirect(self.url("program_edit", pk=program.pk))
        return self.render_page("program_create.html", {"form": form}, status=400)


class ProgramDetailView(ProgramViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.program(kwargs["pk"])
        can_manage = can_manage_programs(self.membership, program.brand)
        next_states = PROGRAM_TRANSITIONS[program.state] if can_manage else frozenset()
        context = {
            "program": program,
            "specs": program.deliverable_specs.all(),
            "specs_editable": program.state in services.EDITABLE_STATES,
            "platforms": [Platform(value).label for value in program.platforms],
            "categories": [Category(value).label for value in program.categories],
            "missing": services.brief_missing(program)
            if program.state in services.EDITABLE_STATES
            else [],
            "roster": selectors.program_roster(program=program),
            "cancel_reason": selectors.program_cancel_reason(program=program)
            if program.state == ProgramState.CANCELLED
            else "",
            "can_manage": can_manage,
            "can_edit": can_manage and bool(services.program_editable_fields(program)),
            "can_open_recruiting": ProgramState.RECRUITING in next_states,
            "can_launch": ProgramState.LAUNCHED in next_states,
            "can_complete": ProgramState.COMPLETED in next_states,
            "can_close": ProgramState.CLOSED in next_states,
            "can_cancel": ProgramState.CANCELLED in next_states,
            "cancel_form": ProgramCancelForm(),
        }
        return self.render_page("program_detail.html", context)


class ProgramEditView(ProgramViewMixin, View):
    def _form(self, program: Program, data: Any = None) -> ProgramBriefForm:
        return ProgramBriefForm(
            data,
            organization=self.organization,
            editable=services.program_editable_fields(program),
            initial=brief_initial(program),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        if not services.program_editable_fields(program):
            messages.error(
                request,
                gettext("%(name)s is %(lower)s.")
                % {"name": program.name, "lower": program.get_state_display().lower()},
            )
            return redirect(self.url("program_detail", pk=program.pk))
        return self._render(program, self._form(program))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        form = self._form(program, request.POST)
        if form.is_valid():
            try:
                services.program_update(program=program, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(request, gettext("Brief saved."))
                return redirect(self.url("program_detail", pk=program.pk))
        return self._render(program, form, status=400)

    def _render(self, program: Program, form: ProgramBriefForm, status: int = 200) -> HttpResponse:
        return self.render_page("program_edit.html", {"program": program, "form": form}, status)


class ProgramDeliverablesView(ProgramViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        return self._render(program, DeliverableSpecForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        form = DeliverableSpecForm(request.POST)
        if form.is_valid():
            try:
                services.deliverable_spec_add(
                    program=program, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(request, gettext("Deliverable added."))
                return redirect(self.url("program_deliverables", pk=program.pk))
        return self._render(program, form, status=400)

    def _render(
        self, program: Program, form: DeliverableSpecForm, status: int = 200
    ) -> HttpResponse:
        context = {
            "program": program,
            "specs": selectors.program_deliverable_specs(program=program),
            "form": form,
            "editable": program.state in services.EDITABLE_STATES,
        }
        return self.render_page("program_deliverables.html", context, status)


class DeliverableSpecRemoveView(ProgramViewMixin, View):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        specs = selectors.program_deliverable_specs(program=program)
        spec = get_for_org(specs, self.organization, kwargs["spec_pk"])
        back = self.url("program_deliverables", pk=program.pk)
        try:
            services.deliverable_spec_remove(spec=spec, actor=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, gettext("Removed: %(spec)s.") % {"spec": spec})
        return redirect(back)


class ProgramCloneView(ProgramViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        form = ProgramCloneForm(initial={"name": f"Copy of {program.name}"[:NAME_MAX_LENGTH]})
        return self._render(program, form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        form = ProgramCloneForm(request.POST)
        if form.is_valid():
            try:
                clone = services.program_clone(
                    program=program, actor=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # re-rendered with 400, as always
            else:
                messages.success(
                    request,
                    gettext("“%(name)s” is a new draft copied from this one.")
                    % {"name": clone.name},
                )
                return redirect(self.url("program_edit", pk=clone.pk))
        return self._render(program, form, status=400)

    def _render(self, program: Program, form: ProgramCloneForm, status: int = 200) -> HttpResponse:
        return self.render_page("program_clone.html", {"program": program, "form": form}, status)


class ProgramTransitionView(ProgramViewMixin, View):
    """POST buttons on the program page: one lifecycle move each."""

    moves: ClassVar[dict[str, tuple[Callable[..., Program], str]]] = {
        "open_recruiting": (services.program_open_recruiting, "is recruiting"),
        "launch": (services.program_launch, "is launched"),
        "complete": (services.program_complete, "is completed"),
        "close": (services.program_close, "is closed"),
        "cancel": (services.program_cancel, "is cancelled"),
    }
    move: str = ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        program = self.managed_program(kwargs["pk"])
        service, done = self.moves[self.move]
        extra: dict[str, Any] = {}
        if self.move == "cancel":
            form = ProgramCancelForm(request.POST)
            extra["reason"] = form.cleaned_data["reason"] if form.is_valid() else ""
        back = self.url("program_detail", pk=program.pk)
        try:
            moved = service(program=program, actor=request.user, **extra)
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, f"{moved.name} {done}.")
        return redirect(back)
