"""The creator list as a table: every sortable column, an unknown sort key, the CSV of the
filtered rows, a bad filter (400) and query counts with sorting and search."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from influencers import services
from influencers.models import CreatorProfile
from influencers.tables import CreatorTable
from organizations.roles import Role
from tests.conftest import Cast
from tests.helpers import assert_constant_queries
from tests.tables import assert_sorts_both_ways, csv_rows, listed, sortable

pytestmark = pytest.mark.django_db


def url(cast: Cast) -> str:
    return reverse("creator_list", kwargs={"org_slug": cast.org.slug})


def add(cast: Cast, name: str, email: str, milestone: int, audience: int, **kw: Any) -> Any:
    return services.creator_create(
        organization=cast.org,
        actor=cast.members[Role.ISM].user,
        display_name=name,
        email=email,
        click_milestone=milestone,
        handles=[{"platform": "instagram", "handle": name.split()[0], "audience_size": audience}],
        **kw,
    )


@pytest.fixture
def roster(cast: Cast) -> Cast:
    add(cast, "Bea Blue", "zed@example.test", 500, 300, categories=["food"])
    add(cast, "Abe Amber", "yan@example.test", 500, 9000, categories=["tech"])
    add(cast, "Cy Cyan", "amy@example.test", 100, 300, categories=["food"])
    return cast


def test_the_sortable_columns() -> None:
    assert set(sortable(CreatorTable)) == {
        "display_name", "email", "max_audience", "click_milestone",
    }  # fmt: skip


@pytest.mark.parametrize("column", sortable(CreatorTable))
def test_each_sortable_column_sorts_with_the_id_breaking_ties(roster: Cast, column: str) -> None:
    field = {"display_name": "display_name"}.get(column, column)
    creators = CreatorProfile.objects.filter(organization=roster.org)
    expected = list(creators.order_by(field, "id").values_list("pk", flat=True))
    assert_sorts_both_ways(roster.client_for(Role.ISM), url(roster), column, expected)


def test_sorting_means_what_it_says(roster: Cast) -> None:
    client = roster.client_for(Role.ISM)
    names = [c.display_name for c in listed(client.get(url(roster), {"sort": "-max_audience"}))]
    assert names[0] == "Abe Amber"
    by_mail = [c.email for c in listed(client.get(url(roster), {"sort": "email"}))]
    assert by_mail == sorted(by_mail)
    # Ties on the milestone (500, 500) keep the id order.
    tied = [c for c in listed(client.get(url(roster), {"sort": "-click_milestone"}))][:2]
    assert tied[0].pk > tied[1].pk


def test_an_unknown_sort_key_is_ignored(roster: Cast) -> None:
    client = roster.client_for(Role.ISM)
    plain = listed(client.get(url(roster)))
    for bad in ("internal_notes", "handles", "categories", "user__password"):
        response = client.get(url(roster), {"sort": bad})
        assert response.status_code == 200 and listed(response) == plain


@pytest.mark.parametrize("query", [{"category": "cooking"}, {"platform": "myspace"}])
def test_a_bad_filter_is_a_400(roster: Cast, query: dict) -> None:
    response = roster.client_for(Role.ISM).get(url(roster), query)
    assert response.status_code == 400
    assert listed(response) == []


def test_csv_holds_the_filtered_rows_in_order(roster: Cast) -> None:
    client = roster.client_for(Role.BSM)
    rows = csv_rows(
        client.get(url(roster), {"category": "food", "sort": "-display_name", "format": "csv"})
    )
    assert [r["Name"] for r in rows] == ["Cy Cyan", "Bea Blue"]
    assert rows[0]["E-mail"] == "amy@example.test"
    assert rows[0]["Categories"] == "Food" and rows[0]["Handles"] == "Instagram @Cy"
    assert rows[0]["Click milestone"] == "100" and rows[0]["Portal"] == "Not linked"
    searched = csv_rows(client.get(url(roster), {"q": "amber", "format": "csv"}))
    assert [r["Name"] for r in searched] == ["Abe Amber"]


def test_the_page_links_the_csv_of_what_is_filtered(roster: Cast) -> None:
    html = roster.client_for(Role.ISM).get(url(roster), {"category": "food"}).content.decode()
    assert 'href="?category=food&amp;format=csv"' in html
    assert "2 creators match the filters." in html


def test_sorted_and_searched_lists_run_constant_queries(roster: Cast) -> None:
    client = roster.client_for(Role.ISM)

    def grow() -> None:
        for n in range(10):
            add(roster, f"Grown {n}", f"g{n}@example.test", 200 + n, n, categories=["food"])

    response = assert_constant_queries(
        lambda: client.get(url(roster), {"q": "e", "sort": "-max_audience", "category": "food"}),
        grow=grow,
    )
    assert response.status_code == 200
