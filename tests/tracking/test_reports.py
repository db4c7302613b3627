"""Reports: the numbers of a hand-built program, the org overview, CSV exports, the chart,
who may see what, constant query counts, and the creator's own performance."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from influencers.models import CreatorProfile
from organizations.roles import Role
from payments import ledger
from payments.models import PayoutState
from programs.models import Deliverable, Enrollment, Program, TermsVersion
from programs.recruiting import services as recruiting
from tests.conftest import (
    Cast,
    World,
    confirm_and_launch,
    login_client,
    make_creator,
    make_payout,
)
from tests.factories import member
from tests.helpers import assert_constant_queries
from tracking.models import DailyClicks, MetricRecord, MilestoneReached, TrackedLink
from tracking.reports import selectors as reports
from tracking.reports.charts import clicks_summary

pytestmark = pytest.mark.django_db


# --- the cast: a launched program with a hand-counted roster ---


@dataclass
class Report:
    world: World
    program: Program
    cara: Enrollment  # active, milestone 50, 70 valid clicks: reached
    finn: Enrollment  # active, milestone 100, 10 valid clicks: behind pace
    eve: Enrollment  # accepted, not yet confirmed: committed, no clicks
    days_ago: Any


def _terms(enrollment: Enrollment, **changes: Any) -> None:
    enrollment.refresh_from_db()
    terms = enrollment.terms_version
    TermsVersion.objects.filter(pk=terms.pk).update(snapshot={**terms.snapshot, **changes})


def _link(enrollment: Enrollment) -> TrackedLink:
    link = TrackedLink.objects.filter(enrollment=enrollment).first()
    return link or TrackedLink.objects.create(
        organization_id=enrollment.organization_id,
        enrollment=enrollment,
        code=f"c{enrollment.pk}",
        destination="https://example.com/",
    )


def _clicks(enrollment: Enrollment, day: Any, valid: int, filtered: int) -> None:
    DailyClicks.objects.create(
        organization_id=enrollment.organization_id,
        link=_link(enrollment),
        day=day,
        valid=valid,
        filtered=filtered,
    )


@pytest.fixture
def rep(world: World) -> Report:
    org, admin = world.cast.org, world.cast.members[Role.ADMIN].user
    extra = [
        make_creator(org, "Dana Declined", "dana@example.test"),
        make_creator(org, "Eve Accepted", "eve@example.test"),
        make_creator(org, "Finn Active", "finn@example.test"),
    ]
    dana, eve, finn = recruiting.enrollment_invite(
        program=world.program, creators=extra, actor=admin
    )
    recruiting.enrollment_move(enrollment=dana, target="declined", actor=admin)
    recruiting.enrollment_move(enrollment=eve, target="accepted", actor=admin)
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=finn, target=state, actor=admin)
    confirm_and_launch(world)
    today = timezone.localdate()

    def days_ago(n: int) -> Any:
        return today - timedelta(days=n)

    Program.objects.filter(pk=world.program.pk).update(
        launch_on=days_ago(20), end_on=today + timedelta(days=20), budget_amount=Decimal("1000")
    )
    cara = world.enrollment
    _terms(cara, click_milestone=50)
    _terms(finn, fee="400.00", click_milestone=100)
    _clicks(cara, days_ago(10), 30, 5)
    _clicks(cara, days_ago(9), 40, 2)
    _clicks(finn, days_ago(10), 10, 1)
    MilestoneReached.objects.create(
        organization=org, enrollment=cara, milestone=50, valid_clicks=70, at=timezone.now()
    )
    published = Deliverable.objects.filter(enrollment=cara).first()
    Deliverable.objects.filter(pk=published.pk).update(state="published")
    for n, values in (
        (9, {"reach": 100, "impressions": 200, "likes": 10, "comments": 2, "shares": 1}),
        (8, {"reach": 50, "impressions": 80, "likes": 4, "comments": 1, "saves": 4}),
    ):
        MetricRecord.objects.create(
            organization=org, deliverable=published, day=days_ago(n), source="csv", **values
        )
    world.program.refresh_from_db()
    for enrollment in (cara, finn, eve):
        enrollment.refresh_from_db()
    return Report(world, world.program, cara, finn, eve, days_ago)


def page(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def api(program_pk: int, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/programs/{program_pk}/report/"


def rows_of(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- the numbers ---


def test_the_report_counts_a_hand_built_program(rep: Report) -> None:
    report = reports.program_report(program=rep.program)

    funnel = {row.state: row.count for row in report.funnel}
    assert funnel == {
        "waitlisted": 0,
        "invited": 1,
        "accepted": 1,
        "confirmed": 0,
        "active": 2,
        "completed": 0,
        "declined": 1,
        "expired": 0,
        "withdrawn": 0,
        "terminated": 0,
    }
    content = {row.state: row.count for row in report.content if row.count}
    assert content == {"pending": 1, "published": 1}
    assert (report.valid_clicks, report.filtered_clicks) == (80, 8)
    # One point per day from launch to today, zero on days without clicks.
    assert len(report.clicks) == 21
    assert report.clicks[0].day == rep.days_ago(20)
    assert report.clicks[-1].day == timezone.localdate()
    by_day = {d.day: (d.valid, d.filtered) for d in report.clicks}
    assert by_day[rep.days_ago(10)] == (40, 6)
    assert by_day[rep.days_ago(9)] == (40, 2)
    assert by_day[rep.days_ago(8)] == (0, 0)
    assert report.milestones_count == 1
    assert report.milestones[0].creator == "Cara Creator"
    e = report.engagement
    assert (e.reach, e.impressions, e.likes, e.comments, e.shares, e.saves) == (
        150,
        280,
        14,
        3,
        1,
        4,
    )
    assert e.engagements == 22


def test_spend_is_committed_from_the_accepted_terms(rep: Report) -> None:
    spend = reports.program_report(program=rep.program).spend
    # Cara 250 + Eve 250 (accepted, not confirmed) + Finn 400 (amended terms); Olli is invited.
    assert spend.committed == Decimal("900.00")
    assert spend.budget == Decimal("1000.00")
    assert spend.remaining == Decimal("100.00")
    assert spend.cost_per_valid_click == Decimal("11.25")
    assert spend.earned == Decimal("0.00") and spend.paid == Decimal("0.00")  # no payouts


def test_earned_and_paid_are_the_programs_payouts_and_agree_with_the_ledger(rep: Report) -> None:
    org_id = rep.world.cast.org.pk
    paid = make_payout(rep.world, "250.00", "fee", enrollment=rep.cara)
    make_payout(rep.world, "10.50", "clicks", enrollment=rep.finn)
    cancelled = make_payout(rep.world, "99.00", "gone", enrollment=rep.finn)
    ledger.payout_move(payout=cancelled, target=PayoutState.CANCELLED, actor=None, memo="x")
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING, PayoutState.PAID):
        paid = ledger.payout_move(payout=paid, target=target, actor=None, memo="run")
    spend = reports.program_report(program=rep.program).spend
    assert spend.earned == Decimal("260.50") and spend.paid == Decimal("250.00")
    # Cash is credited as money leaves: its balance is minus what was paid.
    assert -ledger.ledger_balances(organization_id=org_id)[("cash", spend.currency)] == spend.paid
    page = rep.world.cast.client_for(Role.ANALYST).get(
        reverse("program_report", args=[rep.world.cast.org.slug, rep.program.pk])
    )
    text = " ".join(page.content.decode().split())
    assert "<dt>Earned</dt><dd>$260.50" in text and "<dt>Paid</dt><dd>$250.00" in text


def test_cost_per_valid_click_is_none_without_clicks(world: World) -> None:
    confirm_and_launch(world)
    spend = reports.program_report(program=world.program).spend
    assert spend.committed == Decimal("250.00")
    assert spend.cost_per_valid_click is None


def test_top_and_under_performers_rank_clicks_against_the_milestone(rep: Report) -> None:
    report = reports.program_report(program=rep.program)
    assert [(p.creator, p.rank, p.pace) for p in report.performers] == [
        ("Cara Creator", 1, "reached"),
        ("Finn Active", 2, "behind"),
    ]
    assert report.performers[0].progress_percent == 140
    assert [p.creator for p in report.top_performers] == ["Cara Creator"]
    assert [p.creator for p in report.under_performers] == ["Finn Active"]


def test_clicks_of_creators_who_are_not_ranked_still_count(rep: Report) -> None:
    olli = rep.world.other_enrollment  # still invited: a stray link click is still a click
    _clicks(olli, rep.days_ago(3), 5, 1)
    report = reports.program_report(program=rep.program)
    assert (report.valid_clicks, report.filtered_clicks) == (85, 9)
    assert [p.creator for p in report.performers] == ["Cara Creator", "Finn Active"]
    assert report.spend.cost_per_valid_click == Decimal("10.59")  # 900 / 85


def test_nobody_is_behind_early_in_the_program(rep: Report) -> None:
    today = timezone.localdate()
    Program.objects.filter(pk=rep.program.pk).update(end_on=today + timedelta(days=200))
    rep.program.refresh_from_db()
    report = reports.program_report(program=rep.program)
    assert report.under_performers == []
    assert [p.pace for p in report.performers] == ["reached", "on_track"]


def test_the_org_overview_sums_per_program_for_the_brands_covered(rep: Report) -> None:
    cast = rep.world.cast
    Program.objects.create(organization=cast.org, brand=cast.other_brand, name="Trail Mix")
    rows = reports.org_overview(organization=cast.org)
    assert [r.name for r in rows] == ["Spring Glow", "Trail Mix"]
    glow = rows[0]
    assert (glow.creators, glow.valid_clicks, glow.milestones) == (3, 80, 1)
    assert (glow.committed, glow.budget, glow.remaining) == (
        Decimal("900.00"),
        Decimal("1000.00"),
        Decimal("100.00"),
    )
    assert glow.cost_per_valid_click == Decimal("11.25")
    assert (rows[1].creators, rows[1].valid_clicks, rows[1].committed) == (0, 0, Decimal("0"))
    only = reports.org_overview(organization=cast.org, brands=[cast.brand])
    assert [r.name for r in only] == ["Spring Glow"]


# --- pages, roles and walls ---


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ISM, Role.BSM, Role.BRAND_MANAGER, Role.ANALYST])
def test_report_roles_covering_the_brand_see_the_report(rep: Report, role: Role) -> None:
    client = rep.world.cast.client_for(role)
    response = client.get(page("program_report", pk=rep.program.pk))
    assert response.status_code == 200
    assert b"<h1>Report: Spring Glow</h1>" in response.content
    assert client.get(page("org_overview")).status_code == 200
    assert client.get(api(rep.program.pk)).status_code == 200


def test_it_requires_a_reporting_role(rep: Report) -> None:
    client = rep.world.cast.client_for(Role.APPROVER)
    assert client.get(page("program_report", pk=rep.program.pk)).status_code == 403
    csv_url = page("program_report_csv", pk=rep.program.pk, table="funnel")
    assert client.get(csv_url).status_code == 403
    assert client.get(page("org_overview")).status_code == 403
    assert client.get(page("org_overview_csv")).status_code == 403
    assert client.get(api(rep.program.pk)).status_code == 403


def test_a_brand_manager_of_another_brand_gets_404(rep: Report) -> None:
    cast: Cast = rep.world.cast
    other = member(cast.org, Role.BRAND_MANAGER, brands=[cast.other_brand])
    client = login_client(other.user)
    assert client.get(page("program_report", pk=rep.program.pk)).status_code == 404
    csv_url = page("program_report_csv", pk=rep.program.pk, table="funnel")
    assert client.get(csv_url).status_code == 404
    assert client.get(api(rep.program.pk)).status_code == 404
    overview = client.get(page("org_overview"))
    assert overview.status_code == 200
    assert b"Spring Glow" not in overview.content
    assert b"Spring Glow" not in client.get(page("org_overview_csv")).content


def test_an_outsider_gets_404(rep: Report) -> None:
    client = login_client(rep.world.cast.outsider.user)
    for slug in ("northwind", "acme"):
        assert client.get(page("program_report", slug, pk=rep.program.pk)).status_code == 404
        csv_url = page("program_report_csv", slug, pk=rep.program.pk, table="clicks")
        assert client.get(csv_url).status_code == 404
        assert client.get(api(rep.program.pk, slug)).status_code == 404
    assert client.get(page("org_overview")).status_code == 404


def test_the_api_gives_the_same_numbers(rep: Report) -> None:
    data = rep.world.cast.client_for(Role.ANALYST).get(api(rep.program.pk)).json()
    assert data["program"]["name"] == "Spring Glow"
    assert {row["state"]: row["count"] for row in data["funnel"]}["active"] == 2
    assert data["valid_clicks"] == 80
    assert data["milestones_count"] == 1
    assert data["spend"]["committed"] == "900.00"
    assert data["spend"]["cost_per_valid_click"] == "11.25"
    assert data["spend"]["earned"] == "0.00" and data["spend"]["paid"] == "0.00"
    assert [p["pace"] for p in data["under_performers"]] == ["behind"]
    assert len(data["clicks"]) == 21


def test_the_report_page_shows_the_chart_with_a_text_alternative(rep: Report) -> None:
    response = rep.world.cast.client_for(Role.ANALYST).get(
        page("program_report", pk=rep.program.pk)
    )
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert "<title " in html and "Clicks per day: Spring Glow" in html
    assert "<desc " in html and "80 valid and 8 filtered in total" in html
    assert "the numbers behind the chart" in html  # the visually hidden data table
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "$900.00" in html and "$11.25" in html


def test_the_chart_summary_names_the_busiest_day(rep: Report) -> None:
    summary = clicks_summary(reports.program_report(program=rep.program).clicks)
    assert "80 valid and 8 filtered" in summary
    assert "with 40 valid clicks" in summary
    assert clicks_summary([]).startswith("No days")


# --- CSV ---


@pytest.mark.parametrize(
    ("table", "header", "row"),
    [
        ("funnel", ["State", "Enrollments"], ["Active", "2"]),
        ("content", ["State", "Deliverables"], ["Published", "1"]),
        ("clicks", ["Day", "Valid clicks", "Filtered clicks"], None),
        ("milestones", ["Creator", "Milestone", "Valid clicks", "Reached at (UTC)"], None),
        ("performers", ["Rank", "Creator", "State", "Valid clicks", "Filtered clicks",
                        "Milestone", "Progress (%)", "Pace"], None),
    ],
)  # fmt: skip
def test_every_report_table_exports_as_csv(
    rep: Report, table: str, header: list[str], row: list[str] | None
) -> None:
    client = rep.world.cast.client_for(Role.ANALYST)
    response = client.get(page("program_report_csv", pk=rep.program.pk, table=table))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == header
    if row is not None:
        assert row in rows
    if table == "clicks":
        assert [rep.days_ago(10).isoformat(), "40", "6"] in rows
    if table == "milestones":
        assert rows[1][:3] == ["Cara Creator", "50", "70"]
    if table == "performers":
        assert rows[2] == ["2", "Finn Active", "Active", "10", "1", "100", "10", "Behind pace"]


def test_an_unknown_table_is_404(rep: Report) -> None:
    client = rep.world.cast.client_for(Role.ANALYST)
    response = client.get(page("program_report_csv", pk=rep.program.pk, table="secrets"))
    assert response.status_code == 404


def test_the_org_overview_exports_as_csv(rep: Report) -> None:
    response = rep.world.cast.client_for(Role.ADMIN).get(page("org_overview_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(response)
    assert rows[0][:4] == ["Program", "Brand", "State", "Creators"]
    assert rows[1] == [
        "Spring Glow", "Lumen", "Launched", "3", "80", "1",
        "900.00", "1000.00", "100.00", "USD", "11.25",
    ]  # fmt: skip


def test_csv_cells_that_look_like_formulas_are_neutralised(rep: Report) -> None:
    CreatorProfile.objects.filter(pk=rep.finn.creator_id).update(display_name="=HYPERLINK(1)")
    client = rep.world.cast.client_for(Role.ANALYST)
    response = client.get(page("program_report_csv", pk=rep.program.pk, table="performers"))
    assert rows_of(response)[2][1] == "'=HYPERLINK(1)"


# --- constant query counts and the index ---


def _grow(program: Program, start: int, stop: int) -> None:
    """Active creators with accepted terms, a link, two days of clicks, a deliverable with
    metrics and (every other one) a milestone, made directly."""
    org_id, today = program.organization_id, timezone.localdate()
    for n in range(start, stop):
        creator = CreatorProfile.objects.create(
            organization_id=org_id, display_name=f"Creator {n:03}", email=f"c{n}@example.test"
        )
        enrollment = Enrollment.objects.create(
            organization_id=org_id, program=program, creator=creator, state="active"
        )
        terms = TermsVersion.objects.create(
            organization_id=org_id,
            enrollment=enrollment,
            number=1,
            snapshot={"fee": "100.00", "click_milestone": 20},
            accepted_at=timezone.now(),
        )
        Enrollment.objects.filter(pk=enrollment.pk).update(terms_version=terms)
        for days in (1, 2):
            _clicks(enrollment, today - timedelta(days=days), 5 + n, 1)
        deliverable = Deliverable.objects.create(
            organization_id=org_id,
            enrollment=enrollment,
            program=program,
            number=1,
            kind="post",
            platform="instagram",
            due_on=today,
            original_due_on=today,
        )
        MetricRecord.objects.create(
            organization_id=org_id, deliverable=deliverable, day=today, source="csv", reach=n
        )
        if n % 2:
            MilestoneReached.objects.create(
                organization_id=org_id,
                enrollment=enrollment,
                milestone=20,
                valid_clicks=20,
                at=timezone.now(),
            )


def test_the_report_page_query_count_does_not_grow_with_the_roster(rep: Report) -> None:
    client = rep.world.cast.client_for(Role.ANALYST)
    url = page("program_report", pk=rep.program.pk)
    _grow(rep.program, 0, 5)
    response = assert_constant_queries(
        lambda: client.get(url), grow=lambda: _grow(rep.program, 5, 50)
    )
    assert response.status_code == 200
    assert b"Creator 049" in response.content


def test_the_org_overview_query_count_does_not_grow_with_the_programs(rep: Report) -> None:
    cast = rep.world.cast
    client = cast.client_for(Role.ANALYST)
    url = page("org_overview")

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            program = Program.objects.create(
                organization=cast.org, brand=cast.brand, name=f"P{n:03}", state="launched"
            )
            _grow(program, n * 2, n * 2 + 1)

    grow(0, 5)
    response = assert_constant_queries(lambda: client.get(url), grow=lambda: grow(5, 50))
    assert response.status_code == 200
    assert b"P049" in response.content


def test_clicks_over_time_is_index_backed(rep: Report) -> None:
    window = reports.program_window(rep.program)
    assert window is not None
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = reports.program_clicks_by_day(program=rep.program, window=window).explain()
    assert "Seq Scan on tracking_dailyclicks" not in plan
    dailyclicks_indexes = ("daily_clicks_org_day", "daily_clicks_unique", "tracking_dailyclicks_")
    assert any(name in plan for name in dailyclicks_indexes), plan


# --- the creator's own performance ---


def test_a_creator_sees_their_own_performance(rep: Report) -> None:
    client = rep.world.creator_client()
    url = reverse("portal_performance", kwargs={"pk": rep.cara.pk})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<progress id="milestone-progress"' in html
    assert 'max="50" value="50"' in html  # 70 of 50: the bar is full, not overflowing
    assert '<label for="milestone-progress">70 of 50 valid clicks (140%)</label>' in html
    assert "Milestone reached" in html
    assert 'role="img"' in html and "<desc " in html
    data = client.get(f"/api/v1/me/enrollments/{rep.cara.pk}/performance/").json()
    assert (data["valid_clicks"], data["filtered_clicks"], data["milestone"]) == (70, 7, 50)
    assert data["progress_percent"] == 140
    assert data["milestone_reached_at"] is not None
    assert len(data["clicks"]) == 21


def test_progress_toward_a_milestone_not_yet_reached(rep: Report) -> None:
    finn = CreatorProfile.objects.get(pk=rep.finn.creator_id)
    response = login_client(finn.user).get(
        reverse("portal_performance", kwargs={"pk": rep.finn.pk})
    )
    html = response.content.decode()
    assert 'max="100" value="10"' in html
    assert "90 more valid clicks to reach your milestone" in html


def test_another_creators_performance_is_404(rep: Report) -> None:
    client = rep.world.creator_client("other_creator")
    url = reverse("portal_performance", kwargs={"pk": rep.cara.pk})
    assert client.get(url).status_code == 404
    api_url = f"/api/v1/me/enrollments/{rep.cara.pk}/performance/"
    assert client.get(api_url).status_code == 404
    own = f"/api/v1/me/enrollments/{rep.world.other_enrollment.pk}/performance/"
    assert client.get(own).status_code == 200


def test_staff_cannot_use_the_creator_performance_pages(rep: Report) -> None:
    client = rep.world.cast.client_for(Role.ADMIN)
    assert client.get(reverse("portal_performance", kwargs={"pk": rep.cara.pk})).status_code == 403
    api_url = f"/api/v1/me/enrollments/{rep.cara.pk}/performance/"
    assert client.get(api_url).status_code == 403
