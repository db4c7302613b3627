"""The sales report from the API: per program and per creator (``?program=<id>`` narrows the
creators), the same selectors as the page. Staff need ``can_view_reports``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import MoneyField, StrictSerializer
from influencer_ops.validation import REPORT_MONEY_DIGITS
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_view_reports
from programs.models import Program
from programs.selectors import brands_visible_to
from tracking.reports import sales
from tracking.reports.selectors import reportable_programs


def _money(*, allow_null: bool = False, help_text: str = "") -> MoneyField:
    return MoneyField(
        max_digits=REPORT_MONEY_DIGITS[0],
        decimal_places=REPORT_MONEY_DIGITS[1],
        allow_null=allow_null,
        help_text=help_text or None,
    )


class SalesRowSerializer(StrictSerializer):
    program = serializers.IntegerField(source="program_id")
    program_name = serializers.CharField(source="program")
    enrollment = serializers.IntegerField(source="enrollment_id", allow_null=True)
    creator = serializers.CharField(help_text="Empty on a program's row.")
    currency = serializers.CharField()
    orders = serializers.IntegerField(help_text="Attributed orders, not refunded in full.")
    revenue = _money(help_text="Their net value less refunds.")
    commission = _money(help_text="Pending or earned, less clawbacks.")
    spend = _money(help_text="Every payout not cancelled, commission payouts included.")
    roi = _money(allow_null=True, help_text="Revenue ÷ spend; null without spend.")
    cpa = _money(allow_null=True, help_text="Spend ÷ orders; null without orders.")
    other_currency = serializers.IntegerField(help_text="Orders in another currency (kept).")


class SalesReportSerializer(StrictSerializer):
    programs = SalesRowSerializer(many=True)
    creators = SalesRowSerializer(many=True)


class SalesReportViewSet(OrgScopedViewSet):
    """Attributed orders, revenue, commission, spend, ROI and CPA per program and creator."""

    capabilities = {"*": can_view_reports}
    queryset = Program.objects.none()
    serializer_class = SalesReportSerializer

    def get_org_queryset(self) -> Any:
        return reportable_programs(organization=self.organization, membership=self.membership)

    @extend_schema(
        parameters=[OpenApiParameter("program", int, description="Only this program's creators")],
        responses=SalesReportSerializer,
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        chosen = request.query_params.get("program")
        program = (
            get_for_org(self.get_org_queryset(), self.organization, chosen) if chosen else None
        )
        brands = brands_visible_to(organization=self.organization, membership=self.membership)
        report = {
            "programs": sales.program_sales(organization=self.organization, brands=brands),
            "creators": sales.creator_sales(
                organization=self.organization, brands=brands, program=program
            ),
        }
        return Response(SalesReportSerializer(report).data)
