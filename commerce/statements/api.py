"""Order statements from the API: ``/api/v1/me/orders/`` (the creator's own, across their
orgs) and ``/api/v1/orgs/<slug>/creators/<id>/orders/`` (staff who may see payouts). Paged
like every list; the same selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from commerce.models import Order
from commerce.statements import selectors
from commerce.statements.serializers import OrderLineSerializer
from influencers.access import CreatorScopedViewSet
from influencers.models import CreatorProfile
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_view_payouts


def _lines_response(view: Any, orders: QuerySet[Order]) -> Response:
    page = view.paginate_queryset(orders)
    lines = [selectors.order_line(order) for order in page]
    return view.get_paginated_response(OrderLineSerializer(lines, many=True).data)


class MyOrderViewSet(mixins.ListModelMixin, CreatorScopedViewSet):
    """Every order attributed to you, newest first, with its commission and state."""

    queryset = Order.objects.none()
    serializer_class = OrderLineSerializer

    def get_creator_queryset(self) -> QuerySet[Order]:
        return selectors.creator_orders(user=self.request.user)

    @extend_schema(responses=OrderLineSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _lines_response(self, self.get_queryset())


class CreatorOrderViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """One creator's attributed orders in the org's programs (``?enrollment=<id>`` for one)."""

    capabilities = {"*": can_view_payouts}
    queryset = Order.objects.none()
    serializer_class = OrderLineSerializer

    def get_org_queryset(self) -> QuerySet[Order]:
        creator = get_for_org(CreatorProfile.objects.all(), self.organization, self.kwargs["pk"])
        enrollment = self.request.query_params.get("enrollment")
        return selectors.creator_orders_for_org(
            organization=self.organization,
            creator=creator,
            enrollment_id=int(enrollment) if enrollment and enrollment.isdigit() else None,
        )

    @extend_schema(responses=OrderLineSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return _lines_response(self, self.get_queryset())
