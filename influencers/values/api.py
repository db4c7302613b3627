"""The creator's own exclusions and values statement: ``/api/v1/me/exclusions/`` (list, add,
read, remove) and ``/api/v1/me/values/`` (read, replace). The same services as the portal page;
another creator's exclusion is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.errors import FieldError
from influencers.access import CreatorAPIView, CreatorScopedViewSet
from influencers.models import CreatorExclusion
from influencers.values import selectors, services
from influencers.values.serializers import (
    ExclusionInputSerializer,
    ExclusionSerializer,
    ValuesSerializer,
)


def _field_error(exc: FieldError) -> api_exceptions.ValidationError:
    return api_exceptions.ValidationError({exc.field: [str(exc)]})


class MyExclusionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    CreatorScopedViewSet,
):
    """What the signed-in creator won't promote; matching leaves them out of programs it hits."""

    serializer_class = ExclusionSerializer
    queryset = CreatorExclusion.objects.none()
    pagination_class = None

    def get_creator_queryset(self) -> QuerySet[CreatorExclusion]:
        return selectors.own_exclusions(user=self.request.user)

    @extend_schema(request=ExclusionInputSerializer, responses={201: ExclusionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = ExclusionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            exclusion = services.exclusion_add_own(user=request.user, **payload.validated_data)
        except FieldError as exc:
            raise _field_error(exc) from exc
        return Response(ExclusionSerializer(exclusion).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: CreatorExclusion) -> None:
        services.exclusion_remove_own(exclusion=instance, user=self.request.user)


class MyValuesView(CreatorAPIView):
    """The signed-in creator's values statement (empty until written)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ValuesSerializer)
    def get(self, request: Request) -> Response:
        values = selectors.own_values(user=request.user)
        return Response({"statement": values.statement if values else ""})

    @extend_schema(request=ValuesSerializer, responses=ValuesSerializer)
    def put(self, request: Request) -> Response:
        payload = ValuesSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            values = services.values_update_own(user=request.user, **payload.validated_data)
        except FieldError as exc:
            raise _field_error(exc) from exc
        return Response({"statement": values.statement})
