"""Compliance case API: the team's cases under /api/v1/orgs/<slug>/cases/ (list, retrieve with
every action, open, act) and the creator's under /api/v1/me/cases/ (without internal notes,
respond). The same services as the pages.

Reading needs a role that covers the case's brand (any other case is a 404); opening and acting
need ``may_act_on_cases`` for that brand (403 otherwise).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.api import choice_param
from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from influencer_ops.validation import (
    AMOUNT_DIGITS,
    CASE_EVIDENCE_MAX_LENGTH,
    CASE_MAX_EVIDENCE_LINKS,
    CASE_TEXT_MAX_LENGTH,
    DELIVERY_URL_MAX_LENGTH,
    RATE_DIGITS,
)
from influencers.access import CreatorScopedViewSet
from organizations.access import OrgScopedViewSet
from organizations.permissions import covers_brand
from programs.cases import selectors
from programs.cases import services as cases
from programs.models import AmountOwed, CaseAction, ComplianceCase, Enrollment

# --- output ---


class AmountOwedSerializer(StrictModelSerializer[AmountOwed]):
    class Meta:
        model = AmountOwed
        fields = ["amount", "currency", "explanation", "created_at"]
        read_only_fields = fields


class CreatorCaseActionSerializer(StrictModelSerializer[CaseAction]):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True)
    terms_version = serializers.IntegerField(
        source="terms_version.number", read_only=True, allow_null=True
    )

    class Meta:
        model = CaseAction
        fields = [
            "id",
            "kind",
            "remedy",
            "text",
            "due_on",
            "terms_version",
            "actor_name",
            "created_at",
        ]
        read_only_fields = fields


class CaseActionSerializer(CreatorCaseActionSerializer):
    class Meta(CreatorCaseActionSerializer.Meta):
        fields = [*CreatorCaseActionSerializer.Meta.fields, "visible_to_creator"]
        read_only_fields = fields


class CreatorCaseSerializer(StrictModelSerializer[ComplianceCase]):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    program_name = serializers.CharField(source="enrollment.program.name", read_only=True)
    brand_name = serializers.CharField(source="enrollment.program.brand.name", read_only=True)
    amount_owed = AmountOwedSerializer(
        source="enrollment.amount_owed", read_only=True, allow_null=True
    )

    class Meta:
        model = ComplianceCase
        fields = [
            "id",
            "organization_name",
            "program_name",
            "brand_name",
            "kind",
            "severity",
            "state",
            "evidence",
            "evidence_links",
            "created_at",
            "closed_at",
            "amount_owed",
        ]
        read_only_fields = fields


class CreatorCaseDetailSerializer(CreatorCaseSerializer):
    actions = CreatorCaseActionSerializer(source="shown_actions", many=True, read_only=True)

    class Meta(CreatorCaseSerializer.Meta):
        fields = [*CreatorCaseSerializer.Meta.fields, "actions"]
        read_only_fields = fields


class CaseSerializer(StrictModelSerializer[ComplianceCase]):
    program = serializers.IntegerField(source="enrollment.program_id", read_only=True)
    program_name = serializers.CharField(source="enrollment.program.name", read_only=True)
    brand_name = serializers.CharField(source="enrollment.program.brand.name", read_only=True)
    creator = serializers.IntegerField(source="enrollment.creator_id", read_only=True)
    creator_name = serializers.CharField(source="enrollment.creator.display_name", read_only=True)
    opened_by_name = serializers.CharField(source="opened_by.display_name", read_only=True)
    amount_owed = AmountOwedSerializer(
        source="enrollment.amount_owed", read_only=True, allow_null=True
    )

    class Meta:
        model = ComplianceCase
        fields = [
            "id",
            "enrollment",
            "program",
            "program_name",
            "brand_name",
            "creator",
            "creator_name",
            "kind",
            "severity",
            "state",
            "evidence",
            "evidence_links",
            "opened_by_name",
            "created_at",
            "closed_at",
            "amount_owed",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    actions = CaseActionSerializer(source="shown_actions", many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "actions"]
        read_only_fields = fields


# --- input ---


class CaseCreateSerializer(StrictSerializer):
    enrollment = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=ComplianceCase.Kind.choices)
    severity = serializers.ChoiceField(choices=ComplianceCase.Severity.choices)
    evidence = serializers.CharField(max_length=CASE_EVIDENCE_MAX_LENGTH)
    evidence_links = serializers.ListField(
        child=serializers.URLField(max_length=DELIVERY_URL_MAX_LENGTH),
        max_length=CASE_MAX_EVIDENCE_LINKS,
        required=False,
        default=list,
    )


def _amount(digits: tuple[int, int] = AMOUNT_DIGITS) -> MoneyField:
    max_digits, places = digits
    return MoneyField(
        max_digits=max_digits,
        decimal_places=places,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
    )


class TermsChangesSerializer(StrictSerializer):
    """The terms to change; the others stay as accepted."""

    fee = _amount()
    per_click_rate = _amount(RATE_DIGITS)
    click_milestone = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    milestone_bonus = _amount()
    prorate_if_missed = serializers.BooleanField(required=False)
    guidelines = serializers.CharField(max_length=10000, required=False)
    disclosure_rule = serializers.CharField(max_length=200, required=False)
    nda_required = serializers.BooleanField(required=False)


class CaseActionCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=cases.STAFF_ACTION_CHOICES)
    text = serializers.CharField(max_length=CASE_TEXT_MAX_LENGTH)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    remedy = serializers.ChoiceField(
        choices=CaseAction.Remedy.choices, required=False, allow_blank=True, default=""
    )
    visible_to_creator = serializers.BooleanField(default=True)
    changes = TermsChangesSerializer(required=False, allow_null=True, default=None)


class RespondSerializer(StrictSerializer):
    text = serializers.CharField(max_length=CASE_TEXT_MAX_LENGTH)


# --- the team ---


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """Cases about programs of the brands the member covers. Filter with ?state=<state>."""

    queryset = ComplianceCase.objects.none()
    capabilities = {"create": cases.may_open_cases, "act": cases.may_open_cases}

    def get_serializer_class(self) -> Any:
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def get_org_queryset(self) -> Any:
        state = choice_param(self.request, "state", ComplianceCase.State.values)
        found = selectors.cases_visible_to(
            organization=self.organization, membership=self.membership, state=state
        ).select_related("enrollment__amount_owed")
        if self.action != "list":
            found = found.prefetch_related(selectors.case_actions(for_creator=False))
        return found

    def _detail(self, pk: int) -> dict[str, Any]:
        return cast(dict[str, Any], CaseDetailSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=ComplianceCase.State.values)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = CaseCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        enrollment = (
            Enrollment.objects.select_related("program__brand", "creator")
            .filter(organization=self.organization, pk=data.pop("enrollment"))
            .first()
        )
        if enrollment is None or not covers_brand(self.membership, enrollment.program.brand):
            raise NotFound(gettext("Not found."))
        case = cases.case_open(
            enrollment=enrollment, actor=request.user, membership=self.membership, **data
        )
        return Response(self._detail(case.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=CaseActionCreateSerializer, responses={201: CaseDetailSerializer})
    @action(detail=True, methods=["post"], url_path="actions", url_name="actions")
    def act(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        payload = CaseActionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        changes = {k: v for k, v in (data.pop("changes") or {}).items() if v is not None}
        cases.case_act(
            case=case, actor=request.user, membership=self.membership, changes=changes, **data
        )
        return Response(self._detail(case.pk), status=status.HTTP_201_CREATED)


# --- the creator ---


class MyCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreatorScopedViewSet):
    """Cases about the signed-in creator, across the orgs they work with; no internal notes."""

    queryset = ComplianceCase.objects.none()

    def get_serializer_class(self) -> Any:
        return CreatorCaseSerializer if self.action == "list" else CreatorCaseDetailSerializer

    def get_creator_queryset(self) -> Any:
        found = selectors.cases_for_creator(user=cast(Any, self.request.user))
        if self.action != "list":
            found = found.prefetch_related(selectors.case_actions(for_creator=True))
        return found

    @extend_schema(request=RespondSerializer, responses={201: CreatorCaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        payload = RespondSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cases.case_respond(case=case, user=request.user, text=payload.validated_data["text"])
        detail = CreatorCaseDetailSerializer(self.get_queryset().get(pk=case.pk))
        return Response(detail.data, status=status.HTTP_201_CREATED)
