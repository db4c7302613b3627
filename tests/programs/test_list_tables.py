"""The program and case lists as tables: every sortable column, an unknown sort key, search,
filters (a bad one is a 400), the CSV of the filtered rows and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from organizations.roles import Role
from programs import services
from programs.cases.tables import CaseTable
from programs.models import ComplianceCase, Program
from programs.tables import ProgramTable
from tests.conftest import World
from tests.helpers import assert_constant_queries
from tests.tables import assert_sorts_both_ways, csv_rows, listed, sortable

pytestmark = pytest.mark.django_db


def url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org_slug": world.cast.org.slug})


# --- programs ---


@pytest.fixture
def programs3(world: World) -> World:
    admin = world.cast.members[Role.ADMIN].user
    for name, brand in (("Autumn Hike", world.cast.other_brand), ("Winter Glow", world.cast.brand)):
        services.program_create(organization=world.cast.org, brand=brand, name=name, actor=admin)
    return world


PROGRAM_FIELDS = {
    "name": ("name",),
    "brand": ("brand__name",),
    "state": ("state",),
    "launch_on": ("launch_on",),
    "end_on": ("end_on",),
    "roster_size": ("roster_size",),
    "capacity": ("capacity",),
    "ism": ("assigned_ism__name", "assigned_ism__email"),
    "bsm": ("assigned_bsm__name", "assigned_bsm__email"),
}


def test_the_program_table_sorts_these_columns() -> None:
    assert set(sortable(ProgramTable)) == set(PROGRAM_FIELDS)


@pytest.mark.parametrize("column", sortable(ProgramTable))
def test_each_program_column_sorts_with_the_id_breaking_ties(programs3: World, column: str) -> None:
    from programs import selectors

    org, admin = programs3.cast.org, programs3.cast.members[Role.ADMIN]
    rows = selectors.program_list(organization=org, membership=admin)
    expected = list(rows.order_by(*PROGRAM_FIELDS[column], "id").values_list("pk", flat=True))
    client = programs3.cast.client_for(Role.ADMIN)
    assert_sorts_both_ways(client, url(programs3, "program_list"), column, expected)


def test_program_sorting_means_what_it_says(programs3: World) -> None:
    client = programs3.cast.client_for(Role.ADMIN)
    names = [p.name for p in listed(client.get(url(programs3, "program_list"), {"sort": "-name"}))]
    assert names == ["Winter Glow", "Spring Glow", "Autumn Hike"]
    bad = client.get(url(programs3, "program_list"), {"sort": "created_by__password"})
    assert [p.name for p in listed(bad)] == ["Autumn Hike", "Spring Glow", "Winter Glow"]


def test_program_search_and_filters(programs3: World) -> None:
    client = programs3.cast.client_for(Role.ADMIN)
    page = url(programs3, "program_list")
    assert [p.name for p in listed(client.get(page, {"q": "glow"}))] == [
        "Spring Glow",
        "Winter Glow",
    ]
    other = {"brand": programs3.cast.other_brand.pk}
    assert [p.name for p in listed(client.get(page, other))] == ["Autumn Hike"]
    recruiting = listed(client.get(page, {"state": "recruiting", "q": "glow"}))
    assert [p.name for p in recruiting] == ["Spring Glow"]


@pytest.mark.parametrize("query", ["state=AAA", "brand=x", "brand=0", "brand=999999"])
def test_a_bad_program_filter_is_a_400(programs3: World, query: str) -> None:
    client = programs3.cast.client_for(Role.ADMIN)
    response = client.get(f"{url(programs3, 'program_list')}?{query}")
    assert response.status_code == 400
    assert listed(response) == []


def test_a_brand_the_member_does_not_cover_is_no_filter_choice(programs3: World) -> None:
    client = programs3.cast.client_for(Role.BRAND_MANAGER)
    other = programs3.cast.other_brand.pk
    covered = listed(client.get(url(programs3, "program_list")))
    assert all(p.brand_id != other for p in covered)
    response = client.get(url(programs3, "program_list"), {"brand": other})
    assert response.status_code == 400


def test_program_csv_holds_the_filtered_rows(programs3: World) -> None:
    client = programs3.cast.client_for(Role.ADMIN)
    query = {"q": "glow", "sort": "-name", "format": "csv"}
    rows = csv_rows(client.get(url(programs3, "program_list"), query))
    assert [r["Program"] for r in rows] == ["Winter Glow", "Spring Glow"]
    spring = rows[1]
    assert spring["State"] == "Recruiting" and spring["Brand"] == programs3.program.brand.name
    assert spring["Launch"] == programs3.program.launch_on.isoformat()
    assert spring["ISM"] and spring["Confirmed creators"] == "0"


def test_the_sorted_program_list_runs_constant_queries(programs3: World) -> None:
    client = programs3.cast.client_for(Role.ADMIN)
    admin = programs3.cast.members[Role.ADMIN].user
    ism = programs3.cast.members[Role.ISM].user

    def grow() -> None:
        for n in range(8):
            services.program_create(
                organization=programs3.cast.org,
                brand=programs3.cast.brand,
                name=f"Grown {n}",
                actor=admin,
                assigned_ism=ism,
            )

    response = assert_constant_queries(
        lambda: client.get(url(programs3, "program_list"), {"sort": "-ism", "q": "o"}), grow=grow
    )
    assert response.status_code == 200
    assert Program.objects.count() == 11


# --- cases ---


@pytest.fixture
def cases3(world: World) -> World:
    admin = world.cast.members[Role.ADMIN].user
    rows = [
        (world.enrollment, "guideline_breach", "high", "open"),
        (world.other_enrollment, "missed_deadlines", "low", "escalated"),
        (world.enrollment, "contract_breach", "medium", "resolved"),
        (world.other_enrollment, "underperformance", "medium", "open"),
    ]
    for enrollment, kind, severity, state in rows:
        ComplianceCase.objects.create(
            organization=world.cast.org,
            enrollment=enrollment,
            kind=kind,
            severity=severity,
            state=state,
            evidence="What happened.",
            opened_by=admin,
        )
    return world


CASE_FIELDS: dict[str, tuple[Any, ...]] = {
    "kind": ("kind",),
    "creator": ("enrollment__creator__display_name",),
    "program": ("enrollment__program__name",),
    "brand": ("enrollment__program__brand__name",),
    "state": ("state",),
    "created_at": ("created_at",),
}


def test_the_case_table_sorts_these_columns() -> None:
    assert set(sortable(CaseTable)) == {*CASE_FIELDS, "severity"}


@pytest.mark.parametrize("column", sorted(CASE_FIELDS))
def test_each_case_column_sorts_with_the_id_breaking_ties(cases3: World, column: str) -> None:
    cases = ComplianceCase.objects.filter(organization=cases3.cast.org)
    expected = list(cases.order_by(*CASE_FIELDS[column], "id").values_list("pk", flat=True))
    client = cases3.cast.client_for(Role.BSM)
    assert_sorts_both_ways(client, url(cases3, "case_list"), column, expected)


def test_severity_sorts_low_medium_high_not_alphabetically(cases3: World) -> None:
    rank = {"low": 1, "medium": 2, "high": 3}
    cases = ComplianceCase.objects.filter(organization=cases3.cast.org)
    expected = [c.pk for c in sorted(cases, key=lambda c: (rank[c.severity], c.pk))]
    client = cases3.cast.client_for(Role.BSM)
    assert_sorts_both_ways(client, url(cases3, "case_list"), "severity", expected)


def test_case_search_filters_and_bad_values(cases3: World) -> None:
    client = cases3.cast.client_for(Role.BSM)
    page = url(cases3, "case_list")
    other = cases3.other_creator.display_name
    found = listed(client.get(page, {"q": other.split()[0].lower()}))
    assert {c.enrollment_id for c in found} == {cases3.other_enrollment.pk}
    assert len(listed(client.get(page, {"state": "open"}))) == 2
    medium_open = listed(client.get(page, {"state": "open", "severity": "medium"}))
    assert [c.kind for c in medium_open] == ["underperformance"]
    assert [c.kind for c in listed(client.get(page, {"kind": "contract_breach"}))] == [
        "contract_breach"
    ]
    for bad in ({"state": "nope"}, {"severity": "huge"}, {"kind": "x"}):
        assert client.get(page, bad).status_code == 400


def test_case_csv_holds_the_filtered_rows(cases3: World) -> None:
    client = cases3.cast.client_for(Role.BSM)
    query = {"state": "open", "sort": "severity", "format": "csv"}
    rows = csv_rows(client.get(url(cases3, "case_list"), query))
    assert [(r["Case"], r["Severity"]) for r in rows] == [
        ("Underperformance", "Medium"),
        ("Guideline breach", "High"),
    ]
    assert rows[0]["Creator"] == cases3.other_creator.display_name
    assert rows[0]["State"] == "Open" and rows[0]["Opened"]


def test_case_csv_neutralises_formulas(cases3: World) -> None:
    cases3.creator.display_name = "=cmd|' /C calc'!A0"
    cases3.creator.save(update_fields=["display_name"])
    client = cases3.cast.client_for(Role.BSM)
    rows = csv_rows(
        client.get(url(cases3, "case_list"), {"format": "csv", "kind": "guideline_breach"})
    )
    assert rows[0]["Creator"] == "'=cmd|' /C calc'!A0"


def test_the_sorted_case_list_runs_constant_queries(cases3: World) -> None:
    client = cases3.cast.client_for(Role.BSM)
    admin = cases3.cast.members[Role.ADMIN].user

    def grow() -> None:
        ComplianceCase.objects.bulk_create(
            ComplianceCase(
                organization=cases3.cast.org,
                enrollment=cases3.enrollment,
                kind="guideline_breach",
                severity="low",
                evidence=f"Case {n}",
                opened_by=admin,
            )
            for n in range(10)
        )

    for query in ({"sort": "-severity"}, {"sort": "brand", "q": "a"}, {"format": "csv"}):
        response = assert_constant_queries(
            lambda q=query: client.get(url(cases3, "case_list"), q), grow=grow
        )
        assert response.status_code == 200
        grow = lambda: None  # noqa: E731 - grown once; later shapes compare equal row counts
