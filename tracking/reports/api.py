"""Reports API: a program's report (staff) and a creator's own performance (portal users).
The same selectors as the pages.

Staff need ``can_view_reports`` (403) and a role that covers the program's brand (any other
program is a 404, like a missing one). A creator sees only their own enrollments (404).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from influencer_ops.serializers import MoneyField, StrictSerializer
from influencer_ops.validation import REPORT_MONEY_DIGITS
from influencers.access import CreatorScopedViewSet
from organizations.access import OrgScopedViewSet, get_for_org
from organizations.permissions import can_view_reports
from programs.models import DeliverableState, Enrollment, Program
from programs.states import EnrollmentState, ProgramState
from tracking.reports import selectors as reports


def _money(help_text: str = "", *, allow_null: bool = True) -> MoneyField:
    return MoneyField(
        max_digits=REPORT_MONEY_DIGITS[0],
        decimal_places=REPORT_MONEY_DIGITS[1],
        allow_null=allow_null,
        help_text=help_text or None,
    )


class ReportProgramSerializer(StrictSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    brand = serializers.CharField(source="brand.name")
    state = serializers.ChoiceField(choices=ProgramState.choices)
    currency = serializers.CharField()
    launch_on = serializers.DateField(allow_null=True)
    end_on = serializers.DateField(allow_null=True)


class FunnelStepSerializer(StrictSerializer):
    state = serializers.ChoiceField(choices=EnrollmentState.choices)
    state_label = serializers.CharField(source="label")
    count = serializers.IntegerField()


class ContentStepSerializer(StrictSerializer):
    state = serializers.ChoiceField(choices=DeliverableState.choices)
    state_label = serializers.CharField(source="label")
    count = serializers.IntegerField()


class DayClicksSerializer(StrictSerializer):
    day = serializers.DateField()
    valid = serializers.IntegerField()
    filtered = serializers.IntegerField()


class MilestoneRowSerializer(StrictSerializer):
    enrollment = serializers.IntegerField(source="enrollment_id")
    creator = serializers.CharField()
    milestone = serializers.IntegerField()
    valid_clicks = serializers.IntegerField()
    at = serializers.DateTimeField()


class EngagementSerializer(StrictSerializer):
    reach = serializers.IntegerField()
    impressions = serializers.IntegerField()
    likes = serializers.IntegerField()
    comments = serializers.IntegerField()
    shares = serializers.IntegerField()
    saves = serializers.IntegerField()
    views = serializers.IntegerField()
    engagements = serializers.IntegerField(help_text=_("Likes, comments, shares and saves."))


class SpendSerializer(StrictSerializer):
    currency = serializers.CharField()
    budget = _money()
    committed = _money("Fees of the accepted terms.", allow_null=False)
    earned = _money(
        "Every payout of the program not cancelled, paid ones included.", allow_null=False
    )
    paid = _money("Payouts paid to creators.", allow_null=False)
    remaining = _money("Budget less committed; null without a budget.")
    cost_per_valid_click = _money("Committed ÷ valid clicks; null without valid clicks.")


class PerformerSerializer(StrictSerializer):
    rank = serializers.IntegerField()
    enrollment = serializers.IntegerField(source="enrollment_id")
    creator = serializers.CharField()
    state = serializers.ChoiceField(choices=EnrollmentState.choices)
    valid_clicks = serializers.IntegerField()
    filtered_clicks = serializers.IntegerField()
    milestone = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField(allow_null=True)
    pace = serializers.ChoiceField(choices=reports.Pace.choices)


class ProgramReportSerializer(StrictSerializer):
    program = ReportProgramSerializer()
    funnel = FunnelStepSerializer(many=True)
    content = ContentStepSerializer(many=True)
    clicks = DayClicksSerializer(many=True, help_text=_("Per day from launch to end (or today)."))
    valid_clicks = serializers.IntegerField()
    filtered_clicks = serializers.IntegerField()
    milestones_count = serializers.IntegerField()
    milestones = MilestoneRowSerializer(many=True)
    engagement = EngagementSerializer()
    spend = SpendSerializer()
    performers = PerformerSerializer(many=True, help_text=_("Every active or completed creator."))
    top_performers = PerformerSerializer(many=True)
    under_performers = PerformerSerializer(many=True)


class MyPerformanceSerializer(StrictSerializer):
    enrollment = serializers.IntegerField(source="enrollment.pk")
    program = serializers.CharField(source="enrollment.program.name")
    organization = serializers.CharField(source="enrollment.organization.name")
    state = serializers.ChoiceField(source="enrollment.state", choices=EnrollmentState.choices)
    valid_clicks = serializers.IntegerField()
    filtered_clicks = serializers.IntegerField()
    milestone = serializers.IntegerField(allow_null=True)
    progress_percent = serializers.IntegerField(allow_null=True)
    milestone_reached_at = serializers.DateTimeField(allow_null=True)
    clicks = DayClicksSerializer(many=True)


class ProgramReportViewSet(OrgScopedViewSet):
    """The report of one program of a brand you cover."""

    capabilities = {"*": can_view_reports}
    queryset = Program.objects.none()
    serializer_class = ProgramReportSerializer

    def get_org_queryset(self) -> Any:
        return reports.reportable_programs(
            organization=self.organization, membership=self.membership
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = get_for_org(self.get_org_queryset(), self.organization, kwargs["pk"])
        report = reports.program_report(program=program)
        return Response(ProgramReportSerializer(report).data)


class MyPerformanceViewSet(CreatorScopedViewSet):
    """Your clicks over time and your progress toward the click milestone."""

    queryset = Enrollment.objects.none()
    serializer_class = MyPerformanceSerializer

    def get_creator_queryset(self) -> QuerySet[Enrollment]:
        return reports.creator_reportable_enrollments(user=self.request.user)

    @extend_schema(responses=MyPerformanceSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        performance = reports.creator_performance(
            user=cast(Any, request.user), enrollment_id=kwargs["pk"]
        )
        if performance is None:
            raise NotFound(gettext("Not found."))
        return Response(MyPerformanceSerializer(performance).data)
