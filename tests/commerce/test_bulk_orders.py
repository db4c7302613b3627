"""Large batches: orders and commissions travel by COPY (``commerce.bulk.COPY_FROM`` rows on),
with the same rules as a small batch; replays and new orders mixed; COPY's escaping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from commerce import bulk
from commerce.models import Commission, Order, UnattributedReason
from commerce.orders import services as orders
from commerce.orders.inputs import OrderIn, _hash
from influencer_ops.audit import AuditVerb
from influencer_ops.incoming import copy_lines, incoming
from influencer_ops.models import AuditEvent
from tests.commerce.helpers import Shop, build_shop
from tests.conftest import World

pytestmark = pytest.mark.django_db

ODD = ["back\\slash", "\\N", "tab\there", "new\nline", "ünïcode ✓", "", "a\\\\b\r"]


@pytest.fixture
def shop(world: World) -> Shop:
    return build_shop(world)


def _batch(shop: Shop, prefix: str, count: int) -> list[OrderIn]:
    accepted = shop.world.enrollment.accepted_at
    return [
        OrderIn(
            f"{prefix}\\{n}",  # a backslash COPY must escape
            accepted + timedelta(seconds=n + 1),
            "USD",
            Decimal("120.00"),
            Decimal(f"{100 + n}.00"),
            "",
            shop.link.code if n % 2 == 0 else ("ünknown\\N" if n % 4 == 1 else ""),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("text", [*ODD, 'quo"te', "\u2028", "emoji 😀", "\x00\x1f"])
def test_the_content_hash_is_the_sha256_of_the_sorted_json_as_before(text: str) -> None:
    """Stored hashes were ``_hash`` of the dict: a replay must still match them."""
    placed = datetime(2026, 5, 1, 14, 30, 15, 123, tzinfo=timezone(timedelta(hours=-7)))
    item = OrderIn(text, placed, "USD", Decimal("12.50"), Decimal("10"), text.upper(), text)
    before = _hash(
        {
            "id": item.source_order_id,
            "placed_at": item.placed_at.astimezone(UTC).isoformat(),
            "currency": item.currency,
            "gross_value": str(item.gross_value),
            "net_value": str(item.net_value),
            "discount_code": item.discount_code,
            "attribution_id": item.attribution_id,
        }
    )
    assert item.content_hash == before


def test_copy_lines_escape_text_and_write_nulls_booleans_and_moments() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    lines = copy_lines(
        ["text", "bigint", "boolean", "timestamptz", "numeric"],
        [("a\\b\tc\nd\re", None, True, at, Decimal("1.50")), ("\\N", 7, False, None, None)],
    )
    assert lines == (
        "a\\\\b\\tc\\nd\\re\t\\N\tt\t2026-01-02T03:04:05.000006+00:00\t1.50\n"
        "\\\\N\t7\tf\t\\N\t\\N\n"
    )


@pytest.mark.parametrize("copy_from", [1, 10_000])
def test_incoming_rows_read_back_the_same_by_copy_and_by_arrays(copy_from: int) -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    rows = [(n, text, n % 2 == 0, at, None) for n, text in enumerate(ODD)]
    columns = [("n", "bigint"), ("t", "text"), ("b", "boolean"), ("at", "timestamptz")]
    columns.append(("x", "numeric"))
    with transaction.atomic(), connection.cursor() as cursor:
        source, params = incoming(cursor, "test_incoming", columns, rows, copy_from=copy_from)
        assert (params == []) == (copy_from == 1)
        cursor.execute(f"SELECT n, t, b, at, x FROM {source} ORDER BY n", params)
        assert [tuple(row) for row in cursor.fetchall()] == rows


def test_a_large_batch_goes_by_copy_with_the_same_attribution_and_commission(
    shop: Shop,
) -> None:
    count = bulk.COPY_FROM * 2 + 10  # more than COPY_FROM commissions (half of the orders) too
    batch = _batch(shop, "big", count)
    result = orders.orders_receive(organization=shop.org, source="api", orders=batch)
    assert len(result.created) == count and result.unchanged == []
    first = result.created[0]
    stored = Order.objects.get(pk=first.pk)
    fields = [f.attname for f in Order._meta.concrete_fields]
    assert [getattr(first, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert not first._state.adding and first.enrollment == shop.world.enrollment
    assert (first.source_order_id, stored.source_order_id) == ("big\\0", "big\\0")
    assert stored.enrollment_id == shop.world.enrollment.pk and stored.attributed_via == "link"
    assert stored.payload_hash == batch[0].content_hash and stored.placed_at == batch[0].placed_at
    assert first.received_at == stored.received_at and first.net_value == stored.net_value
    odd = Order.objects.get(source_order_id="big\\1")
    assert odd.attribution_id == "ünknown\\N"
    assert odd.unattributed_reason == UnattributedReason.UNKNOWN_LINK
    commissions = Commission.objects.filter(order__source_order_id__startswith="big")
    assert commissions.count() == (count + 1) // 2
    # 10 % of 100.00 + 1.00, due 14 days after the order
    assert Commission.objects.get(order=stored).amount == Decimal("11.00")
    assert Commission.objects.get(order=stored).pending_until == stored.placed_at + timedelta(14)
    event = AuditEvent.objects.get(verb=AuditVerb.ORDERS_RECEIVED)
    assert event.after["count"] == count and event.after["attributed"] == (count + 1) // 2


def test_a_batch_mixing_replays_and_new_orders_stores_only_the_new(shop: Shop) -> None:
    batch = _batch(shop, "mix", bulk.COPY_FROM + 20)
    old = orders.orders_receive(organization=shop.org, source="api", orders=batch[::2])
    again = orders.orders_receive(organization=shop.org, source="api", orders=batch)
    assert len(again.unchanged) == len(old.created) and len(again.created) == len(batch[1::2])
    assert [o.pk for o in again.unchanged] == [o.pk for o in old.created]
    assert {o.source_order_id for o in again.created} == {o.source_order_id for o in batch[1::2]}
    assert Order.objects.filter(source_order_id__startswith="mix").count() == len(batch)
    assert Commission.objects.filter(order__source_order_id__startswith="mix").count() == len(
        [o for o in batch if o.attribution_id == shop.link.code]
    )
    # One replay with other content among new ones: 409, nothing more stored.
    changed = [*_batch(shop, "more", 5), replace(batch[0], net_value=Decimal("1.00"))]
    with pytest.raises(orders.Conflict):
        orders.orders_receive(organization=shop.org, source="api", orders=changed)
    assert not Order.objects.filter(source_order_id__startswith="more").exists()


def test_replays_are_found_only_in_the_same_org_and_source(shop: Shop) -> None:
    batch = _batch(shop, "src", 3)
    orders.orders_receive(organization=shop.org, source="api", orders=batch)
    other = orders.orders_receive(organization=shop.org, source="csv", orders=batch)
    assert len(other.created) == 3 and other.unchanged == []
    # The test's scope sees every org: the query's own org filter is what keeps others out.
    assert orders._known(shop.org.pk, "csv", ["src\\0", "nope"]).keys() == {"src\\0"}
    assert orders._known(shop.org.pk + 1000, "csv", ["src\\0"]) == {}


def test_an_id_stored_meanwhile_fails_the_whole_statement_and_is_answered_as_a_replay(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request stores an id between our read and our insert: the unique constraint
    refuses the statement (orders and commissions alike), and the batch is read again."""
    batch = _batch(shop, "race", bulk.COPY_FROM + 10)
    orders.orders_receive(organization=shop.org, source="api", orders=batch[:1])
    real = orders._known
    calls = []

    def blind_once(*args: Any) -> Any:
        calls.append(args)
        return {} if len(calls) == 1 else real(*args)

    monkeypatch.setattr(orders, "_known", blind_once)
    result = orders.orders_receive(organization=shop.org, source="api", orders=batch)
    assert len(calls) == 2
    assert len(result.unchanged) == 1 and len(result.created) == len(batch) - 1
    assert Order.objects.filter(source_order_id__startswith="race").count() == len(batch)
    attributed = [o for o in batch if o.attribution_id == shop.link.code]
    assert Commission.objects.filter(order__source_order_id__startswith="race").count() == len(
        attributed
    )
