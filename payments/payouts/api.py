"""Payouts API: the org's payouts for staff (list, retrieve, correct) and a creator's own
payouts (``/me/payouts/``). The same selectors and services as the pages; money as strings.

Staff need ``can_view_payouts`` to read and ``can_manage_payouts`` to correct (403); a payout
of another org, or of another creator, is a 404 like a missing one.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param, id_param, id_parameter
from influencer_ops.pagination import cursor_pagination
from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from influencer_ops.validation import PAYMENT_TEXT_MAX_LENGTH
from influencers.access import CreatorScopedViewSet
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_manage_payouts, can_view_payouts
from payments.models import Payout, PayoutReason, PayoutState
from payments.payouts import selectors, services


def _money(help_text: str) -> MoneyField:
    return MoneyField(max_digits=14, decimal_places=2, coerce_to_string=True, help_text=help_text)


class PayoutSerializer(StrictModelSerializer):
    amount = _money("A decimal string, e.g. “250.00”.")
    state = serializers.ChoiceField(choices=PayoutState.choices)
    reason = serializers.ChoiceField(choices=PayoutReason.choices)
    program = serializers.IntegerField(source="enrollment.program_id")
    program_name = serializers.CharField(source="enrollment.program.name")
    creator_name = serializers.CharField(source="creator.display_name")
    delayed = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "enrollment",
            "program",
            "program_name",
            "creator",
            "creator_name",
            "amount",
            "currency",
            "reason",
            "explanation",
            "state",
            "expected_on",
            "paid_at",
            "delayed",
            "delayed_at",
            "hold_reason",
            "failure_count",
            "failure_reason",
            "run",
            "earned_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_delayed(self, payout: Payout) -> bool:
        return payout.delayed_at is not None


class PayoutAdjustSerializer(StrictSerializer):
    amount = MoneyField(
        max_digits=14, decimal_places=2, required=False, help_text=_("More than zero.")
    )
    explanation = serializers.CharField(
        max_length=PAYMENT_TEXT_MAX_LENGTH, required=False, allow_blank=True
    )
    currency = serializers.CharField(
        max_length=3, required=False, help_text=_("If given, must be the payout's own currency.")
    )


class MyPayoutSerializer(StrictModelSerializer):
    amount = _money("A decimal string, e.g. “250.00”.")
    state = serializers.ChoiceField(choices=PayoutState.choices)
    reason = serializers.ChoiceField(choices=PayoutReason.choices)
    organization_name = serializers.CharField(source="organization.name")
    program_name = serializers.CharField(source="enrollment.program.name")
    delayed = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = [
            "id",
            "organization_name",
            "program_name",
            "amount",
            "currency",
            "reason",
            "explanation",
            "state",
            "expected_on",
            "paid_at",
            "delayed",
            "hold_reason",
        ]
        read_only_fields = fields

    def get_delayed(self, payout: Payout) -> bool:
        return payout.delayed_at is not None


FILTER_PARAMETERS = [
    OpenApiParameter("state", str, enum=PayoutState.values),
    id_parameter("program", "Program id"),
    id_parameter("creator", "Creator profile id"),
]


class PayoutViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The org's payouts. Filter with ?state=, ?program=, ?creator=. PATCH corrects the amount
    or explanation of an earned or on-hold payout (409 once it is scheduled, paid…)."""

    queryset = Payout.objects.none()
    serializer_class = PayoutSerializer
    capabilities = {"*": can_view_payouts, "partial_update": can_manage_payouts}
    pagination_class = cursor_pagination("-earned_at", "-id")

    def get_org_queryset(self) -> Any:
        state = choice_param(self.request, "state", PayoutState.values) or ""
        filters = selectors.PayoutFilters(
            state=state,
            program_id=id_param(self.request, "program"),
            creator_id=id_param(self.request, "creator"),
        )
        return selectors.payouts_for_org(organization=self.organization, filters=filters)

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PayoutAdjustSerializer, responses={200: PayoutSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = PayoutAdjustSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        payout = get_for_org(Payout.objects.all(), self.organization, kwargs["pk"])
        services.payout_adjust(payout=payout, actor=request.user, **payload.validated_data)
        fresh = self.get_queryset().get(pk=payout.pk)
        return Response(PayoutSerializer(fresh).data)


class MyPayoutViewSet(mixins.ListModelMixin, CreatorScopedViewSet):
    """Your payouts across the organizations you work with."""

    queryset = Payout.objects.none()
    serializer_class = MyPayoutSerializer

    def get_creator_queryset(self) -> Any:
        return selectors.creator_payouts(user=self.request.user)

    @extend_schema(responses=MyPayoutSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payout = selectors.creator_payout(user=cast(Any, request.user), pk=kwargs["pk"])
        if payout is None:
            raise NotFound(gettext("Not found."))
        return Response(MyPayoutSerializer(payout).data)
