"""The sales report: attributed orders, revenue, commission, spend, ROI and CPA per program and
per creator, with charts, CSV and the API; one query per table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest

from commerce.models import CommissionState
from organizations.roles import Role
from payments.models import Payout, PayoutState
from tests.conftest import World, login_client, make_payout
from tests.factories import CommissionFactory, OrderFactory
from tests.helpers import assert_constant_queries, captured_queries
from tracking.reports import sales


def order(world: World, enrollment: Any = None, **fields: Any) -> Any:
    enrollment = enrollment or world.enrollment
    values = {
        "currency": world.program.currency,
        "gross_value": Decimal("120.00"),
        "net_value": Decimal("100.00"),
    } | fields
    return OrderFactory(
        organization=world.cast.org,
        enrollment=enrollment,
        attributed_via="link",
        unattributed_reason="",
        **values,
    )


@pytest.fixture
def sold(world: World) -> World:
    """Cara: three orders (one half refunded, one refunded in full), commission, two payouts
    (one cancelled); Olli: one order in another currency; an unattributed order."""
    cara = world.enrollment
    first = order(world)
    half = order(world, refunded_value=Decimal("60.00"))  # net 100 → 50 left
    full = order(world, refunded_value=Decimal("120.00"))
    CommissionFactory(
        organization=world.cast.org, enrollment=cara, order=first, amount=Decimal("10.00")
    )
    CommissionFactory(
        organization=world.cast.org,
        enrollment=cara,
        order=half,
        amount=Decimal("10.00"),
        state=CommissionState.CLAWED_BACK,
        clawback_amount=Decimal("5.00"),
    )
    CommissionFactory(
        organization=world.cast.org,
        enrollment=cara,
        order=full,
        amount=Decimal("10.00"),
        state=CommissionState.REVERSED,
    )
    make_payout(world, "50.00", key="fee")
    cancelled = make_payout(world, "999.00", key="cancelled")
    Payout.objects.filter(pk=cancelled.pk).update(state=PayoutState.CANCELLED)
    order(world, world.other_enrollment, currency="JPY")
    OrderFactory(organization=world.cast.org, currency=world.program.currency)
    return world


def test_program_figures_follow_the_definitions(sold: World) -> None:
    (row,) = sales.program_sales(organization=sold.cast.org)
    assert row.orders == 2  # the order refunded in full is no acquisition
    assert row.revenue == Decimal("150.00")  # 100 + 50 left of the half-refunded one
    assert row.commission == Decimal("15.00")  # 10 pending + (10 − 5 clawed back)
    assert row.spend == Decimal("50.00")  # the cancelled payout is no spend
    assert row.roi == Decimal("3.00")
    assert row.cpa == Decimal("25.00")
    assert row.other_currency == 1


def test_creator_rows_split_the_program(sold: World) -> None:
    rows = {r.creator: r for r in sales.creator_sales(organization=sold.cast.org)}
    cara = rows["Cara Creator"]
    assert (cara.orders, cara.revenue, cara.spend, cara.roi) == (
        2,
        Decimal("150.00"),
        Decimal("50.00"),
        Decimal("3.00"),
    )
    olli = rows["Olli Other"]
    assert (olli.orders, olli.revenue, olli.other_currency, olli.roi, olli.cpa) == (
        0,
        Decimal("0.00"),
        1,
        None,
        None,
    )


def test_each_table_is_one_query(sold: World) -> None:
    _, queries = captured_queries(lambda: sales.program_sales(organization=sold.cast.org))
    assert len(queries) == 1
    _, queries = captured_queries(lambda: sales.creator_sales(organization=sold.cast.org))
    assert len(queries) == 1


def test_the_page_shows_tables_and_a_chart_per_currency(sold: World) -> None:
    client = sold.cast.client_for(Role.ANALYST)
    page = client.get("/orgs/northwind/reports/sales/")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-sales-row="{sold.program.pk}" data-roi="3.00" data-cpa="25.00"' in text
    assert "<svg" in text and 'role="img"' in text
    assert "Revenue" in text
    overview = client.get("/orgs/northwind/reports/").content.decode()
    assert 'href="/orgs/northwind/reports/sales/"' in overview
    report = client.get(f"/orgs/northwind/programs/{sold.program.pk}/report/").content.decode()
    assert f"/orgs/northwind/reports/sales/?program={sold.program.pk}" in report
    one = client.get(f"/orgs/northwind/reports/sales/?program={sold.program.pk}")
    assert one.status_code == 200
    assert client.get("/orgs/northwind/reports/sales/?program=999999").status_code == 404


def test_csv_exports_what_the_tables_show(sold: World) -> None:
    client = sold.cast.client_for(Role.ADMIN)
    answer = client.get("/orgs/northwind/reports/sales/programs.csv")
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert rows[0]["Revenue"] == "150.00"
    assert rows[0]["ROI (revenue / spend)"] == "3.00"
    assert rows[0]["Cost per acquisition"] == "25.00"
    creators = client.get(f"/orgs/northwind/reports/sales/creators.csv?program={sold.program.pk}")
    names = [r["Creator"] for r in csv.DictReader(io.StringIO(creators.content.decode()))]
    assert names == ["Cara Creator", "Olli Other"]
    assert client.get("/orgs/northwind/reports/sales/nope.csv").status_code == 404


def test_the_api_answers_the_same(sold: World) -> None:
    answer = sold.cast.client_for(Role.ADMIN).get("/api/v1/orgs/northwind/reports/sales/")
    assert answer.status_code == 200
    (program,) = answer.json()["programs"]
    assert (program["revenue"], program["roi"], program["cpa"]) == ("150.00", "3.00", "25.00")
    assert {row["creator"] for row in answer.json()["creators"]} == {"Cara Creator", "Olli Other"}


def test_who_may_not_read_reports_is_refused(sold: World) -> None:
    from organizations.permissions import can_view_reports

    refused = [r for r in Role.values if not can_view_reports(sold.cast.members[r])]
    for role in refused:
        assert sold.cast.client_for(role).get("/orgs/northwind/reports/sales/").status_code == 403
    outsider = login_client(sold.cast.outsider.user)
    assert outsider.get("/orgs/northwind/reports/sales/").status_code == 404
    assert outsider.get("/api/v1/orgs/northwind/reports/sales/").status_code == 404


def test_the_page_takes_constant_queries(sold: World) -> None:
    client = sold.cast.client_for(Role.ADMIN)

    def grow() -> None:
        for n in range(5):
            made = order(sold, sold.other_enrollment)
            CommissionFactory(
                organization=sold.cast.org, enrollment=sold.other_enrollment, order=made
            )
            make_payout(sold, "10.00", key=f"grow-{n}", enrollment=sold.other_enrollment)

    assert_constant_queries(lambda: client.get("/orgs/northwind/reports/sales/"), grow=grow)
