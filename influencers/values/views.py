"""The portal's "What you won't promote" page: the creator's exclusions and values statement,
the same for every org they work with. Thin: the door, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencer_ops.errors import DomainError, form_add_domain_error, refuse_back
from influencers.access import CreatorViewMixin
from influencers.values import selectors, services
from influencers.values.forms import ExclusionForm, ValuesForm


class PortalValuesView(CreatorViewMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        values = selectors.own_values(user=request.user)
        initial = {"statement": values.statement if values else ""}
        return self._page(request, ExclusionForm(), ValuesForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        """Adds an exclusion (``action=exclude``) or saves the statement (``action=values``)."""
        values_form = ValuesForm(request.POST if request.POST.get("action") == "values" else None)
        exclusion_form = ExclusionForm(
            request.POST if request.POST.get("action") != "values" else None
        )
        form: Any = values_form if values_form.is_bound else exclusion_form
        if form.is_valid():
            try:
                if form is values_form:
                    services.values_update_own(user=request.user, **form.cleaned_data)
                    messages.success(request, gettext("Your values statement is saved."))
                else:
                    services.exclusion_add_own(user=request.user, **form.service_arguments())
                    messages.success(
                        request, gettext("Saved. Matching leaves you out of programs about it.")
                    )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                return redirect("portal_values")
        return self._page(request, exclusion_form, values_form, status=400)

    def _page(
        self,
        request: HttpRequest,
        exclusion_form: ExclusionForm,
        values_form: ValuesForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {
            "exclusions": selectors.own_exclusions(user=request.user),
            "exclusion_form": exclusion_form,
            "values_form": values_form,
            "profiles": self.creator_profiles,
        }
        return render(request, "portal/values.html", context, status=status)


class PortalExclusionRemoveView(CreatorViewMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        exclusion = selectors.own_exclusion(user=request.user, pk=pk)
        if exclusion is None:
            raise Http404(gettext("Not found."))
        try:
            services.exclusion_remove_own(exclusion=exclusion, user=request.user)
        except DomainError as exc:
            return refuse_back(request, exc, reverse("portal_values"))
        messages.success(request, gettext("Removed."))
        return redirect("portal_values")
