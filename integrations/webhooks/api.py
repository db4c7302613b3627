"""The webhook API (admins): endpoints CRUD with secret rotation; the delivery log with replay.
Thin: the same services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param, id_param, id_parameter
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks import selectors, services
from integrations.webhooks.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
)
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_manage_webhooks


class EndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    OrgScopedViewSet,
):
    """The org's webhook endpoints. POST registers one (https, public addresses only; 400
    otherwise) and answers its signing secret; PATCH changes it (``state``: active or paused);
    POST …/rotate-secret/ makes a new secret; DELETE removes it and its delivery log."""

    queryset = WebhookEndpoint.objects.none()
    serializer_class = WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    capabilities = {"*": can_manage_webhooks}

    def get_org_queryset(self) -> Any:
        return selectors.endpoint_list(organization=self.organization)

    @extend_schema(
        request=WebhookEndpointCreateSerializer, responses={201: WebhookEndpointSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = WebhookEndpointCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(
            organization=self.organization, actor=request.user, **payload.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WebhookEndpointUpdateSerializer, responses={200: WebhookEndpointSerializer}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = WebhookEndpointUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        endpoint = get_for_org(WebhookEndpoint.objects.all(), self.organization, kwargs["pk"])
        endpoint = services.endpoint_update(
            endpoint=endpoint, actor=request.user, **payload.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(endpoint=instance, actor=self.request.user)

    @extend_schema(request=None, responses={200: WebhookEndpointSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = services.endpoint_rotate_secret(endpoint=self.get_object(), actor=request.user)
        return Response(WebhookEndpointSerializer(endpoint).data)


DELIVERY_FILTERS = [
    id_parameter("endpoint", "Webhook endpoint id"),
    OpenApiParameter("state", str, enum=WebhookDelivery.State.values),
]


class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The delivery log, newest first: filter with ?endpoint= and ?state=. POST …/replay/ sends
    the delivery's event to its endpoint again (a new delivery, same event id)."""

    queryset = WebhookDelivery.objects.none()
    serializer_class = WebhookDeliverySerializer
    capabilities = {"*": can_manage_webhooks}

    def get_org_queryset(self) -> Any:
        deliveries = selectors.delivery_list(organization=self.organization)
        endpoint_id = id_param(self.request, "endpoint")
        if endpoint_id is not None:
            deliveries = deliveries.filter(endpoint_id=endpoint_id)
        state = choice_param(self.request, "state", WebhookDelivery.State.values)
        if state is not None:
            deliveries = deliveries.filter(state=state)
        return deliveries

    @extend_schema(parameters=DELIVERY_FILTERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    @action(detail=True, methods=["post"])
    def replay(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delivery = get_for_org(WebhookDelivery.objects.all(), self.organization, kwargs["pk"])
        replay = services.delivery_replay(delivery=delivery, actor=request.user)
        fresh = selectors.delivery_list(organization=self.organization).get(pk=replay.pk)
        return Response(WebhookDeliverySerializer(fresh).data, status=status.HTTP_202_ACCEPTED)
