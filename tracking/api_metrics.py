"""Metrics API, under /api/v1/orgs/<slug>/metrics/: list (?deliverable=&program=&since=)
and retrieve for everyone who may see reports (brand-scoped roles: their brands); create (one
record, an upsert) and CSV import for admins, BSMs and brand managers. The same services as the
import page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.access import OrgScopedViewSet, get_for_org

from . import metrics
from .models import MetricRecord


def _count() -> serializers.IntegerField:
    """A metric: a whole number, 0 or more; left out: 0."""
    return serializers.IntegerField(
        min_value=0, max_value=metrics.MAX_COUNT, required=False, default=0
    )


def _id(help_text: str, required: bool = True) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=metrics.MAX_ID, required=required, help_text=help_text
    )


class MetricRecordSerializer(serializers.ModelSerializer[MetricRecord]):
    program = serializers.IntegerField(source="deliverable.program_id", read_only=True)
    enrollment = serializers.IntegerField(source="deliverable.enrollment_id", read_only=True)
    engagements = serializers.IntegerField(
        read_only=True, help_text="likes + comments + shares + saves"
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
            *metrics.METRIC_FIELDS,
            "engagements",
            "updated_at",
        ]
        read_only_fields = fields


class MetricInputSerializer(serializers.Serializer[Any]):
    deliverable = _id("The deliverable's id.")
    day = serializers.DateField(help_text="The day measured; not in the future.")
    reach = _count()
    impressions = _count()
    likes = _count()
    comments = _count()
    shares = _count()
    saves = _count()
    views = _count()


class MetricFilterSerializer(serializers.Serializer[Any]):
    deliverable = _id("Only this deliverable's records.", required=False)
    program = _id("Only this program's records.", required=False)
    since = serializers.DateField(required=False, help_text="Days on or after (YYYY-MM-DD).")


class MetricImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="A UTF-8 CSV file.")


class MetricImportTextSerializer(serializers.Serializer[Any]):
    csv = serializers.CharField(help_text="The CSV text, header row first.")


class MetricImportProblemSerializer(serializers.Serializer[Any]):
    line = serializers.IntegerField(help_text="Line in the file; the header is line 1.")
    column = serializers.CharField(help_text="Empty when the whole row is concerned.")
    message = serializers.CharField()


class MetricImportReportSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(help_text="False: nothing was saved; fix the problems.")
    rows = serializers.IntegerField(help_text="Data rows read.")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    problems = MetricImportProblemSerializer(many=True)


class CSVTextParser(BaseParser):
    """A CSV body (``Content-Type: text/csv``), read as UTF-8 text."""

    media_type = "text/csv"

    def parse(  # type: ignore[override]  # the body is text, not a mapping
        self, stream: Any, media_type: Any = None, parser_context: Any = None
    ) -> str:
        raw = stream.read(metrics.MAX_IMPORT_BYTES + 1) if stream is not None else b""
        if len(raw) > metrics.MAX_IMPORT_BYTES:
            raise api_exceptions.ParseError("Import at most 5 MB at a time.")
        try:
            return str(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise api_exceptions.ParseError("Send the CSV as UTF-8 text.") from exc


class PlainTextParser(CSVTextParser):
    media_type = "text/plain"


def _validated(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


@contextmanager
def _field_errors() -> Iterator[None]:
    """A service's refusal of one field becomes a 400 on that field."""
    try:
        yield
    except metrics.FieldError as exc:
        raise api_exceptions.ValidationError({exc.field: [str(exc)]}) from exc


def _csv_text(request: Request) -> str:
    if isinstance(request.data, str):
        return request.data
    upload = request.FILES.get("file") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size > metrics.MAX_IMPORT_BYTES:
            raise api_exceptions.ValidationError({"file": ["Import at most 5 MB at a time."]})
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise api_exceptions.ValidationError({"file": ["Save the file as UTF-8."]}) from exc
    text = request.data.get("csv") if hasattr(request.data, "get") else None
    if not isinstance(text, str) or not text.strip():
        raise api_exceptions.ValidationError(
            {"file": ["Send a CSV file (multipart “file”), a text/csv body or JSON “csv”."]}
        )
    return text


class MetricViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Reach, impressions, engagement and views per deliverable and day, by source."""

    serializer_class = MetricRecordSerializer
    queryset = MetricRecord.objects.none()
    capabilities = {
        "*": metrics.can_read_metrics,
        "create": metrics.can_write_metrics,
        "import_csv": metrics.can_write_metrics,
    }

    def get_org_queryset(self) -> QuerySet[MetricRecord]:
        filters = {}
        if self.action == "list":
            filters = _validated(MetricFilterSerializer, self.request.query_params)
        return metrics.metric_list(
            organization=self.organization, membership=self.membership, **filters
        )

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
        writable = metrics.deliverables_writable(
            organization=self.organization, membership=self.membership
        )
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
            f"{', '.join(metrics.IMPORT_COLUMNS)}; deliverable (id) and date (YYYY-MM-DD) are "
            f"required, the counts are whole numbers, 0 or more (empty: 0). At most 5 MB and "
            f"{metrics.MAX_IMPORT_ROWS:,} rows."
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
            organization=self.organization, actor=request.user, file_text=_csv_text(request)
        )
        code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        return Response(MetricImportReportSerializer(report).data, status=code)
