"""Real tables in a browser: an approver ticks two waiting versions in the inbox and approves
them in one go; an ISM sorts the desk by due date (latest first) and downloads that order as
CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import OwnerRole, TaskKind
from messaging.services import queue
from programs.models import Deliverable, DeliverableState
from tests.browser.conftest import sign_in
from tests.browser.test_approvals_flow import two_waiting
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_approver_ticks_two_versions_and_approves_them_at_once(
    live_server: Any, page: Any
) -> None:
    with dangerously_unscoped():
        first, second = two_waiting()
    base = live_server.url
    sign_in(page, base, "approver@northwind.test")
    page.goto(f"{base}/orgs/northwind/approvals/")
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    for n in range(2):
        rows.nth(n).locator('input[name="submission"]').check()
    page.get_by_label("Comment to the creators (optional)").fill("Both look great.")
    page.get_by_role("button", name="Approve ticked").click()
    page.wait_for_url(re.compile(r"/orgs/northwind/approvals/$"))
    page.get_by_text("2 versions approved: each creator has been told.").wait_for()
    assert page.get_by_text("Nothing else awaits you.").first.is_visible()
    with dangerously_unscoped():
        states = set(
            Deliverable.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
        )
    assert states == {DeliverableState.APPROVED}


def test_the_desk_sorts_by_due_date_and_downloads_that_order(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    base_time = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    with dangerously_unscoped():
        cast = build_cast()
        for title, days in (("Middle task", 5), ("Soon task", 1), ("Late task", 9)):
            queue.task_create(
                organization=cast.org,
                kind=TaskKind.CREATOR_REQUEST,
                title=title,
                owner_role=OwnerRole.ISM,
                dedupe_key=f"browser-sort:{title}",
                due_at=base_time + timedelta(days=days),
                notify=False,
            )
    base = live_server.url
    sign_in(page, base, "ism@northwind.test", TOTP_SECRET)
    page.goto(f"{base}/orgs/northwind/desk/")
    team = page.get_by_role("table", name="Unassigned tasks of my team")
    due = team.locator("thead th", has_text="Due")
    assert due.get_attribute("aria-sort") == "ascending"  # the desk's default order
    due.get_by_role("link").click()
    page.wait_for_url(re.compile(r"\?sort=-due$"))
    due = page.get_by_role("table", name="Unassigned tasks of my team").locator(
        "thead th", has_text="Due"
    )
    assert due.get_attribute("aria-sort") == "descending"
    titles = page.get_by_role("table", name="Unassigned tasks of my team").locator(
        "tbody th[scope=row] a"
    )
    assert titles.all_inner_texts() == ["Late task", "Middle task", "Soon task"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download CSV of unassigned tasks")).click()
    target = tmp_path / "desk.csv"
    download_info.value.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row[1] for row in rows[1:]] == ["Late task", "Middle task", "Soon task"]
