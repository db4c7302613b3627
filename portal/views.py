"""The creator's home: a dated to-do list and earnings, then their enrollments, questions,
threads and cases across every org."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from influencers.access import CreatorViewMixin
from messaging import selectors
from messaging.answer_times import answer_times_by_org
from portal.selectors import creator_home
from programs.cases.services import cases_for_creator
from programs.hours.services import HOURS_PAGE_STATES


class PortalHomeView(CreatorViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        orgs = {p.organization_id: p.organization for p in self.creator_profiles}
        times = answer_times_by_org(organization_ids=list(orgs))
        context = {
            "hours_states": sorted(HOURS_PAGE_STATES),
            "answer_times": [
                {"organization": org, "times": times.get(org_id)} for org_id, org in orgs.items()
            ],
            "home": creator_home(user=user),
            "enrollments": selectors.creator_enrollments(user=user),
            "requests": selectors.creator_requests(user=user)[:50],
            "threads": selectors.creator_threads(user=user)[:50],
            "cases": cases_for_creator(user=user)[:20],
        }
        return render(request, "portal/home.html", context)
