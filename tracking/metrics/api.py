"""Metrics API, under /api/v1/orgs/<slug>/metrics/: list (?deliverable=&program=&since=)
and retrieve for everyone who may see reports (brand-scoped roles: their brands); create (one
record, an upsert) and CSV import for admins, BSMs and brand managers. The same services as the
import page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.csv_import import (
    MAX_IMPORT_BYTES,
    CSVTextParser,
    PlainTextParser,
    csv_text_from_request,
)
from influencer_ops.errors import FieldError
from influencer_ops.serializers import (
    QueryFilterSerializer,
    StrictModelSerializer,
    StrictSerializer,
)
from influencer_ops.validation import BIGINT_ID_MAX, METRIC_COUNT_MAX, METRICS_IMPORT_MAX_ROWS
from organizations.access import OrgScopedViewSet, get_for_org
from tracking.metrics import services as metrics
from tracking.metrics.cleaning import METRIC_FIELDS
from tracking.metrics.import_rows import IMPORT_COLUMNS
from tracking.metrics.permissions import can_read_metrics, can_write_metrics
from tracking.metrics.selectors import deliverables_writable, metric_list
from tracking.models import MetricRecord


def _count() -> serializers.IntegerField:
    """A metric: a whole number, 0 or more; left out: 0."""
    return serializers.IntegerField(
        min_value=0, max_value=METRIC_COUNT_MAX, required=False, default=0
    )


def _id(help_text: str, required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=BIGINT_ID_MAX, required=required, help_text=help_text
    )


class MetricRecordSerializer(StrictModelSerializer[MetricRecord]):
    program = serializers.IntegerField(source="deliverable.program_id", read_only=True)
    enrollment = serializers.IntegerField(source="deliverable.enrollment_id", read_only=True)
    engagements = serializers.IntegerField(
        read_only=True, help_text=_("likes + comments + shares + saves")
    )

    class Meta:
        model = MetricRecord
        fields = [
            "id",
            "deliverable",
            "program",
            "enrollment",
            "day",
            "source",
            *METRIC_FIELDS,
            "engagements",
            "updated_at",
        ]
        read_only_fields = fields


class MetricInputSerializer(StrictSerializer):
    deliverable = _id("The deliverable's id.")
    day = serializers.DateField(help_text=_("The day measured; not in the future."))
    reach = _count()
    impressions = _count()
    likes = _count()
    comments = _count()
    shares = _count()
    saves = _count()
    views = _count()


class MetricFilterSerializer(QueryFilterSerializer):
    deliverable = _id("Only this deliverable's records.", required=False)
    program = _id("Only this program's records.", required=False)
    since = serializers.DateField(required=False, help_text=_("Days on or after (YYYY-MM-DD)."))


class MetricImportUploadSerializer(StrictSerializer):
    file = serializers.FileField(help_text=_("A UTF-8 CSV file."))


class MetricImportTextSerializer(StrictSerializer):
    csv = serializers.CharField(help_text=_("The CSV text, header row first."))


class MetricImportProblemSerializer(StrictSerializer):
    line = serializers.IntegerField(help_text=_("Line in the file; the header is line 1."))
    column = serializers.CharField(help_text=_("Empty when the whole row is concerned."))
    message = serializers.CharField()


class MetricImportReportSerializer(StrictSerializer):
    ok = serializers.BooleanField(help_text=_("False: nothing was saved; fix the problems."))
    rows = serializers.IntegerField(help_text=_("Data rows read."))
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    problems = MetricImportProblemSerializer(many=True)


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


@contextmanager
def _field_errors() -> Iterator[None]:
    """A service's refusal of one field becomes a 400 on that field."""
    try:
        yield
    except FieldError as exc:
        raise api_exceptions.ValidationError({exc.field: [str(exc)]}) from exc


class MetricViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Reach, impressions, engagement and views per deliverable and day, by source."""

    serializer_class = MetricRecordSerializer
    queryset = MetricRecord.objects.none()
    capabilities = {
        "*": can_read_metrics,
        "create": can_write_metrics,
        "import_csv": can_write_metrics,
    }

    def get_org_queryset(self) -> QuerySet[MetricRecord]:
        filters = {}
        if self.action == "list":
            filters = _validated(MetricFilterSerializer, self.request.query_params)
        return metric_list(organization=self.organization, membership=self.membership, **filters)

    @extend_schema(parameters=[MetricFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The org's records, newest day first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=MetricInputSerializer,
        responses={
            201: MetricRecordSerializer,
            200: OpenApiResponse(
                MetricRecordSerializer, description="The record existed: updated or unchanged."
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record one deliverable's metrics for one day (source "api"). An upsert: the same
        deliverable and day replace the earlier values (metrics left out count as 0)."""
        payload = _validated(MetricInputSerializer, request.data)
        writable = deliverables_writable(organization=self.organization, membership=self.membership)
        deliverable = get_for_org(writable, self.organization, payload.pop("deliverable"))
        day = payload.pop("day")
        with _field_errors():
            record, outcome = metrics.metric_record_upsert(
                organization=self.organization,
                actor=request.user,
                deliverable=deliverable,
                day=day,
                values=payload,
            )
        code = status.HTTP_201_CREATED if outcome == "created" else status.HTTP_200_OK
        return Response(MetricRecordSerializer(record).data, status=code)

    @extend_schema(
        request={
            "multipart/form-data": MetricImportUploadSerializer,
            "text/csv": OpenApiTypes.STR,
            "application/json": MetricImportTextSerializer,
        },
        responses={
            200: MetricImportReportSerializer,
            400: OpenApiResponse(
                MetricImportReportSerializer, description="Some rows have problems: nothing saved."
            ),
        },
        description=(
            "Import metrics from CSV: all rows or none, upserted by deliverable, day and source "
            f"“csv” (re-importing a file changes nothing). Columns: "
            f"{', '.join(IMPORT_COLUMNS)}; deliverable (id) and date (YYYY-MM-DD) are "
            f"required, the counts are whole numbers, 0 or more (empty: 0). At most "
            f"{MAX_IMPORT_BYTES // 2**20} MB and {METRICS_IMPORT_MAX_ROWS:,} rows."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, JSONParser, CSVTextParser, PlainTextParser],
    )
    def import_csv(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = metrics.metrics_import_csv(
            organization=self.organization,
            actor=request.user,
            file_text=csv_text_from_request(request),
        )
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(MetricImportReportSerializer(report).data, status=code)
