"""The payout list as a table: sorting on every sortable column, search, filters (a bad one is
a 400), the CSV of exactly the filtered rows, and holding or releasing many payouts at once."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from influencer_ops.models import AuditEvent
from organizations.roles import Role
from payments import ledger
from payments.models import LedgerTransaction, Payout, PayoutState
from payments.payouts.tables import PayoutTable
from tests.conftest import World, confirm_and_launch, login_client, make_payout
from tests.helpers import assert_constant_queries


@pytest.fixture
def world3(world: World) -> World:
    """Both enrollments confirmed and launched, three payouts that differ in every column."""
    from programs.recruiting import services as recruiting

    confirm_and_launch(world)
    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=world.other_enrollment, target=state, actor=admin)
    world.other_enrollment.refresh_from_db()
    make_payout(world, "100.00", "a")
    make_payout(world, "50.00", "b")
    paid = make_payout(world, "30.00", "c", enrollment=world.other_enrollment)
    for target in (PayoutState.SCHEDULED, PayoutState.PROCESSING):
        paid = ledger.payout_move(payout=paid, target=target)
    ledger.payout_move(payout=paid, target=PayoutState.PAID, paid_at=timezone.now())
    return world


def url(world: World, suffix: str = "") -> str:
    return f"/orgs/{world.cast.org.slug}/payments/payouts/{suffix}"


def listed(response: Any) -> list[Payout]:
    return [row.record for row in response.context["listing"].page.object_list]


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


SORTABLE = [name for name, column in PayoutTable.base_columns.items() if column.orderable]


def test_every_sortable_column_is_whitelisted_and_listed() -> None:
    assert set(SORTABLE) == {
        "id", "amount", "currency", "creator", "program", "reason", "state",
        "earned_at", "expected_on", "paid_at", "run",
    }  # fmt: skip


@pytest.mark.parametrize("column", SORTABLE)
def test_each_sortable_column_sorts_both_ways_with_the_id_breaking_ties(
    world3: World, column: str
) -> None:
    client = world3.cast.client_for(Role.BSM)
    key = {
        "id": lambda p: (p.pk,),
        "amount": lambda p: (p.amount, p.pk),
        "currency": lambda p: (p.currency, p.pk),
        "creator": lambda p: (p.creator.display_name, p.pk),
        "program": lambda p: (p.enrollment.program.name, p.pk),
        "reason": lambda p: (p.reason, p.pk),
        "state": lambda p: (p.state, p.pk),
        "earned_at": lambda p: (p.earned_at, p.pk),
        "expected_on": lambda p: (p.expected_on is None, p.expected_on or 0, p.pk),
        "paid_at": lambda p: (p.paid_at is None, p.paid_at or 0, p.pk),
        "run": lambda p: (p.run_id is None, p.run_id or 0, p.pk),
    }[column]
    everything = list(Payout.objects.select_related("creator", "enrollment__program"))
    up = client.get(url(world3), {"sort": column})
    assert up.status_code == 200
    assert [p.pk for p in listed(up)] == [p.pk for p in sorted(everything, key=key)]
    down = client.get(url(world3), {"sort": f"-{column}"})
    # Descending flips every key, the id too (PostgreSQL puts NULLs first then).
    assert [p.pk for p in listed(down)] == [p.pk for p in sorted(everything, key=key)][::-1]
    assert f'aria-sort="{"ascending"}"' in up.content.decode()


def test_an_unknown_sort_key_is_ignored(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    plain = client.get(url(world3))
    for bad in ("password", "creator__user__password", "-select", "explanation"):
        response = client.get(url(world3), {"sort": bad})
        assert response.status_code == 200
        assert listed(response) == listed(plain)


def test_search_finds_by_creator_name_email_program_and_number(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    other = world3.other_creator
    by_name = listed(client.get(url(world3), {"q": other.display_name[:4].upper()}))
    assert {p.creator_id for p in by_name} == {other.pk}
    by_email = listed(client.get(url(world3), {"q": other.email}))
    assert {p.creator_id for p in by_email} == {other.pk}
    assert len(listed(client.get(url(world3), {"q": world3.program.name}))) == 3
    one = Payout.objects.order_by("pk").first()
    assert one is not None
    assert [p.pk for p in listed(client.get(url(world3), {"q": f"#{one.pk}"}))] == [one.pk]
    nothing = client.get(url(world3), {"q": "no such creator"})
    assert listed(nothing) == []
    assert "No payouts match these filters." in nothing.content.decode()


def test_filters_combine_and_show_only_matching_rows(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    earned = listed(client.get(url(world3), {"state": "earned", "creator": world3.creator.pk}))
    assert sorted(p.amount for p in earned) == [Decimal("50.00"), Decimal("100.00")]
    assert listed(client.get(url(world3), {"state": "paid", "creator": world3.creator.pk})) == []


def test_the_delayed_filter_lists_only_flagged_payouts(world3: World) -> None:
    """The home's "delayed payouts" link opens this filter: the rows must be the same payouts."""
    late = Payout.objects.filter(organization=world3.cast.org).order_by("pk").first()
    assert late is not None
    Payout.objects.filter(pk=late.pk).update(delayed_at=timezone.now())
    client = world3.cast.client_for(Role.BSM)
    assert listed(client.get(url(world3), {"delayed": "yes"})) == [late]
    assert len(listed(client.get(url(world3)))) > 1


@pytest.mark.parametrize(
    "query",
    [
        {"state": "nope"},
        {"program": "999999"},
        {"creator": "x"},
        {"reason": "bonus!"},
        {"delayed": "maybe"},
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_field(world3: World, query: dict) -> None:
    response = world3.cast.client_for(Role.BSM).get(url(world3), query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert listed(response) == []


def test_the_page_has_a_filter_form_that_applies_on_change_and_an_apply_button(
    world3: World,
) -> None:
    html = world3.cast.client_for(Role.BSM).get(url(world3)).content.decode()
    assert 'hx-trigger="change' in html and 'hx-push-url="true"' in html
    assert '<button type="submit">Apply</button>' in html
    assert 'data-label="State"' in html and 'data-label="Expected"' in html


def test_csv_holds_exactly_the_filtered_rows_in_the_chosen_order(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    response = client.get(url(world3), {"state": "earned", "sort": "-amount", "format": "csv"})
    rows = csv_rows(response)
    expected = Payout.objects.filter(state="earned").order_by("-amount", "-id")
    assert [r["Payout"] for r in rows] == [str(p.pk) for p in expected]
    assert [r["Amount"] for r in rows] == ["100.00", "50.00"]
    assert rows[0]["State"] == "Earned" and rows[0]["Creator"] == world3.creator.display_name
    assert "Select" not in rows[0]  # the checkboxes stay on the page
    assert "attachment" in response["Content-Disposition"]
    everything = csv_rows(client.get(url(world3), {"format": "csv"}))
    assert len(everything) == 3
    paid = next(r for r in everything if r["State"] == "Paid")
    assert paid["Paid"]  # a date-time, not HTML
    assert "<" not in response.content.decode()


def test_csv_neutralises_formulas_in_names(world3: World) -> None:
    world3.other_creator.display_name = "=HYPERLINK(1)"
    world3.other_creator.save(update_fields=["display_name"])
    client = world3.cast.client_for(Role.BSM)
    rows = csv_rows(client.get(url(world3), {"format": "csv", "state": "paid"}))
    assert rows[0]["Creator"] == "'=HYPERLINK(1)"


def test_a_bad_filter_never_exports(world3: World) -> None:
    response = world3.cast.client_for(Role.BSM).get(url(world3), {"state": "x", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_list_and_its_csv_run_constant_queries(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)

    def grow() -> None:
        for n in range(12):
            enrollment = world3.enrollment if n % 2 else world3.other_enrollment
            make_payout(world3, "10.00", f"grow-{n}", enrollment=enrollment)

    for query in ({"sort": "program"}, {"q": "o", "sort": "-creator"}, {"format": "csv"}):
        response = assert_constant_queries(lambda q=query: client.get(url(world3), q), grow=grow)
        assert response.status_code == 200
        grow = lambda: None  # noqa: E731 - grown once; the next shapes compare 15 rows to 15


def test_pages_hold_at_most_50_rows_and_per_page_is_ignored(world3: World) -> None:
    for n in range(50):
        make_payout(world3, "1.00", f"page-{n}")
    client = world3.cast.client_for(Role.BSM)
    first = client.get(url(world3), {"per_page": "500"})
    assert len(listed(first)) == 50
    second = client.get(url(world3), {"page": "2"})
    assert len(listed(second)) == 3
    assert client.get(url(world3), {"page": "99"}).status_code == 200


# --- bulk hold / release ---


def held_ids(world: World) -> list[int]:
    return sorted(Payout.objects.filter(state=PayoutState.ON_HOLD).values_list("pk", flat=True))


def earned_ids() -> list[int]:
    return sorted(Payout.objects.filter(state=PayoutState.EARNED).values_list("pk", flat=True))


def test_bsm_holds_many_payouts_with_one_reason_and_releases_them(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    ids = earned_ids()
    response = client.post(
        url(world3, "bulk/?state=earned"),
        {"action": "hold", "reason": "Tax form missing", "payout": ids},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/payments/payouts/?state=earned")
    assert held_ids(world3) == ids
    assert set(Payout.objects.filter(pk__in=ids).values_list("hold_reason", flat=True)) == {
        "Tax form missing"
    }
    assert AuditEvent.objects.filter(verb="payout.on_hold").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "2 payouts put on hold" in page
    released = client.post(url(world3, "bulk/"), {"action": "release", "payout": ids})
    assert released.status_code == 302
    assert held_ids(world3) == []
    assert earned_ids() == ids


def test_a_hold_needs_a_reason_and_rows(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    ids = earned_ids()
    before = LedgerTransaction.objects.count()
    no_reason = client.post(url(world3, "bulk/"), {"action": "hold", "reason": " ", "payout": ids})
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.content.decode()
    no_rows = client.post(url(world3, "bulk/"), {"action": "hold", "reason": "Why"})
    assert no_rows.status_code == 400
    assert "Tick at least one payout." in no_rows.content.decode()
    junk = client.post(url(world3, "bulk/"), {"action": "hold", "reason": "W", "payout": ["x"]})
    assert junk.status_code == 400
    bad_action = client.post(url(world3, "bulk/"), {"action": "cancel", "payout": ids})
    assert bad_action.status_code == 400
    assert held_ids(world3) == [] and LedgerTransaction.objects.count() == before


def test_one_refused_row_refuses_all_and_is_reported(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    paid = Payout.objects.get(state=PayoutState.PAID)
    ids = [*earned_ids(), paid.pk]
    before = LedgerTransaction.objects.count()
    response = client.post(url(world3, "bulk/"), {"action": "hold", "reason": "Why", "payout": ids})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was changed" in html and f"#{paid.pk}" in html
    assert held_ids(world3) == [] and LedgerTransaction.objects.count() == before
    # Releasing payouts that are not held: refused, each one listed.
    refused = client.post(url(world3, "bulk/"), {"action": "release", "payout": earned_ids()})
    assert refused.status_code == 409
    assert all(f"#{pk}" in refused.content.decode() for pk in earned_ids())


@pytest.mark.parametrize("role", [Role.ISM, Role.APPROVER, Role.ANALYST, Role.BRAND_MANAGER])
def test_bulk_actions_require_a_payout_manager(world3: World, role: str) -> None:
    client = world3.cast.client_for(role)
    response = client.post(
        url(world3, "bulk/"), {"action": "hold", "reason": "Why", "payout": earned_ids()}
    )
    assert response.status_code == 403
    assert held_ids(world3) == []


def test_the_ism_sees_no_checkboxes_and_the_admin_does(world3: World) -> None:
    ism = world3.cast.client_for(Role.ISM).get(url(world3)).content.decode()
    assert 'name="payout"' not in ism and "bulk-form" not in ism
    admin = world3.cast.client_for(Role.ADMIN).get(url(world3)).content.decode()
    assert admin.count('name="payout"') == 3 and 'id="bulk-form"' in admin


def test_another_orgs_ids_are_a_404_and_nothing_is_written(world3: World) -> None:
    outsider = login_client(world3.cast.outsider.user)
    own = f"/orgs/{world3.cast.outsider_org.slug}/payments/payouts/bulk/"
    ids = earned_ids()
    before = LedgerTransaction.objects.count()
    response = outsider.post(own, {"action": "hold", "reason": "Why", "payout": ids})
    assert response.status_code == 404
    assert (
        outsider.post(url(world3, "bulk/"), {"action": "release", "payout": ids}).status_code == 404
    )
    # Our own manager with one id that is not ours among ours: 404, nothing held.
    mixed = [*ids, max(ids) + 1000]
    client = world3.cast.client_for(Role.BSM)
    response = client.post(url(world3, "bulk/"), {"action": "hold", "reason": "W", "payout": mixed})
    assert response.status_code == 404
    assert held_ids(world3) == [] and LedgerTransaction.objects.count() == before


def test_bulk_is_post_only(world3: World) -> None:
    assert world3.cast.client_for(Role.BSM).get(url(world3, "bulk/")).status_code == 405


def test_applied_filters_show_as_chips_that_remove_themselves(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    response = client.get(url(world3), {"state": "paid", "q": "glow", "sort": "amount"})
    chips = {(c.label, c.value): c.remove_query for c in response.context["listing"].chips}
    assert chips == {
        ("State", "Paid"): "q=glow&sort=amount",
        ("Search", "glow"): "state=paid&sort=amount",
    }
    html = response.content.decode()
    assert 'aria-label="Remove the filter State: Paid"' in html
    assert client.get(url(world3)).context["listing"].chips == []


def test_a_chip_names_the_chosen_program_and_odd_pages_fall_back(world3: World) -> None:
    client = world3.cast.client_for(Role.BSM)
    response = client.get(url(world3), {"program": world3.program.pk})
    assert [(c.label, c.value) for c in response.context["listing"].chips] == [
        ("Program", world3.program.name)
    ]
    for page in ("²", "0", "-1", "9" * 30, "abc"):
        assert client.get(url(world3), {"page": page}).status_code == 200, page
