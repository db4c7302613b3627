"""Reports in a browser: an analyst reads a program report with its chart and downloads a
CSV; a creator sees their milestone progress in the portal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from influencer_ops.tenancy import dangerously_unscoped
from programs.models import Program, TermsVersion
from tests.browser.conftest import sign_in
from tests.conftest import build_cast, build_world, confirm_and_launch
from tracking.models import DailyClicks, TrackedLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _launched_with_clicks() -> Any:
    """A launched program; Cara has a milestone of 40 and 30 valid clicks over two days."""
    with dangerously_unscoped():
        world = build_world(build_cast())
        confirm_and_launch(world)
        today = timezone.localdate()
        Program.objects.filter(pk=world.program.pk).update(
            launch_on=today - timedelta(days=5), end_on=today + timedelta(days=5)
        )
        enrollment = world.enrollment
        terms = enrollment.terms_version
        TermsVersion.objects.filter(pk=terms.pk).update(
            snapshot={**terms.snapshot, "click_milestone": 40}
        )
        link = TrackedLink.objects.filter(enrollment=enrollment).first()
        if link is None:
            link = TrackedLink.objects.create(
                organization_id=enrollment.organization_id,
                enrollment=enrollment,
                code="browser-report",
                destination="https://example.com/",
            )
        for days_ago, valid in ((2, 12), (1, 18)):
            DailyClicks.objects.create(
                organization_id=enrollment.organization_id,
                link=link,
                day=today - timedelta(days=days_ago),
                valid=valid,
                filtered=3,
            )
    return world


def test_an_analyst_reads_a_report_and_a_creator_sees_progress(
    live_server: Any, new_page: Any
) -> None:
    world = _launched_with_clicks()
    base = live_server.url
    program = world.program

    analyst = new_page()
    sign_in(analyst, base, "analyst@northwind.test")
    analyst.goto(f"{base}/orgs/northwind/programs/{program.pk}/report/")
    assert analyst.get_by_role("heading", level=1).inner_text() == "Report: Spring Glow"
    chart = analyst.locator("figure.chart svg")
    assert chart.is_visible()
    assert chart.get_attribute("role") == "img"
    assert "30 valid and 6 filtered" in chart.locator("desc").text_content() or ""
    with analyst.expect_download() as download_info:
        analyst.get_by_role("link", name="Download the funnel (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"program-{program.pk}-funnel.csv"
    lines = Path(download.path()).read_text().splitlines()
    assert lines[0] == "State,Enrollments"
    assert "Active,1" in lines

    creator = new_page()
    sign_in(creator, base, "cara@example.test")
    creator.goto(f"{base}/portal/performance/{world.enrollment.pk}/")
    progress = creator.get_by_role("progressbar", name="30 of 40 valid clicks (75%)")
    assert progress.is_visible()
    assert progress.get_attribute("value") == "30"
    assert progress.get_attribute("max") == "40"
    assert creator.get_by_text("10 more valid clicks to reach your milestone.").is_visible()
    assert creator.locator("figure.chart svg").is_visible()
