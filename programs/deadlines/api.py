"""Deadlines API: the org's extensions (list, retrieve, approve, deny) for the BSM, and the
creator's extension request on one of their deliverables. The same services as the pages."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param, id_param, id_parameter
from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from influencer_ops.validation import EXTENSION_TEXT_MAX_LENGTH
from influencers.access import CreatorAPIView
from organizations import permissions
from organizations.access import OrgScopedViewSet
from programs.deadlines import selectors
from programs.deadlines import services as deadlines
from programs.models import Deliverable, Extension, ExtensionState


class ExtensionSerializer(StrictModelSerializer[Extension]):
    deliverable_label = serializers.SerializerMethodField()
    program = serializers.IntegerField(source="deliverable.program_id", read_only=True)
    program_name = serializers.CharField(source="deliverable.program.name", read_only=True)
    creator_name = serializers.CharField(
        source="deliverable.enrollment.creator.display_name", read_only=True
    )
    due_on = serializers.DateField(source="deliverable.due_on", read_only=True)
    original_due_on = serializers.DateField(source="deliverable.original_due_on", read_only=True)

    class Meta:
        model = Extension
        fields = [
            "id",
            "deliverable",
            "deliverable_label",
            "program",
            "program_name",
            "creator_name",
            "requested_due_on",
            "previous_due_on",
            "due_on",
            "original_due_on",
            "reason",
            "state",
            "self_service",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = fields

    def get_deliverable_label(self, extension: Extension) -> str:
        return deadlines.deliverable_label(extension.deliverable)


class DecisionSerializer(StrictSerializer):
    note = serializers.CharField(
        max_length=EXTENSION_TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class ExtensionRequestSerializer(StrictSerializer):
    requested_due_on = serializers.DateField()
    reason = serializers.CharField(max_length=EXTENSION_TEXT_MAX_LENGTH)


class DeliverableExtensionsSerializer(StrictSerializer):
    """The creator's view: the deliverable's dates, the policy and every request."""

    deliverable = serializers.IntegerField()
    due_on = serializers.DateField()
    original_due_on = serializers.DateField()
    policy = serializers.CharField()
    automatic_extensions_left = serializers.IntegerField()
    extensions = ExtensionSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=ExtensionState.values),
            id_parameter("program"),
        ]
    )
)
class ExtensionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Extension requests of the org's deliverables; BSMs and admins decide the pending ones.
    Filter with ?state=pending&program=<id>."""

    serializer_class = ExtensionSerializer
    queryset = Extension.objects.none()
    capabilities = {
        "*": permissions.can_use_desk,
        "approve": permissions.can_work_postlaunch,
        "deny": permissions.can_work_postlaunch,
    }

    def get_org_queryset(self) -> Any:
        qs = selectors.extensions().filter(organization=self.organization)
        state = choice_param(self.request, "state", ExtensionState.values)
        program = id_param(self.request, "program")
        if state:
            qs = qs.filter(state=state)
        if program is not None:
            qs = qs.filter(deliverable__program_id=program)
        return qs.order_by("-created_at", "-id")

    def _decide(self, request: Request, approve: bool) -> Response:
        payload = DecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        deadlines.extension_decide(
            extension=self.get_object(),
            actor=request.user,
            approve=approve,
            note=payload.validated_data["note"],
        )
        return Response(ExtensionSerializer(self.get_object()).data)

    @extend_schema(request=DecisionSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve: the due date moves, the creator hears at once."""
        return self._decide(request, approve=True)

    @extend_schema(request=DecisionSerializer, responses=ExtensionSerializer)
    @action(detail=True, methods=["post"])
    def deny(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Deny with a note the creator reads; the due date stays."""
        return self._decide(request, approve=False)


class MyDeliverableExtensionView(CreatorAPIView):
    """The signed-in creator's extension requests for one of their deliverables: GET the policy
    and history, POST a new request (approved at once when within the policy)."""

    def _deliverable(self, pk: int) -> Deliverable:
        deliverable = selectors.creator_deliverable(user=cast(Any, self.request.user), pk=pk)
        if deliverable is None:
            raise NotFound(gettext("Not found."))
        return deliverable

    def _payload(self, deliverable: Deliverable) -> dict[str, Any]:
        history = (
            selectors.extensions().filter(deliverable=deliverable).order_by("-created_at", "-id")
        )
        return DeliverableExtensionsSerializer(
            {
                "deliverable": deliverable.pk,
                "due_on": deliverable.due_on,
                "original_due_on": deliverable.original_due_on,
                "policy": deadlines.extension_policy(deliverable.program),
                "automatic_extensions_left": deadlines.self_service_left(deliverable),
                "extensions": history,
            }
        ).data

    @extend_schema(responses=DeliverableExtensionsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(self._payload(self._deliverable(pk)))

    @extend_schema(request=ExtensionRequestSerializer, responses={201: ExtensionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        deliverable = self._deliverable(pk)
        payload = ExtensionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        extension = deadlines.extension_request(
            deliverable=deliverable,
            user=request.user,
            requested_due_on=payload.validated_data["requested_due_on"],
            reason=payload.validated_data["reason"],
        )
        created = selectors.extensions().get(pk=extension.pk)
        return Response(ExtensionSerializer(created).data, status=status.HTTP_201_CREATED)
