"""The base of the portal's per-org pages: the creator door (``CreatorViewMixin``) plus the org
picker. With profiles in several orgs a page needs ``?org=<slug>``, else it shows a picker."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View

from influencers import selectors
from influencers.access import CreatorViewMixin
from influencers.models import CreatorProfile


class PortalMixin(CreatorViewMixin, View):
    """Signed-in creators only (the door narrows the RLS scope to their orgs before any query);
    ``chosen()`` is the profile of the org the page is about."""

    title = ""
    url_name = ""

    @property
    def profiles(self) -> list[CreatorProfile]:
        return self.creator_profiles

    def chosen(self) -> CreatorProfile | None:
        slug = self.request.GET.get("org", "")
        if not slug and len(self.profiles) == 1:
            slug = self.profiles[0].organization.slug
        if not slug:
            return None
        profile = selectors.own_profile(user=self.request.user, org_slug=slug)
        if profile is None:
            raise Http404(gettext("You do not work with this organization."))
        return profile

    def pick_org(self, request: HttpRequest) -> HttpResponse:
        context = {"profiles": self.profiles, "title": self.title, "url_name": self.url_name}
        return render(request, "portal/profile_orgs.html", context)

    def back_url(self, profile: CreatorProfile) -> str:
        return f"{reverse(self.url_name)}?org={quote(profile.organization.slug)}"

    def back(self, profile: CreatorProfile) -> HttpResponse:
        return redirect(self.back_url(profile))

    def page(
        self, request: HttpRequest, template: str, status: int = 200, **context: Any
    ) -> HttpResponse:
        context |= {"profiles": self.profiles, "title": self.title, "url_name": self.url_name}
        return render(request, template, context, status=status)
