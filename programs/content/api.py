"""Content API: the org's deliverables and submissions (review), and the creator's own
deliverables (submit, publish). The same services and reads as the pages.

Staff see the deliverables of brands they cover (any other is a 404); reviewing needs
``can_approve_content`` for the brand (403). A creator sees only their own (404 otherwise).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from influencer_ops.api import choice_param, id_param, id_parameter
from influencer_ops.pagination import cursor_pagination
from influencers.access import CreatorScopedViewSet
from organizations.access import OrgScopedViewSet
from programs.content import media, selectors
from programs.content import services as content
from programs.content.serializers import (
    ContentBulkApproveResultSerializer,
    ContentBulkApproveSerializer,
    ContentDeliverableDetailSerializer,
    ContentDeliverableSerializer,
    ContentPublishSerializer,
    ContentReviewInputSerializer,
    ContentReviewSerializer,
    ContentSubmissionSerializer,
    ContentSubmitSerializer,
    MyContentDeliverableDetailSerializer,
    MyContentDeliverableSerializer,
    MyContentSubmissionSerializer,
)
from programs.content.uploads import too_large
from programs.models import Deliverable, DeliverableState, Submission


@extend_schema_view(
    list=extend_schema(
        parameters=[
            id_parameter("program"),
            OpenApiParameter("state", str, enum=DeliverableState.values),
        ]
    )
)
class DeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Deliverables of the brands you cover; one with every version and its reviews."""

    queryset = Deliverable.objects.none()
    serializer_class = ContentDeliverableSerializer
    pagination_class = cursor_pagination("due_on", "id")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return ContentDeliverableDetailSerializer
        return ContentDeliverableSerializer

    def get_org_queryset(self) -> QuerySet[Deliverable]:
        deliverables = selectors.staff_deliverables(
            organization=self.organization, membership=self.membership
        )
        if self.action == "retrieve":
            return selectors.with_versions(deliverables)
        program = id_param(self.request, "program")
        state = choice_param(self.request, "state", DeliverableState.values)
        if program is not None:
            deliverables = deliverables.filter(program_id=program)
        if state:
            deliverables = deliverables.filter(state=state)
        return deliverables.order_by("due_on", "pk")


@extend_schema_view(
    list=extend_schema(parameters=[id_parameter("deliverable"), id_parameter("program")])
)
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Versions submitted for the brands you cover, newest first; review the latest one."""

    queryset = Submission.objects.none()
    serializer_class = ContentSubmissionSerializer

    def get_org_queryset(self) -> QuerySet[Submission]:
        submissions = selectors.staff_submissions(
            organization=self.organization, membership=self.membership
        )
        deliverable = id_param(self.request, "deliverable")
        program = id_param(self.request, "program")
        if deliverable is not None:
            submissions = submissions.filter(deliverable_id=deliverable)
        if program is not None:
            submissions = submissions.filter(deliverable__program_id=program)
        return submissions.order_by("-created_at", "-pk")

    @extend_schema(request=ContentReviewInputSerializer, responses={201: ContentReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submission = self.get_object()
        payload = ContentReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = content.review_create(
            submission=submission, membership=self.membership, **payload.validated_data
        )
        return Response(ContentReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ContentBulkApproveSerializer,
        responses={201: ContentBulkApproveResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve several waiting versions at once, all or none (the approvals inbox's
        "Approve ticked"). Another org's or a missing version: 404; a brand you may not
        approve: 403; a version whose disclosure check failed: 400 with ``refusals`` naming
        each (it needs its own review with a reason); one decided meanwhile: 409."""
        payload = ContentBulkApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            reviews = content.reviews_bulk_approve(
                membership=self.membership,
                submission_ids=payload.validated_data["submissions"],
                comment=payload.validated_data["comment"],
            )
        except content.ApprovalsRefused as exc:
            body = {"detail": str(exc), "refusals": exc.refusals}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        result: dict[str, Any] = {
            "submissions": [review.submission_id for review in reviews],
            "reviews": ContentReviewSerializer(reviews, many=True).data,
        }
        return Response(result, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("state", str, enum=DeliverableState.values)])
)
class MyDeliverableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreatorScopedViewSet):
    """The signed-in creator's deliverables across the orgs they work with."""

    queryset = Deliverable.objects.none()
    serializer_class = MyContentDeliverableSerializer

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "list":
            return MyContentDeliverableSerializer
        return MyContentDeliverableDetailSerializer

    def get_creator_queryset(self) -> QuerySet[Deliverable]:
        deliverables = selectors.creator_deliverables(user=cast(Any, self.request.user))
        if self.action != "list":
            return selectors.with_versions(deliverables.select_related("enrollment__terms_version"))
        state = choice_param(self.request, "state", DeliverableState.values)
        if state:
            deliverables = deliverables.filter(state=state)
        return deliverables

    @extend_schema(request=ContentSubmitSerializer, responses={201: MyContentSubmissionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        deliverable = self.get_object()
        payload = ContentSubmitSerializer(data=request.data)  # parses: the upload handler runs
        if dropped := too_large(request):
            raise media.refuse_too_large(dropped)
        payload.is_valid(raise_exception=True)
        submission = content.submission_create(
            deliverable=deliverable, user=request.user, **payload.validated_data
        )
        return Response(
            MyContentSubmissionSerializer(submission).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ContentPublishSerializer, responses=MyContentDeliverableDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        deliverable = self.get_object()
        payload = ContentPublishSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        content.deliverable_publish(
            deliverable=deliverable, user=request.user, **payload.validated_data
        )
        return Response(MyContentDeliverableDetailSerializer(self.get_object()).data)
