"""The creator's home: their enrollments, questions, threads and cases across every org."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from influencers.access import activate_creator_scope
from messaging import selectors
from programs.cases.services import cases_for_creator


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    activate_creator_scope(request)
    user = request.user
    context = {
        "enrollments": selectors.creator_enrollments(user=user),
        "requests": selectors.creator_requests(user=user)[:50],
        "threads": selectors.creator_threads(user=user)[:50],
        "cases": cases_for_creator(user=user)[:20],
    }
    return render(request, "portal/home.html", context)
