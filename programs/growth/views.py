"""The creator's tier with each org, what unlocks the next, and their history there."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from influencers.access import CreatorViewMixin
from programs.growth import selectors
from programs.growth.tiers import TIERS


class PortalGrowthView(CreatorViewMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        context = {"growth": selectors.creator_growth(user=request.user), "tiers": TIERS}
        return render(request, "portal/growth.html", context)
