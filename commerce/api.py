"""Orders API, under /api/v1/orgs/<slug>/orders/: POST one order or a list of up to 500 (all
or nothing; the same id and content again is a no-op, other content a 409), POST refunds/, POST
import/ (CSV); GET lists them with their commission. Discount codes under discount-codes/.
Thin: the same services as the pages and the Shopify webhook."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from commerce import services
from commerce.models import DiscountCode, Order, OrderSource
from commerce.orders import services as orders
from commerce.orders.csv_import import IMPORT_COLUMNS, orders_import_csv
from commerce.orders.inputs import OrdersInvalid, clean_batch, clean_order, clean_refund
from commerce.permissions import can_manage_orders, can_view_orders
from commerce.selectors import discount_codes_for_org, orders_for_org
from commerce.serializers import (
    DiscountCodeSerializer,
    OrderInSerializer,
    OrderSerializer,
    ReceivedSerializer,
    RefundInSerializer,
)
from influencer_ops.csv_import import CSVTextParser, PlainTextParser, csv_text_from_request
from influencer_ops.pagination import cursor_pagination
from organizations.access import OrgScopedViewSet, get_for_org
from programs.models import Enrollment


def invalid_response(exc: OrdersInvalid) -> Response:
    errors = {str(index): fields for index, fields in sorted(exc.errors.items())}
    return Response({"detail": str(exc), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def received_response(result: orders.Received) -> Response:
    code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return Response({"created": len(result.created), "unchanged": len(result.unchanged)}, code)


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Order.objects.none()
    serializer_class = OrderSerializer
    # An org's orders grow without bound: paged by cursor, newest first, never counted.
    pagination_class = cursor_pagination("-placed_at", "-id")
    capabilities = {
        "*": can_view_orders,
        "create": can_manage_orders,
        "refunds": can_manage_orders,
        "import_csv": can_manage_orders,
    }

    def get_org_queryset(self) -> Any:
        return orders_for_org(organization=self.organization)

    @extend_schema(
        request=OrderInSerializer(many=True),
        responses={
            201: ReceivedSerializer,
            200: OpenApiResponse(ReceivedSerializer, description="All already received."),
            400: OpenApiResponse(description="A value refused: nothing stored."),
            409: OpenApiResponse(description="An id already received with other content."),
        },
        description="One order (an object) or up to 500 (a list). Amounts are strings.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            items = clean_batch(request.data, clean_order)
        except OrdersInvalid as exc:
            return invalid_response(exc)
        result = orders.orders_receive(
            organization=self.organization, source=OrderSource.API, orders=items, actor=request.user
        )
        return received_response(result)

    @extend_schema(
        request=RefundInSerializer(many=True),
        responses={201: ReceivedSerializer, 200: ReceivedSerializer},
        description=(
            "One refund or up to 500 of orders sent through the API. A refund that would make "
            "an order's refunds more than its value is refused (400), nothing stored."
        ),
    )
    @action(detail=False, methods=["post"])
    def refunds(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            items = clean_batch(request.data, clean_refund)
        except OrdersInvalid as exc:
            return invalid_response(exc)
        result = orders.refunds_receive(
            organization=self.organization,
            source=OrderSource.API,
            refunds=items,
            actor=request.user,
        )
        return received_response(result)

    @extend_schema(
        request={"text/csv": OpenApiTypes.STR, "multipart/form-data": OpenApiTypes.BINARY},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        description=(
            f"Import orders from CSV, all or nothing. Columns: {', '.join(IMPORT_COLUMNS)}."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, JSONParser, CSVTextParser, PlainTextParser],
    )
    def import_csv(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = orders_import_csv(
            organization=self.organization,
            actor=request.user,
            file_text=csv_text_from_request(request),
        )
        body = {
            "ok": report.ok,
            "rows": report.rows,
            "created": report.created,
            "unchanged": report.unchanged,
            "problems": [p.__dict__ for p in report.problems],
        }
        return Response(
            body, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        )


class DiscountCodeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, OrgScopedViewSet):
    """The org's discount codes; POST gives an enrollment a code (409 if the org has it);
    POST …/deactivate/ stops a code attributing new orders."""

    queryset = DiscountCode.objects.none()
    serializer_class = DiscountCodeSerializer
    capabilities = {
        "*": can_view_orders,
        "create": can_manage_orders,
        "deactivate": can_manage_orders,
    }

    def get_org_queryset(self) -> Any:
        return discount_codes_for_org(organization=self.organization)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DiscountCodeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enrollment = get_for_org(
            Enrollment.objects.all(), self.organization, payload.validated_data["enrollment"].pk
        )
        code = services.discount_code_add(
            enrollment=enrollment, code=payload.validated_data["code"], actor=request.user
        )
        return Response(DiscountCodeSerializer(code).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DiscountCodeSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        code = get_for_org(DiscountCode.objects.all(), self.organization, kwargs["pk"])
        code = services.discount_code_deactivate(code=code, actor=request.user)
        return Response(DiscountCodeSerializer(code).data)
