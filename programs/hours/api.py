"""The creator's hours under ``/api/v1/me/time-entries/``: list (``?enrollment=<id>``), log,
delete. The same services as the portal pages, so the refusals are the same: 400 for 0 or
fewer hours, over 24 in a day, a future day; 404 for another creator's enrollment or entry;
409 for a place that is not working."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import id_param, id_parameter
from influencer_ops.errors import FieldError
from influencer_ops.serializers import StrictModelSerializer, StrictSerializer
from influencer_ops.validation import SHORT_TEXT_MAX_LENGTH
from influencers.access import CreatorScopedViewSet
from programs.hours import selectors
from programs.hours import services as hours
from programs.models import TimeEntry
from programs.recruiting.selectors import creator_enrollment


class TimeEntrySerializer(StrictModelSerializer[TimeEntry]):
    program = serializers.IntegerField(source="enrollment.program_id", read_only=True)
    program_name = serializers.CharField(source="enrollment.program.name", read_only=True)

    class Meta:
        model = TimeEntry
        fields = [
            "id",
            "enrollment",
            "program",
            "program_name",
            "deliverable",
            "worked_on",
            "hours",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TimeEntryCreateSerializer(StrictSerializer):
    enrollment = serializers.IntegerField(min_value=1)
    deliverable = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None
    )
    worked_on = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=6, decimal_places=2, help_text=_("More than 0; at most 24 a day in total.")
    )
    description = serializers.CharField(max_length=SHORT_TEXT_MAX_LENGTH)


@extend_schema_view(
    list=extend_schema(parameters=[id_parameter("enrollment")]),
    create=extend_schema(request=TimeEntryCreateSerializer, responses={201: TimeEntrySerializer}),
)
class MyTimeEntryViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, CreatorScopedViewSet
):
    """The signed-in creator's hours, across the orgs they work with, newest day first."""

    serializer_class = TimeEntrySerializer
    queryset = TimeEntry.objects.none()

    def get_creator_queryset(self) -> QuerySet[TimeEntry]:
        found = selectors.creator_entries(user=self.request.user)
        enrollment = id_param(self.request, "enrollment")
        if enrollment is not None:
            found = found.filter(enrollment_id=enrollment)
        return found

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = TimeEntryCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        enrollment = creator_enrollment(user=cast(Any, request.user), pk=data.pop("enrollment"))
        if enrollment is None:
            raise NotFound(gettext("Not found."))
        deliverable_id = data.pop("deliverable")
        deliverable = None
        if deliverable_id is not None:
            found = selectors.enrollment_deliverables(enrollment=enrollment)
            deliverable = found.filter(pk=deliverable_id).first()
            if deliverable is None:
                raise FieldError("deliverable", gettext("Choose one of this place's deliverables."))
        entry = hours.time_entry_log(
            enrollment=enrollment, user=request.user, deliverable=deliverable, **data
        )
        answer = TimeEntrySerializer(self.get_queryset().get(pk=entry.pk))
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: TimeEntry) -> None:
        hours.time_entry_delete(entry=instance, user=self.request.user)
