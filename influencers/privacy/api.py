"""The creator's privacy endpoints under /api/v1/me/: their data export (POST asks, GET says
where it stands) and erasure (POST). The same services as the "Your data" page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import StrictSerializer
from influencers.access import CreatorAPIView
from influencers.models import DataExport
from influencers.privacy import erasure, selectors, services


class NoBodySerializer(StrictSerializer):
    """These POSTs take no fields: any key is refused (400)."""


class DataExportSerializer(StrictSerializer):
    id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["none", "requested", "ready", "expired", "failed"])
    requested_at = serializers.DateTimeField(allow_null=True)
    ready_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.CharField(
        allow_blank=True, help_text="While ready: the signed link (for this creator only)."
    )


class ErasureSerializer(StrictSerializer):
    erased = serializers.BooleanField()
    organizations = serializers.IntegerField(help_text="Organizations erased by this call.")


def _export_body(request: Request, export: DataExport | None) -> dict[str, Any]:
    state = selectors.export_status(export)
    url = selectors.export_download_url(export) if export and state == "ready" else ""
    return {
        "id": export.pk if export else None,
        "status": state,
        "requested_at": export.requested_at if export else None,
        "ready_at": export.ready_at if export else None,
        "expires_at": export.expires_at if export else None,
        "download_url": request.build_absolute_uri(url) if url else "",
    }


class MyDataExportView(CreatorAPIView):
    """The creator's copy of their data across every org: a ZIP of JSON files, built by a job
    and e-mailed as a link valid for 7 days. One request may be pending at a time (409)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DataExportSerializer)
    def get(self, request: Request) -> Response:
        export = selectors.latest_export(user=request.user)
        return Response(DataExportSerializer(_export_body(request, export)).data)

    @extend_schema(
        request=NoBodySerializer,
        responses={
            202: DataExportSerializer,
            409: OpenApiResponse(description="An export is already being prepared."),
        },
    )
    def post(self, request: Request) -> Response:
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        export = services.data_export_request(user=request.user)
        body = DataExportSerializer(_export_body(request, export)).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class MyErasureView(CreatorAPIView):
    """Erase the creator's personal data in every org and disable their login. Refused (409,
    with the reason) while a payout is pending, scheduled, on hold or in a payment run."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=NoBodySerializer,
        responses={
            200: ErasureSerializer,
            409: OpenApiResponse(description="A payout is not settled yet: the reason."),
        },
    )
    def post(self, request: Request) -> Response:
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        erased = erasure.creator_erase(user=request.user)
        return Response(ErasureSerializer({"erased": True, "organizations": len(erased)}).data)
