"""Creator pages: the desk's roster (ISM, admin; BSM may read), the portal link acceptance,
and the creator's own profile, availability and interests in the portal. Thin: each request
calls one service or selector."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from influencer_ops.choices import Category
from influencer_ops.errors import DomainError
from influencers import selectors, services
from influencers.access import activate_creator_scope
from influencers.forms import (
    AvailabilityForm,
    CreatorFilterForm,
    CreatorForm,
    HandlesForm,
    ImportForm,
    InterestForm,
    MilestoneForm,
    OwnProfileForm,
)
from influencers.models import CreatorLink, CreatorProfile
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org

PAGE_SIZE = 50


def _add_error(exc: DomainError, *forms_: forms.Form) -> None:
    """Put a service's message on the field it names, else on the first form."""
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
    capability = permissions.can_use_desk

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = CreatorFilterForm(request.GET or None)
        filters = form.filters()
        creators = selectors.creator_list(organization=self.organization, **filters)
        page = Paginator(creators, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self.context(
            filter_form=form, page=page, filtered=any(filters.values()), query=query.urlencode()
        )
        return render(request, "influencers/creator_list.html", context)


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
                messages.success(request, f"{creator.display_name} was added.")
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
                messages.success(request, "Changes saved.")
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
            availability_form=AvailabilityForm(prefix="away"),
            interest_form=InterestForm(prefix="interest"),
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
        messages.success(request, f"Imported {report.created} creators.")
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
                services.milestone_change(profile=creator, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _add_error(exc, form)
            else:
                messages.success(request, f"Click milestone is now {creator.click_milestone}.")
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
        try:
            self.act(request, creator, **kwargs)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, self.success)
        return redirect(self.url("creator_detail", pk=creator.pk))


class CreatorInviteView(CreatorActionView):
    success = "Portal invitation sent."

    def act(self, request: HttpRequest, creator: CreatorProfile, **kwargs: Any) -> None:
        services.creator_link_invite(
            profile=creator, actor=request.user, base_url=request.build_absolute_uri("/")[:-1]
        )
        self.success = f"Portal invitation sent to {creator.email}."


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
            raise Http404("This link is not valid.")
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
        messages.success(request, f"Your login is now connected to {link.organization.name}.")
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


# --- the portal: the creator's own profile, availability and interests ---


class PortalMixin(View):
    """Signed-in creators only; narrows the RLS scope to their orgs before any query.
    With profiles in several orgs the page needs ``?org=<slug>``, else it shows a picker."""

    title = ""
    url_name = ""
    profiles: list[CreatorProfile]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
        self.profiles = activate_creator_scope(request)
        return super().dispatch(request, *args, **kwargs)

    def chosen(self) -> CreatorProfile | None:
        slug = self.request.GET.get("org", "")
        if not slug and len(self.profiles) == 1:
            slug = self.profiles[0].organization.slug
        if not slug:
            return None
        profile = selectors.own_profile(user=self.request.user, org_slug=slug)
        if profile is None:
            raise Http404("You do not work with this organization.")
        return profile

    def pick_org(self, request: HttpRequest) -> HttpResponse:
        context = {"profiles": self.profiles, "title": self.title, "url_name": self.url_name}
        return render(request, "portal/profile_orgs.html", context)

    def back(self, profile: CreatorProfile) -> HttpResponse:
        return redirect(f"{reverse(self.url_name)}?org={quote(profile.organization.slug)}")

    def page(
        self, request: HttpRequest, template: str, status: int = 200, **context: Any
    ) -> HttpResponse:
        context |= {"profiles": self.profiles, "title": self.title, "url_name": self.url_name}
        return render(request, template, context, status=status)


class PortalProfileView(PortalMixin):
    title = "Your profile"
    url_name = "portal_profile"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        form = OwnProfileForm(initial=OwnProfileForm.initial_for(profile))
        return self.page(request, "portal/profile.html", profile=profile, form=form)

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        form = OwnProfileForm(request.POST)
        if form.is_valid():
            try:
                services.profile_update_own(profile=profile, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                _add_error(exc, form)
            else:
                messages.success(request, "Your profile is saved.")
                return self.back(profile)
        return self.page(request, "portal/profile.html", 400, profile=profile, form=form)


class PortalAvailabilityView(PortalMixin):
    title = "Your availability"
    url_name = "portal_availability"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        form = AvailabilityForm()
        return self.page(request, "portal/availability.html", profile=profile, form=form)

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            try:
                services.availability_set_own(
                    profile=profile, user=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                _add_error(exc, form)
            else:
                messages.success(request, "Saved. Your success manager has been told.")
                return self.back(profile)
        return self.page(request, "portal/availability.html", 400, profile=profile, form=form)


class PortalAvailabilityRemoveView(PortalMixin):
    url_name = "portal_availability"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        window = selectors.own_availability(user=request.user, pk=pk)
        if window is None:
            raise Http404("Not found.")
        try:
            services.availability_remove_own(availability=window, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Removed. Your success manager has been told.")
        return self.back(window.profile)


class PortalInterestsView(PortalMixin):
    title = "Programs you want"
    url_name = "portal_interests"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        return self.page(request, "portal/interests.html", profile=profile, form=InterestForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = self.chosen()
        if profile is None:
            return self.pick_org(request)
        form = InterestForm(request.POST)
        if form.is_valid():
            try:
                services.interest_add_own(profile=profile, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                _add_error(exc, form)
            else:
                messages.success(request, "Saved. Your success manager has been told.")
                return self.back(profile)
        return self.page(request, "portal/interests.html", 400, profile=profile, form=form)


class PortalInterestRemoveView(PortalMixin):
    url_name = "portal_interests"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        interest = selectors.own_interest(user=request.user, pk=pk)
        if interest is None:
            raise Http404("Not found.")
        try:
            services.interest_remove_own(interest=interest, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Removed. Your success manager has been told.")
        return self.back(interest.profile)
