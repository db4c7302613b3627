"""The desk's creator pages (ISM, admin; BSM may read), and the public page where a creator
accepts the portal link. Thin: each request calls one service or selector."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.choices import Category
from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencer_ops.tables import bad_filter, build_table, table_csv, wants_csv
from influencers import selectors, services
from influencers.forms import (
    AvailabilityForm,
    CreatorForm,
    HandlesForm,
    ImportForm,
    InterestForm,
    MilestoneForm,
)
from influencers.models import CreatorLink, CreatorProfile
from influencers.tables import CreatorFilter, CreatorTable
from influencers.values import selectors as values_selectors
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from programs.recruiting import selectors as recruiting_selectors
from programs.recruiting import services as recruiting


def _add_error(exc: DomainError, *forms_: forms.Form) -> None:
    """Put a service's message on the field it names across the creator form and the handles
    form (a handle's platform names ``<platform>_handle``), else on the first form. The
    one-form pages use ``form_add_domain_error``."""
    name = getattr(exc, "field", None)
    for form in forms_:
        for candidate in (name, f"{name}_handle"):
            if candidate and candidate in form.fields:
                form.add_error(candidate, str(exc))
                return
    forms_[0].add_error(None, str(exc))


# --- the desk ---


class CreatorMixin(OrgViewMixin):
    capability = permissions.can_work_prelaunch

    def creator(self, pk: Any) -> CreatorProfile:
        queryset = selectors.creator_detail(organization=self.organization)
        return get_for_org(queryset, self.organization, pk)

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": self.organization.slug, **kwargs})

    def context(self, **extra: Any) -> dict[str, Any]:
        can_edit = permissions.can_work_prelaunch(self.membership)
        return {"organization": self.organization, "can_edit": can_edit, **extra}


class CreatorListView(CreatorMixin, View):
    """The roster: search, filters, sortable columns and the CSV of what is filtered."""

    capability = permissions.can_use_desk

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creators = selectors.creator_list(organization=self.organization)
        filterset = CreatorFilter(request.GET, queryset=creators)
        table_kwargs = {"org_slug": self.organization.slug}
        if wants_csv(request) and filterset.is_valid():
            return table_csv(
                request,
                table_class=CreatorTable,
                filterset=filterset,
                filename=f"creators-{self.organization.slug}.csv",
                **table_kwargs,
            )
        listing = build_table(
            request, table_class=CreatorTable, filterset=filterset, **table_kwargs
        )
        status = 400 if bad_filter(listing) else 200
        context = self.context(listing=listing)
        return render(request, "influencers/creator_list.html", context, status=status)


class CreatorCreateView(CreatorMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CreatorForm(initial={"rate_currency": self.organization.default_currency})
        return self._render(request, form, HandlesForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form, handles = CreatorForm(request.POST), HandlesForm(request.POST)
        if form.is_valid() and handles.is_valid():
            try:
                creator = services.creator_create(
                    organization=self.organization,
                    actor=request.user,
                    handles=handles.handles(),
                    **form.cleaned_data,
                )
            except DomainError as exc:
                _add_error(exc, form, handles)
            else:
                messages.success(
                    request,
                    gettext("%(display_name)s was added.") % {"display_name": creator.display_name},
                )
                return redirect(self.url("creator_detail", pk=creator.pk))
        return self._render(request, form, handles, status=400)

    def _render(
        self, request: HttpRequest, form: CreatorForm, handles: HandlesForm, status: int = 200
    ) -> HttpResponse:
        context = self.context(form=form, handles_form=handles, creator=None)
        return render(request, "influencers/creator_form.html", context, status=status)


class CreatorEditView(CreatorMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        form = CreatorForm(initial=CreatorForm.initial_for(creator), editing=True)
        handles = HandlesForm(initial=HandlesForm.initial_for(list(creator.handles.all())))
        return self._render(request, creator, form, handles)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        form, handles = CreatorForm(request.POST, editing=True), HandlesForm(request.POST)
        if form.is_valid() and handles.is_valid():
            try:
                services.creator_update(
                    profile=creator,
                    actor=request.user,
                    handles=handles.handles(),
                    **form.cleaned_data,
                )
            except DomainError as exc:
                _add_error(exc, form, handles)
            else:
                messages.success(request, gettext("Changes saved."))
                return redirect(self.url("creator_detail", pk=creator.pk))
        return self._render(request, creator, form, handles, status=400)

    def _render(
        self,
        request: HttpRequest,
        creator: CreatorProfile,
        form: CreatorForm,
        handles: HandlesForm,
        status: int = 200,
    ) -> HttpResponse:
        context = self.context(form=form, handles_form=handles, creator=creator)
        return render(request, "influencers/creator_form.html", context, status=status)


class CreatorDetailView(CreatorMixin, View):
    capability = permissions.can_use_desk

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        link = selectors.creator_latest_link(profile=creator)
        context = self.context(
            creator=creator,
            link=link,
            link_state=selectors.creator_link_state(link) if link else "",
            enrollments=recruiting_selectors.creator_enrollments(
                organization=self.organization, creator=creator
            ),
            availability_form=AvailabilityForm(prefix="away"),
            interest_form=InterestForm(prefix="interest"),
            exclusions=values_selectors.creator_exclusions(profile=creator),
            values_statement=values_selectors.creator_values_statement(profile=creator),
            can_view_orders=permissions.can_view_payouts(self.membership),
        )
        return render(request, "influencers/creator_detail.html", context)


class CreatorImportView(CreatorMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._render(request, ImportForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, status=400)
        report = services.creators_import_csv(
            organization=self.organization,
            actor=request.user,
            file_text=form.cleaned_data["csv_text"],
        )
        if not report.ok:
            return self._render(request, form, report=report, status=400)
        messages.success(
            request, gettext("Imported %(created)s creators.") % {"created": report.created}
        )
        return redirect(self.url("creator_list"))

    def _render(
        self, request: HttpRequest, form: ImportForm, report: Any = None, status: int = 200
    ) -> HttpResponse:
        context = self.context(
            form=form,
            report=report,
            columns=services.IMPORT_COLUMNS,
            categories=Category.values,
        )
        return render(request, "influencers/creator_import.html", context, status=status)


class CreatorMilestoneView(CreatorMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        return self._render(request, creator, MilestoneForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs["pk"])
        form = MilestoneForm(request.POST)
        if form.is_valid():
            try:
                _change, amendments = recruiting.creator_milestone_correct(
                    profile=creator, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)  # the form re-renders with 400, as always
            else:
                sent = (
                    (
                        gettext(
                            " New terms sent for %(len)s program%(value)s: the creator accepts "
                            "them."
                        )
                        % {"len": len(amendments), "value": "s" if len(amendments) != 1 else ""}
                    )
                    if amendments
                    else ""
                )
                messages.success(
                    request,
                    gettext("Click milestone is now %(click_milestone)s.%(sent)s")
                    % {"click_milestone": creator.click_milestone, "sent": sent},
                )
                return redirect(self.url("creator_detail", pk=creator.pk))
        return self._render(request, creator, form, status=400)

    def _render(
        self, request: HttpRequest, creator: CreatorProfile, form: MilestoneForm, status: int = 200
    ) -> HttpResponse:
        context = self.context(creator=creator, form=form)
        return render(request, "influencers/creator_milestone.html", context, status=status)


class CreatorActionView(CreatorMixin, View):
    """A small POST from the creator page; success or the refusal shows there as a message."""

    success = ""

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = self.creator(kwargs.pop("pk"))
        kwargs.pop("org_slug", None)
        back = self.url("creator_detail", pk=creator.pk)
        try:
            self.act(request, creator, **kwargs)
        except DomainError as exc:
            return refuse_back(request, exc, back)
        messages.success(request, self.success)
        return redirect(back)


class CreatorInviteView(CreatorActionView):
    success = "Portal invitation sent."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        services.creator_link_invite(profile=creator, actor=request.user)
        self.success = gettext("Portal invitation sent to %(email)s.") % {"email": creator.email}


def _form_error(form: forms.Form) -> DomainError:
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return DomainError(" ".join(errors) or "Check the form.")


class AvailabilityAddView(CreatorActionView):
    success = "Away window added."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        form = AvailabilityForm(request.POST, prefix="away")
        if not form.is_valid():
            raise _form_error(form)
        services.availability_add(profile=creator, actor=request.user, **form.cleaned_data)


class AvailabilityRemoveView(CreatorActionView):
    success = "Away window removed."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        queryset = selectors.availability_of(profile=creator)
        window = get_for_org(queryset, self.organization, kwargs["item"])
        services.availability_remove(availability=window, actor=request.user)


class InterestAddView(CreatorActionView):
    success = "Program interest added."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        form = InterestForm(request.POST, prefix="interest")
        if not form.is_valid():
            raise _form_error(form)
        services.interest_add(profile=creator, actor=request.user, **form.cleaned_data)


class InterestRemoveView(CreatorActionView):
    success = "Program interest removed."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        queryset = selectors.interests_of(profile=creator)
        interest = get_for_org(queryset, self.organization, kwargs["item"])
        services.interest_remove(interest=interest, actor=request.user)


# --- the link a creator receives by e-mail (public: the token is the credential) ---


class CreatorLinkAcceptView(View):
    def _link(self, token: str) -> CreatorLink:
        link = services.creator_link_by_token(token)
        if link is None:
            raise Http404(gettext("This link is not valid."))
        return link

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._render(request, self._link(token))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        link = self._link(token)
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={quote(request.path)}")
        try:
            profile = services.creator_link_accept(link=link, user=request.user)
        except DomainError as exc:
            return self._render(request, link, error=str(exc), status=exc.status_code)
        messages.success(
            request,
            gettext("Your login is now connected to %(name)s.") % {"name": link.organization.name},
        )
        slug = quote(profile.organization.slug)
        return redirect(f"{reverse('portal_profile')}?org={slug}")

    def _render(
        self, request: HttpRequest, link: CreatorLink, error: str = "", status: int = 200
    ) -> HttpResponse:
        state = selectors.creator_link_state(link)
        if state != "pending" and status == 200:
            status = 410
        context = {"link": link, "state": state, "error": error, "next": quote(request.path)}
        return render(request, "influencers/link_accept.html", context, status=status)
