"""The payout list in a big org (#18): totals kept by the database, the creator field searched
as you type (no dropdown of every creator), the API paged by cursor."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Sum

from organizations.roles import Role
from payments import ledger
from payments.models import Payout, PayoutState, PayoutTotal
from payments.payouts import selectors
from tests.conftest import World, confirm_and_launch, login_client
from tests.helpers import assert_constant_queries
from tests.payments.test_payouts import both_launched, list_url, new_payout, pay

__all__ = ["both_launched"]  # a fixture, used by name


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def kept(org: Any) -> dict[tuple[str, str], tuple[int, Decimal]]:
    return {
        (t.currency, t.state): (t.count, t.amount)
        for t in PayoutTotal.objects.filter(organization=org)
        if t.count
    }


def counted(org: Any) -> dict[tuple[str, str], tuple[int, Decimal]]:
    rows = (
        Payout.objects.filter(organization=org)
        .values("currency", "state")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    return {(r["currency"], r["state"]): (r["n"], r["total"]) for r in rows}


def test_the_database_keeps_the_totals_through_every_move(both_launched: World) -> None:
    world = both_launched
    org = world.cast.org
    first = new_payout(world, "100.00", "a")
    new_payout(world, "50.00", "b")
    assert kept(org) == counted(org) == {(first.currency, "earned"): (2, Decimal("150.00"))}
    pay(new_payout(world, "30.00", "c", enrollment=world.other_enrollment))
    ledger.payout_move(payout=first, target=PayoutState.ON_HOLD, hold_reason="Check the tax form")
    # A change that moves no payout between states writes nothing and keeps the totals.
    Payout.objects.filter(pk=first.pk).update(explanation="Corrected")
    assert kept(org) == counted(org)
    assert kept(org)[(first.currency, "paid")] == (1, Decimal("30.00"))
    assert kept(org)[(first.currency, "on_hold")] == (1, Decimal("100.00"))


def test_the_list_reads_the_kept_totals_unless_filtered_by_more_than_state(
    both_launched: World,
) -> None:
    world = both_launched
    first = new_payout(world, "100.00", "a")
    pay(new_payout(world, "30.00", "c", enrollment=world.other_enrollment))
    client = world.cast.client_for(Role.BSM)
    page = client.get(list_url(world))
    totals = {(t.currency, t.state): (t.count, t.amount) for t in page.context["totals"]}
    assert totals == {
        (first.currency, "earned"): (1, Decimal("100.00")),
        (first.currency, "paid"): (1, Decimal("30.00")),
    }
    paid = client.get(list_url(world), {"state": "paid"}).context["totals"]
    assert [(t.state, t.count) for t in paid] == [("paid", 1)]
    mine = client.get(list_url(world), {"creator": world.creator.pk}).context["totals"]
    assert [(t.state, t.amount) for t in mine] == [("earned", Decimal("100.00"))]


def test_the_list_costs_the_same_queries_with_more_creators_and_payouts(
    both_launched: World,
) -> None:
    from tests.factories import CreatorProfileFactory

    world = both_launched
    client = world.cast.client_for(Role.ADMIN)
    new_payout(world, "10.00", "seed")

    def grow() -> None:
        for n in range(20):
            CreatorProfileFactory(organization=world.cast.org, display_name=f"Extra {n}")
            new_payout(world, "10.00", f"more-{n}")

    response = assert_constant_queries(lambda: client.get(list_url(world)), grow=grow)
    # No dropdown of every creator: the creator field is a search box.
    html = response.content.decode()
    assert 'name="creator_name"' in html and 'type="search"' in html
    assert "Extra 19" not in html


def search_url(world: World) -> str:
    return f"{list_url(world)}creators/"


def test_the_creator_field_suggests_matching_creators_as_links(both_launched: World) -> None:
    world = both_launched
    new_payout(world, "100.00", "a")
    client = world.cast.client_for(Role.ISM)
    name = world.creator.display_name
    picks = client.get(search_url(world), {"creator_name": name[:3].lower(), "state": "earned"})
    assert picks.status_code == 200
    html = picks.content.decode()
    assert f'data-creator="{world.creator.pk}"' in html
    assert f"creator={world.creator.pk}" in html and "state=earned" in html
    assert world.other_creator.display_name not in html or name[:3] in (
        world.other_creator.display_name
    )
    none = client.get(search_url(world), {"creator_name": "zzzz-nobody"}).content.decode()
    assert "No creator matches" in none
    assert client.get(search_url(world), {"creator_name": ""}).content.decode().strip() == ""


def test_picking_a_creator_filters_the_list_and_names_them_on_the_chip(
    both_launched: World,
) -> None:
    world = both_launched
    mine = new_payout(world, "100.00", "a")
    new_payout(world, "30.00", "c", enrollment=world.other_enrollment)
    client = world.cast.client_for(Role.BSM)
    page = client.get(list_url(world), {"creator": world.creator.pk})
    assert [row.record.pk for row in page.context["listing"].page.object_list] == [mine.pk]
    chips = {(chip.label, chip.value) for chip in page.context["listing"].chips}
    assert ("Creator", world.creator.display_name) in chips
    assert client.get(list_url(world), {"creator": "1.5"}).status_code == 400
    # A pick keeps the name in the field (the link carries both): one chip, not two.
    name = world.creator.display_name
    page = client.get(list_url(world), {"creator": world.creator.pk, "creator_name": name})
    assert [(c.label, c.value) for c in page.context["listing"].chips] == [("Creator", name)]


def test_the_creator_field_filters_by_name_without_js(both_launched: World) -> None:
    world = both_launched
    mine = new_payout(world, "100.00", "a")
    new_payout(world, "30.00", "c", enrollment=world.other_enrollment)
    client = world.cast.client_for(Role.BSM)
    page = client.get(list_url(world), {"creator_name": world.creator.display_name})
    assert [row.record.pk for row in page.context["listing"].page.object_list] == [mine.pk]


def test_the_creator_search_is_the_orgs_and_a_payout_viewers(both_launched: World) -> None:
    world = both_launched
    assert world.cast.client_for(Role.ANALYST).get(search_url(world)).status_code == 403
    outsider = login_client(world.cast.outsider.user)
    assert outsider.get(search_url(world), {"creator_name": "a"}).status_code == 404
    found = selectors.creator_search(
        organization=world.cast.outsider_org, text=world.creator.display_name
    )
    assert found == []


def test_the_api_pages_payouts_by_cursor_in_list_order(both_launched: World) -> None:
    world = both_launched
    made = [new_payout(world, f"{10 + n}.00", f"p{n}") for n in range(5)]
    client = world.cast.client_for(Role.ISM)
    url: str | None = f"/api/v1/orgs/{world.cast.org.slug}/payouts/?limit=2"
    seen: list[int] = []
    while url:
        body = client.get(url).json()
        assert "count" not in body and len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = sorted(made, key=lambda p: (p.earned_at, p.pk), reverse=True)
    assert seen == [p.pk for p in expected]
    base = f"/api/v1/orgs/{world.cast.org.slug}/payouts/"
    assert client.get(base, {"offset": "2"}).status_code == 400
    assert client.get(base, {"cursor": "not-a-cursor"}).status_code == 400
    assert client.get(base, {"limit": "x"}).status_code == 400


def test_the_portal_pages_the_creators_payouts(launched: World) -> None:
    for n in range(52):
        new_payout(launched, "10.00", f"p{n}")
    client = launched.creator_client()
    first = client.get("/portal/payouts/")
    assert len(first.context["payouts"].object_list) == 50
    assert "?page=2" in first.content.decode()
    assert len(client.get("/portal/payouts/", {"page": "2"}).context["payouts"].object_list) == 2
