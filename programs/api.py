"""Programs API under /api/v1/orgs/<slug>/programs/: thin; the same services as the pages.

Reading needs a role that covers the program's brand (any other program is a 404, like a
missing one); writing needs ``can_manage_programs`` for that brand (403 otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param, id_param, id_parameter
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_manage_programs
from programs import selectors, services
from programs.models import DeliverableSpec, Program
from programs.serializers import (
    DeliverableSpecCreateSerializer,
    DeliverableSpecSerializer,
    ProgramBriefSerializer,
    ProgramCancelSerializer,
    ProgramCloneSerializer,
    ProgramCreateSerializer,
    ProgramSerializer,
)
from programs.states import ProgramState


@contextmanager
def _field_errors() -> Iterator[None]:
    """A refused brief answers 400 with the service's errors per field."""
    try:
        yield
    except services.ProgramInvalid as exc:
        raise ValidationError(exc.errors) from exc


class _ProgramsViewSet(OrgScopedViewSet):
    """Base of the programs endpoints (brand coverage comes loaded with the membership)."""


def _deny_unless_manager(membership: Any, program: Program) -> None:
    if not can_manage_programs(membership, program.brand):
        raise PermissionDenied(gettext("Your role does not allow changing this program."))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=ProgramState.values),
            id_parameter("brand"),
        ]
    )
)
class ProgramViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _ProgramsViewSet,
):
    serializer_class = ProgramSerializer
    queryset = Program.objects.none()

    def get_org_queryset(self) -> QuerySet[Program]:
        programs = selectors.program_detail(
            organization=self.organization, membership=self.membership
        ).order_by("name", "pk")
        if self.action == "list":
            state = choice_param(self.request, "state", ProgramState.values)
            brand = id_param(self.request, "brand")
            if state:
                programs = programs.filter(state=state)
            if brand is not None:
                programs = programs.filter(brand_id=brand)
        return programs

    def _managed(self) -> Program:
        program = self.get_object()
        _deny_unless_manager(self.membership, program)
        return program

    def _answer(self, program: Program, code: int = status.HTTP_200_OK) -> Response:
        fresh = get_for_org(self.get_queryset(), self.organization, program.pk)
        return Response(ProgramSerializer(fresh).data, status=code)

    @extend_schema(request=ProgramCreateSerializer, responses={201: ProgramSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_manage_programs(self.membership):
            raise PermissionDenied(gettext("Your role does not allow creating programs."))
        payload = ProgramCreateSerializer(
            data=request.data, context={"organization": self.organization}
        )
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        brand_id = fields.pop("brand")
        managed = selectors.brands_managed_by(
            organization=self.organization, membership=self.membership
        )
        brand = next((b for b in managed if b.pk == brand_id), None)
        if brand is None:
            raise ValidationError({"brand": ["Unknown brand."]})
        with _field_errors():
            program = services.program_create(
                organization=self.organization, brand=brand, actor=request.user, **fields
            )
        return self._answer(program, status.HTTP_201_CREATED)

    @extend_schema(request=ProgramBriefSerializer, responses=ProgramSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self._managed()
        payload = ProgramBriefSerializer(
            data=request.data, partial=True, context={"organization": self.organization}
        )
        payload.is_valid(raise_exception=True)
        with _field_errors():
            services.program_update(program=program, actor=request.user, **payload.validated_data)
        return self._answer(program)

    def _move(self, service: Any, **extra: Any) -> Response:
        program = self._managed()
        with _field_errors():
            service(program=program, actor=self.request.user, **extra)
        return self._answer(program)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="open-recruiting")
    def open_recruiting(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(services.program_open_recruiting)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def launch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(services.program_launch)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(services.program_complete)

    @extend_schema(request=None, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._move(services.program_close)

    @extend_schema(request=ProgramCancelSerializer, responses=ProgramSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self._managed()
        payload = ProgramCancelSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with _field_errors():
            services.program_cancel(
                program=program, actor=request.user, reason=payload.validated_data["reason"]
            )
        return self._answer(program)

    @extend_schema(request=ProgramCloneSerializer, responses={201: ProgramSerializer})
    @action(detail=True, methods=["post"])
    def clone(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self._managed()
        payload = ProgramCloneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with _field_errors():
            copy = services.program_clone(
                program=program, actor=request.user, name=payload.validated_data["name"]
            )
        return self._answer(copy, status.HTTP_201_CREATED)


PROGRAM_PK = OpenApiParameter("program_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(parameters=[PROGRAM_PK]),
    create=extend_schema(
        parameters=[PROGRAM_PK],
        request=DeliverableSpecCreateSerializer,
        responses={201: DeliverableSpecSerializer},
    ),
    destroy=extend_schema(parameters=[PROGRAM_PK]),
)
class DeliverableSpecViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, _ProgramsViewSet):
    """A program's deliverable specs; they change only before launch."""

    serializer_class = DeliverableSpecSerializer
    queryset = DeliverableSpec.objects.none()
    _program: Program | None = None

    def program(self) -> Program:
        if self._program is None:
            programs = selectors.program_detail(
                organization=self.organization, membership=self.membership
            )
            self._program = get_for_org(programs, self.organization, self.kwargs["program_pk"])
        return self._program

    def get_org_queryset(self) -> QuerySet[DeliverableSpec]:
        return selectors.program_deliverable_specs(program=self.program())

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.program()
        _deny_unless_manager(self.membership, program)
        payload = DeliverableSpecCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with _field_errors():
            spec = services.deliverable_spec_add(
                program=program, actor=request.user, **payload.validated_data
            )
        return Response(DeliverableSpecSerializer(spec).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: DeliverableSpec) -> None:
        _deny_unless_manager(self.membership, self.program())
        services.deliverable_spec_remove(spec=instance, actor=self.request.user)
