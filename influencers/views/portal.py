"""The creator's own profile, availability and interests, in the portal. Thin: each request
calls one service or selector; a refusal shows on the form or as a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext

from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencers import selectors, services
from influencers.forms import (
    AvailabilityForm,
    InterestForm,
    OwnProfileForm,
)
from influencers.portal_pages import PortalMixin


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
                form_add_domain_error(form, exc)  # the form re-renders with 400, as always
            else:
                messages.success(request, gettext("Your profile is saved."))
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
                form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Saved. Your success manager has been told."))
                return self.back(profile)
        return self.page(request, "portal/availability.html", 400, profile=profile, form=form)


class PortalAvailabilityRemoveView(PortalMixin):
    url_name = "portal_availability"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        window = selectors.own_availability(user=request.user, pk=pk)
        if window is None:
            raise Http404(gettext("Not found."))
        try:
            services.availability_remove_own(availability=window, user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, self.back_url(window.profile))
        messages.success(request, gettext("Removed. Your success manager has been told."))
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
                form_add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Saved. Your success manager has been told."))
                return self.back(profile)
        return self.page(request, "portal/interests.html", 400, profile=profile, form=form)


class PortalInterestRemoveView(PortalMixin):
    url_name = "portal_interests"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        interest = selectors.own_interest(user=request.user, pk=pk)
        if interest is None:
            raise Http404(gettext("Not found."))
        try:
            services.interest_remove_own(interest=interest, user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, self.back_url(interest.profile))
        messages.success(request, gettext("Removed. Your success manager has been told."))
        return self.back(interest.profile)
