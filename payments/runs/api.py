"""Payment runs and the payment schedule in the API: the same services as the pages.

Reading needs ``can_view_payouts``; starting, approving, cancelling and confirming runs and
changing the schedule need ``can_run_payments`` (403). Another org's run is a 404. Money is a
string with two decimals, never a float.
"""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import MoneyField, StrictModelSerializer, StrictSerializer
from organizations.access import OrgScopedViewSet
from organizations.permissions import can_run_payments, can_view_payouts
from payments.models import PaymentRun, PaymentSchedule
from payments.runs import services as runs
from payments.runs.schedule import SCHEDULE_FIELDS, ScheduleInvalid, schedule_for, schedule_update
from payments.runs.selectors import RunPreview, run_preview

# The held and carried lists of a preview stop here (their counts are complete).
PREVIEW_LIMIT = 100


def _money(**kwargs: Any) -> MoneyField:
    return MoneyField(max_digits=14, decimal_places=2, **kwargs)


# "state" names several choice sets across the API, and an enum here would collide with them
# (the ENUM_NAME_OVERRIDES setting is shared): the values are listed in the description.
@extend_schema_field(
    {"type": "string", "description": "One of: " + ", ".join(PaymentRun.State.values) + "."}
)
class RunStateField(serializers.CharField):
    pass


class RunUserSerializer(StrictSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class PaymentRunSerializer(StrictModelSerializer[PaymentRun]):
    state = RunStateField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    started_by = RunUserSerializer(read_only=True, allow_null=True)
    approved_by = RunUserSerializer(read_only=True, allow_null=True)
    percent = serializers.IntegerField(source="percent_done", read_only=True)
    totals = serializers.DictField(
        child=_money(), read_only=True, help_text=_("The run's total per currency (ISO 4217).")
    )
    has_export = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRun
        fields = [
            "id",
            "state",
            "state_label",
            "trigger",
            "provider",
            "scheduled_for",
            "started_by",
            "approved_by",
            "created_at",
            "started_at",
            "finished_at",
            "total_count",
            "done_count",
            "paid_count",
            "failed_count",
            "percent",
            "totals",
            "has_export",
        ]
        read_only_fields = fields

    def get_has_export(self, run: PaymentRun) -> bool:
        return bool(run.export_file)


class RunProgressSerializer(StrictSerializer):
    state = RunStateField()
    total = serializers.IntegerField(help_text=_("Payouts claimed by the run."))
    done = serializers.IntegerField(help_text=_("Payouts with an outcome (paid or failed)."))
    paid = serializers.IntegerField()
    failed = serializers.IntegerField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    totals = serializers.DictField(child=_money())


class PreviewPayoutSerializer(StrictSerializer):
    payout_id = serializers.IntegerField(
        allow_null=True,
        help_text=_("Null for a payout the run records when it starts (commission due)."),
    )
    creator_id = serializers.IntegerField()
    creator_name = serializers.CharField()
    enrollment_id = serializers.IntegerField()
    program_name = serializers.CharField()
    amount = _money()
    currency = serializers.CharField(help_text=_("ISO 4217."))
    state = serializers.CharField(help_text=_("The payout's state now."))
    reason = serializers.CharField(help_text=_("Why it is held or carried (empty when paid)."))


class RunPreviewSerializer(StrictSerializer):
    count = serializers.IntegerField(help_text=_("Payouts a run started now pays."))
    resent = serializers.IntegerField(
        help_text=_("Of those, payouts an earlier run left unfinished (sent again, same key).")
    )
    totals = serializers.DictField(
        child=_money(), help_text=_("What it pays per currency (ISO 4217).")
    )
    fingerprint = serializers.CharField(
        help_text=_("Send it to ``start``: if what is due changed since, the start is a 409.")
    )
    held_count = serializers.SerializerMethodField()
    carried_count = serializers.SerializerMethodField()
    minimum = _money(help_text=_("The schedule's minimum payout per creator and currency."))
    held = serializers.SerializerMethodField(
        help_text=f"The first {PREVIEW_LIMIT} payouts on hold or waiting for readiness."
    )
    carried = serializers.SerializerMethodField(
        help_text=f"The first {PREVIEW_LIMIT} payouts below the minimum, carried over."
    )

    def get_held_count(self, preview: RunPreview) -> int:
        return len(preview.held)

    def get_carried_count(self, preview: RunPreview) -> int:
        return len(preview.carried)

    @extend_schema_field(PreviewPayoutSerializer(many=True))
    def get_held(self, preview: RunPreview) -> Any:
        return PreviewPayoutSerializer(preview.held[:PREVIEW_LIMIT], many=True).data

    @extend_schema_field(PreviewPayoutSerializer(many=True))
    def get_carried(self, preview: RunPreview) -> Any:
        return PreviewPayoutSerializer(preview.carried[:PREVIEW_LIMIT], many=True).data


class RunStartSerializer(StrictSerializer):
    """The body of ``start`` and ``approve`` (both optional: an empty body is accepted)."""

    fingerprint = serializers.CharField(
        required=False,
        max_length=64,
        help_text=_("The ``fingerprint`` of the preview being confirmed (recommended)."),
    )


class PaymentScheduleSerializer(StrictModelSerializer[PaymentSchedule]):
    minimum_amount = _money(min_value=0)
    approval_threshold = _money(min_value=0, allow_null=True, required=False)

    class Meta:
        model = PaymentSchedule
        fields = [*SCHEDULE_FIELDS, "next_run_at", "updated_at"]
        read_only_fields = ["next_run_at", "updated_at"]

    def validate_time_zone(self, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise serializers.ValidationError(gettext("Unknown time zone.")) from exc
        return value


class PaymentRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    """The org's payment runs, newest first; start one, approve, cancel or confirm it."""

    queryset = PaymentRun.objects.none()
    serializer_class = PaymentRunSerializer
    capabilities = {
        "*": can_view_payouts,
        "start": can_run_payments,
        "approve": can_run_payments,
        "cancel": can_run_payments,
        "confirm": can_run_payments,
    }

    def get_org_queryset(self) -> Any:
        return PaymentRun.objects.select_related("started_by", "approved_by")

    def _answer(self, run: PaymentRun, code: int = status.HTTP_200_OK) -> Response:
        run = self.get_queryset().get(pk=run.pk)
        return Response(PaymentRunSerializer(run).data, status=code)

    @extend_schema(responses={200: RunPreviewSerializer})
    @action(detail=False, methods=["get"])
    def preview(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """What a run started now would pay (count, totals per currency), what it leaves on
        hold (with the reasons) and carries below the minimum, and the fingerprint to start
        it with. Computed by the run's own selection: the run stages exactly these payouts."""
        return Response(RunPreviewSerializer(run_preview(organization=self.organization)).data)

    @extend_schema(request=RunStartSerializer, responses={201: PaymentRunSerializer})
    @action(detail=False, methods=["post"])
    def start(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Start a run now: 409 while another run is open, or when ``fingerprint`` (from
        ``preview``) no longer matches what is due. Over the approval threshold the run waits
        for a second admin (state ``awaiting_approval``)."""
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = runs.run_start(
            organization=self.organization,
            actor=request.user,
            membership=self.membership,
            fingerprint=body.validated_data.get("fingerprint"),
        )
        return self._answer(run, status.HTTP_201_CREATED)

    @extend_schema(request=RunStartSerializer, responses={200: PaymentRunSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve a run awaiting approval; not by the admin who started it. With the
        ``fingerprint`` of the ``preview`` the approver checked: 409 if what is due changed."""
        body = RunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = runs.run_approve(
            run=self.get_object(),
            actor=request.user,
            membership=self.membership,
            fingerprint=body.validated_data.get("fingerprint"),
        )
        return self._answer(run)

    @extend_schema(request=None, responses={200: PaymentRunSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Cancel a run waiting for approval (nothing was claimed yet)."""
        run = runs.run_cancel(run=self.get_object(), actor=request.user, membership=self.membership)
        return self._answer(run)

    @extend_schema(request=None, responses={200: PaymentRunSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Confirm that the bank / payroll export was paid (CSV export runs)."""
        run = runs.run_confirm_export(
            run=self.get_object(), actor=request.user, membership=self.membership
        )
        return self._answer(run)

    @extend_schema(responses={200: RunProgressSerializer})
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """How far the run is: counts, percent done and totals per currency."""
        return Response(RunProgressSerializer(runs.run_progress(self.get_object())).data)


class PaymentScheduleViewSet(OrgScopedViewSet):
    """The org's payment schedule: when runs open and the policies they apply."""

    queryset = PaymentSchedule.objects.none()
    serializer_class = PaymentScheduleSerializer
    capabilities = {"*": can_view_payouts, "partial_update": can_run_payments}

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        schedule = schedule_for(organization=self.organization)
        return Response(PaymentScheduleSerializer(schedule).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change some of the schedule; 400 with every invalid field's errors."""
        payload = PaymentScheduleSerializer(
            schedule_for(organization=self.organization), data=request.data, partial=True
        )
        payload.is_valid(raise_exception=True)
        try:
            schedule = schedule_update(
                organization=self.organization,
                actor=request.user,
                **cast(dict[str, Any], payload.validated_data),
            )
        except ScheduleInvalid as exc:
            raise serializers.ValidationError(exc.errors) from exc
        return Response(PaymentScheduleSerializer(schedule).data)
