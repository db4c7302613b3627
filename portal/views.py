"""The creator's home: a dated to-do list and earnings, then their enrollments, questions,
threads and cases across every org."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from influencers.access import CreatorViewMixin
from messaging import selectors
from messaging.answer_times import answer_times_by_org
from portal.selectors import creator_home
from programs.cases.services import cases_for_creator
from programs.hours.services import HOURS_PAGE_STATES

HOME_PAGE_SIZE = 20


def _page(request: HttpRequest, rows: Any, param: str) -> Page:
    return Paginator(rows, HOME_PAGE_SIZE).get_page(request.GET.get(param))


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
            # Each list a page of its own (``?programs=2``, ``?questions=2``, ``?threads=2``).
            "enrollments": _page(request, selectors.creator_enrollments(user=user), "programs"),
            "requests": _page(request, selectors.creator_requests(user=user), "questions"),
            "threads": _page(request, selectors.creator_threads(user=user), "threads"),
            "cases": cases_for_creator(user=user)[:20],
        }
        return render(request, "portal/home.html", context)
