"""The timeline from the API: the creator's own (``/api/v1/me/enrollments/<id>/timeline/``)
and the team's (``/api/v1/orgs/<slug>/enrollments/<id>/timeline/``), paginated like every
list (limit/offset). Another creator's or an uncovered brand's enrollment is a 404."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import StrictSerializer
from influencers.access import CreatorScopedViewSet
from organizations import permissions
from organizations.access import OrgScopedViewSet
from programs.models import Enrollment
from programs.timeline import selectors


class ChangeSerializer(StrictSerializer):
    label = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    old = serializers.CharField(help_text="Empty when the value was set for the first time.")
    new = serializers.CharField()


class TimelineLineSerializer(StrictSerializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="Who did it (empty for a click milestone).")
    sentence = serializers.CharField(help_text="What happened, in words.")
    verb = serializers.CharField(help_text="The audit verb, or milestone.reached.")
    changes = ChangeSerializer(many=True)


class MyEnrollmentTimelineViewSet(CreatorScopedViewSet):
    """Your enrollment's timeline, newest first: what the team did and what you did."""

    queryset = Enrollment.objects.none()
    serializer_class = TimelineLineSerializer

    def get_creator_queryset(self) -> Any:
        return selectors.creator_enrollments(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.get_queryset().filter(pk=kwargs["pk"]).first()
        if enrollment is None:
            raise NotFound(gettext("Not found."))
        timeline = selectors.enrollment_timeline(
            enrollment=enrollment, with_money=True, creator_view=True
        )
        page: list[Any] | None = self.paginate_queryset(cast(Any, timeline))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EnrollmentTimelineViewSet(OrgScopedViewSet):
    """An enrollment's timeline for a brand you cover, newest first (payouts with a role that
    sees them)."""

    queryset = Enrollment.objects.none()
    serializer_class = TimelineLineSerializer

    def get_org_queryset(self) -> Any:
        return selectors.staff_enrollments(
            organization=self.organization, membership=self.membership
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        enrollment = self.get_queryset().filter(pk=kwargs["pk"]).first()
        if enrollment is None:
            raise NotFound(gettext("Not found."))
        timeline = selectors.enrollment_timeline(
            enrollment=enrollment, with_money=permissions.can_view_payouts(self.membership)
        )
        page: list[Any] | None = self.paginate_queryset(cast(Any, timeline))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
