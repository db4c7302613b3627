"""The desk in a browser: a refusal shows in place; "All" ticks a page of the team queue, one
bulk claim moves the tasks to "My tasks" and the counters follow without a reload (htmx,
counters out of band); on a 320 px phone each task is a card with its due date and actions."""

from __future__ import annotations

from typing import Any

import pytest

from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import OwnerRole, TaskKind
from messaging.services import queue
from tests.browser.conftest import sign_in
from tests.conftest import build_cast
from tests.factories import TOTP_SECRET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _queue_tasks(n: int) -> list[Any]:
    with dangerously_unscoped():
        cast = build_cast()
        return [
            queue.task_create(
                organization=cast.org,
                kind=TaskKind.CREATOR_REQUEST,
                title=f"Question number {i} about the brief with a rather long title",
                owner_role=OwnerRole.ISM,
                dedupe_key=f"browser-bulk:{i}",
            )[0]
            for i in range(n)
        ]


def _sign_in_ism(page: Any, base: str) -> None:
    sign_in(page, base, "ism@northwind.test", TOTP_SECRET)
    page.locator('form[action="/accounts/logout/"]').wait_for(state="attached")


def test_all_ticks_the_queue_and_one_claim_moves_rows_and_counters(
    live_server: Any, page: Any
) -> None:
    _queue_tasks(3)
    base = live_server.url
    _sign_in_ism(page, base)
    page.goto(f"{base}/orgs/northwind/desk/")
    counts = page.locator("#task-counts")
    assert "3 open" in " ".join(counts.inner_text().split())
    team = page.get_by_role("table", name="Unassigned tasks of my team")
    # Nothing ticked: the refusal (a 400) shows in place.
    page.get_by_role("button", name="Apply to ticked tasks").click()
    page.get_by_text("Tick at least one task.").wait_for()
    page.get_by_label("Tick every task in “Unassigned tasks of my team” on this page").check()
    assert team.locator("tbody input[type=checkbox]:checked").count() == 3
    page.get_by_label("Action", exact=True).select_option("claim")
    page.get_by_role("button", name="Apply to ticked tasks").click()
    page.get_by_text("3 tasks claimed: they are yours.").wait_for()
    # No reload: htmx swapped the lists, and the counters came out of band.
    assert page.url.endswith("/orgs/northwind/desk/")
    text = " ".join(counts.inner_text().split())
    assert "0 open" in text and "3 in progress" in text
    mine = page.get_by_role("table", name="Tasks assigned to me")
    assert mine.locator("tbody tr").count() == 3
    assert page.get_by_text("The team queue is empty.").is_visible()


def test_on_a_phone_each_task_is_a_card_with_its_due_date_and_actions(
    live_server: Any, page: Any
) -> None:
    _queue_tasks(2)
    base = live_server.url
    page.set_viewport_size({"width": 320, "height": 640})
    _sign_in_ism(page, base)
    page.goto(f"{base}/orgs/northwind/desk/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row = page.get_by_role("table", name="Unassigned tasks of my team").locator("tbody tr").first
    for label in ("Due", "Actions", "Select"):
        cell = row.locator(f'[data-label="{label}"]')
        assert cell.is_visible(), label
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 320, label
    label = row.locator('[data-label="Due"]').evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    )
    assert label == '"Due"'
    assert row.get_by_role("button", name="Claim").is_visible()
    assert row.get_by_role("link", name="Resolve").is_visible()
