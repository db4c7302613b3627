"""The three ways in: the API (single and bulk), the CSV import page, the signed Shopify
webhook; the settings page with the secret; discount codes on the enrollment page."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commerce.commission.services import settings_for
from commerce.models import Commission, DiscountCode, Order, OrderRefund
from commerce.shopify import sign
from organizations.roles import Role
from tests.commerce.helpers import Shop, build_shop
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(world: World) -> Shop:
    return build_shop(world)


def _api(shop: Shop, role: str = Role.ADMIN) -> Client:
    return shop.world.cast.client_for(role)


def _order(order_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": order_id,
        "placed_at": "2026-01-01T10:00:00Z",
        "currency": "USD",
        "gross_value": "120.00",
        "net_value": "100.00",
        **fields,
    }


def _url(shop: Shop, tail: str = "") -> str:
    return f"/api/v1/orgs/{shop.org.slug}/orders/{tail}"


def test_the_api_takes_one_order_or_a_list_idempotently(shop: Shop) -> None:
    client = _api(shop)
    placed = shop.world.enrollment.accepted_at.isoformat()
    one = _order("a1", placed_at=placed, attribution_id=shop.link.code)
    answer = client.post(_url(shop), one, content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json() == {"created": 1, "unchanged": 0}
    again = client.post(_url(shop), [one, _order("a2")], content_type="application/json")
    assert again.status_code == 201 and again.json() == {"created": 1, "unchanged": 1}
    assert client.post(_url(shop), one, content_type="application/json").status_code == 200
    listed = client.get(_url(shop)).json()
    rows = {row["id"]: row for row in listed["results"]}
    assert rows["a1"]["commission"]["amount"] == "11.00"
    assert rows["a2"]["unattributed_reason"] == "no_reference"


def test_the_orders_list_pages_by_cursor_newest_first_without_a_count(shop: Shop) -> None:
    client = _api(shop)
    batch = [_order(f"c{n}", placed_at=f"2026-01-0{n + 1}T10:00:00Z") for n in range(5)]
    assert client.post(_url(shop), batch, content_type="application/json").status_code == 201
    first = client.get(_url(shop), {"limit": 2}).json()
    assert "count" not in first and [row["id"] for row in first["results"]] == ["c4", "c3"]
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == ["c2", "c1"]
    refused = client.get(_url(shop), {"offset": 2})
    assert refused.status_code == 400 and "cursor" in refused.json()["offset"][0]


def test_the_api_refuses_bad_values_with_each_item_named_and_stores_nothing(shop: Shop) -> None:
    client = _api(shop)
    batch = [_order("b1"), _order("b2", gross_value="-3"), _order("b3", net_value="x")]
    answer = client.post(_url(shop), batch, content_type="application/json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"1", "2"}
    assert not Order.objects.filter(source_order_id__startswith="b").exists()
    floats = client.post(
        _url(shop), _order("b4", gross_value=12.5), content_type="application/json"
    )
    assert floats.status_code == 400
    too_many = [_order(f"m{n}") for n in range(501)]
    assert client.post(_url(shop), too_many, content_type="application/json").status_code == 400


def test_the_api_answers_409_for_an_id_with_other_content(shop: Shop) -> None:
    client = _api(shop)
    client.post(_url(shop), _order("c1"), content_type="application/json")
    answer = client.post(
        _url(shop), _order("c1", gross_value="121.00"), content_type="application/json"
    )
    assert answer.status_code == 409


def test_refunds_through_the_api_and_the_cumulative_refusal(shop: Shop) -> None:
    client = _api(shop)
    client.post(_url(shop), _order("r1"), content_type="application/json")
    refund = {"order_id": "r1", "id": "x1", "amount": "100.00", "refunded_at": "2026-01-02"}
    assert (
        client.post(_url(shop, "refunds/"), refund, content_type="application/json").status_code
        == 201
    )
    bigger = {**refund, "id": "x2", "amount": "20.01"}
    answer = client.post(_url(shop, "refunds/"), bigger, content_type="application/json")
    assert answer.status_code == 400 and "more than its value" in answer.json()["detail"]
    assert OrderRefund.objects.count() == 1


def test_roles_without_the_capability_are_refused(shop: Shop) -> None:
    analyst = _api(shop, Role.ANALYST)
    assert analyst.post(_url(shop), _order("z"), content_type="application/json").status_code == 403
    ism = _api(shop, Role.ISM)
    assert ism.post(_url(shop), _order("z"), content_type="application/json").status_code == 403
    assert ism.get(_url(shop)).status_code == 200


def test_the_csv_import_is_all_or_nothing(shop: Shop) -> None:
    client = _api(shop, Role.BSM)
    url = reverse("orders_import", kwargs={"org_slug": shop.org.slug})
    assert client.get(url).status_code == 200
    bad = "order_id,placed_at,currency,gross_value\n1,2026-01-01,USD,10\n2,2026-01-01,USD,-1\n"
    answer = client.post(url, {"text": bad})
    assert answer.status_code == 400 and not Order.objects.exists()
    assert '<th scope="row">3</th>' in answer.content.decode()  # the bad row, by its line
    good = (
        "order_id,placed_at,currency,gross_value,net_value,attribution_id\n"
        f"1,{shop.world.enrollment.accepted_at.isoformat()},USD,10.00,10.00,{shop.link.code}\n"
        "2,2026-01-01,USD,10.00,,\n"
    )
    assert client.post(url, {"text": good}).status_code == 302
    assert client.post(url, {"text": good}).status_code == 302  # the same file: nothing new
    assert Order.objects.filter(source="csv").count() == 2
    assert Commission.objects.count() == 1


# --- the Shopify webhook ---


def _shopify_order(order_id: int, shop: Shop, **fields: Any) -> bytes:
    payload = {
        "id": order_id,
        "created_at": shop.world.enrollment.accepted_at.isoformat(),
        "currency": "USD",
        "total_price": "130.00",
        "subtotal_price": "100.00",
        "discount_codes": [],
        "note_attributes": [],
        "landing_site": f"/products/serum?utm_source=influencer&io_ref={shop.link.code}",
        **fields,
    }
    return json.dumps(payload).encode()


def _post(shop: Shop, topic: str, body: bytes, signature: str | None = None) -> Any:
    secret = settings_for(organization_id=shop.org.pk).shopify_secret
    headers = {"HTTP_X_SHOPIFY_HMAC_SHA256": signature or sign(secret, body)}
    return Client().post(
        f"/hooks/shopify/{shop.org.slug}/{topic}", body, content_type="application/json", **headers
    )


def test_a_signed_shopify_order_is_attributed_by_its_landing_site(shop: Shop) -> None:
    answer = _post(shop, "orders", _shopify_order(5001, shop))
    assert answer.status_code == 201, answer.content
    order = Order.objects.get(source="shopify", source_order_id="5001")
    assert order.enrollment == shop.world.enrollment
    assert order.gross_value == Decimal("130.00") and order.net_value == Decimal("100.00")
    # Shopify retries until it gets a 2xx: the same delivery again is a 200, stored once.
    assert _post(shop, "orders", _shopify_order(5001, shop)).status_code == 200
    assert Order.objects.filter(source="shopify").count() == 1


def test_a_bad_signature_is_401_and_stores_nothing(shop: Shop) -> None:
    body = _shopify_order(5002, shop)
    assert _post(shop, "orders", body, signature="AAAA").status_code == 401
    other = sign("not-the-secret", body)
    assert _post(shop, "orders", body, signature=other).status_code == 401
    unsigned = Client().post(
        f"/hooks/shopify/{shop.org.slug}/orders", body, content_type="application/json"
    )
    assert unsigned.status_code == 401
    assert not Order.objects.exists()


def test_a_rotated_secret_refuses_the_old_signature(shop: Shop) -> None:
    body = _shopify_order(5003, shop)
    old = sign(settings_for(organization_id=shop.org.pk).shopify_secret, body)
    admin = _api(shop)
    url = reverse("commerce_settings", kwargs={"org_slug": shop.org.slug})
    page = admin.get(url)
    assert page.status_code == 200 and b"/hooks/shopify/" in page.content
    assert admin.post(url, {"action": "rotate"}).status_code == 302
    assert _post(shop, "orders", body, signature=old).status_code == 401
    assert _post(shop, "orders", body).status_code == 201


def test_a_shopify_refund_and_a_note_attribute_and_a_code(shop: Shop) -> None:
    DiscountCode.objects.create(
        organization=shop.org, enrollment=shop.world.enrollment, code="CARA10"
    )
    body = _shopify_order(
        5004, shop, landing_site="/", discount_codes=[{"code": "cara10", "amount": "5.00"}]
    )
    assert _post(shop, "orders", body).status_code == 201
    assert Order.objects.get(source_order_id="5004").attributed_via == "code"
    refund = {
        "id": 77,
        "order_id": 5004,
        "created_at": shop.world.enrollment.accepted_at.isoformat(),
        "transactions": [{"kind": "refund", "status": "success", "amount": "130.00"}],
    }
    assert _post(shop, "refunds", json.dumps(refund).encode()).status_code == 201
    commission = Commission.objects.get(order__source_order_id="5004")
    assert commission.state == "reversed"
    assert _post(shop, "refunds", json.dumps(refund).encode()).status_code == 200


def test_the_settings_page_is_for_admins_and_saves_the_clawback_policy(shop: Shop) -> None:
    url = reverse("commerce_settings", kwargs={"org_slug": shop.org.slug})
    assert _api(shop, Role.BSM).get(url).status_code == 403
    admin = _api(shop)
    assert admin.post(url, {"action": "settings", "clawback_commissions": "on"}).status_code == 302
    assert settings_for(organization_id=shop.org.pk).clawback_commissions


def test_discount_codes_on_the_enrollment_page(shop: Shop) -> None:
    bsm = _api(shop, Role.BSM)
    slug, pk = shop.org.slug, shop.world.enrollment.pk
    add = reverse("discount_code_add", kwargs={"org_slug": slug, "pk": pk})
    assert bsm.post(add, {"code": "glow15"}).status_code == 302
    code = DiscountCode.objects.get()
    assert code.code == "GLOW15"
    page = bsm.get(reverse("enrollment_detail", kwargs={"org_slug": slug, "pk": pk}))
    assert b"GLOW15" in page.content
    other = reverse(
        "discount_code_add", kwargs={"org_slug": slug, "pk": shop.world.other_enrollment.pk}
    )
    bsm.post(other, {"code": "GLOW15"})  # taken in the org: refused with a message
    assert DiscountCode.objects.count() == 1
    off = reverse(
        "discount_code_deactivate", kwargs={"org_slug": slug, "pk": pk, "code_pk": code.pk}
    )
    assert bsm.post(off).status_code == 302
    code.refresh_from_db()
    assert not code.active


def test_the_order_endpoints_are_in_the_openapi_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("orders/", "orders/refunds/", "orders/import/", "discount-codes/"):
        assert f"/api/v1/orgs/{{org_slug}}/{path}" in paths, path
    assert "post" in paths["/api/v1/orgs/{org_slug}/orders/"]
