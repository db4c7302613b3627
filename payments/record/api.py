"""The org's payment record from the API (staff who may see payouts)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from organizations.access import OrgScopedViewSet
from organizations.permissions import can_view_payouts
from payments.models import Payout
from payments.record.selectors import payment_record
from payments.record.serializers import PaymentRecordSerializer


class PaymentRecordViewSet(OrgScopedViewSet):
    """The share of the org's payouts paid on time over the last 12 months, as creators see it
    on every invitation."""

    capabilities = {"*": can_view_payouts}
    queryset = Payout.objects.none()
    serializer_class = PaymentRecordSerializer

    def get_org_queryset(self) -> Any:
        return Payout.objects.none()

    @extend_schema(responses=PaymentRecordSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = payment_record(organization=self.organization)
        return Response(PaymentRecordSerializer(record).data)
