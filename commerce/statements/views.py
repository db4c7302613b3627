"""Order statement pages: the creator's own orders (portal) and one creator's orders in the
org (staff who may see payouts; a creator of another org is a 404). 50 orders a page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from commerce.statements import selectors
from influencers.access import CreatorViewMixin
from influencers.models import CreatorProfile
from organizations.access import OrgViewMixin, get_for_org
from organizations.permissions import can_view_payouts
from programs.models import Enrollment

PAGE_SIZE = 50


def _page(request: HttpRequest, orders: Any) -> tuple[Page[Any], list[selectors.OrderLine]]:
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, [selectors.order_line(order) for order in page.object_list]


class PortalOrdersView(CreatorViewMixin, View):
    """Every order attributed to you, with its commission and where it stands."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        orders = selectors.creator_orders(user=request.user)
        page, lines = _page(request, orders)
        context = {
            "page": page,
            "lines": lines,
            "totals": selectors.order_totals(orders=orders),
        }
        return render(request, "commerce/portal_orders.html", context)


class CreatorOrdersView(OrgViewMixin, View):
    """One creator's attributed orders in the org's programs (``?enrollment=`` narrows to one
    program: the enrollment hub links there)."""

    capability = can_view_payouts

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        creator = get_for_org(CreatorProfile.objects.all(), self.organization, kwargs["pk"])
        enrollment = None
        if request.GET.get("enrollment"):
            enrollment = get_for_org(
                Enrollment.objects.filter(creator=creator).select_related("program"),
                self.organization,
                request.GET["enrollment"],
            )
        orders = selectors.creator_orders_for_org(
            organization=self.organization,
            creator=creator,
            enrollment_id=enrollment.pk if enrollment else None,
        )
        page, lines = _page(request, orders)
        context = {
            "organization": self.organization,
            "creator": creator,
            "enrollment": enrollment,
            "query": f"enrollment={enrollment.pk}&" if enrollment else "",
            "page": page,
            "lines": lines,
            "totals": selectors.order_totals(orders=orders),
        }
        return render(request, "commerce/creator_orders.html", context)
