"""The timeline pages: the team's (from the enrollment hub, any role covering the brand) and
the creator's (from their enrollment page in the portal). Another brand's or creator's
enrollment is a 404."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import View

from influencers.access import CreatorViewMixin
from organizations import permissions
from organizations.access import OrgViewMixin, get_for_org
from programs.timeline import selectors

PAGE_SIZE = 50


def _page(request: HttpRequest, timeline: selectors.Timeline) -> Any:
    return Paginator(cast(Any, timeline), PAGE_SIZE).get_page(request.GET.get("page"))


class EnrollmentTimelineView(OrgViewMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = selectors.staff_enrollments(
            organization=self.organization, membership=self.membership
        )
        enrollment = get_for_org(rows, self.organization, kwargs["pk"])
        timeline = selectors.enrollment_timeline(
            enrollment=enrollment, with_money=permissions.can_view_payouts(self.membership)
        )
        context = {"enrollment": enrollment, "page": _page(request, timeline)}
        return render(request, "programs/enrollment_timeline.html", context)


class PortalTimelineView(CreatorViewMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        enrollment = selectors.creator_enrollments(user=request.user).filter(pk=pk).first()
        if enrollment is None:
            raise Http404(gettext("Not found."))
        timeline = selectors.enrollment_timeline(
            enrollment=enrollment, with_money=True, creator_view=True
        )
        context = {"enrollment": enrollment, "page": _page(request, timeline)}
        return render(request, "portal/enrollment_timeline.html", context)
