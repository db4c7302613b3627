"""The webhook API and pages: admins only (403 for other roles), another org's endpoint or
delivery a 404 with nothing written, SSRF refusals a 400, replay, and lists in constant
queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from influencer_ops.events import EventType, emit
from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from integrations.webhooks import services
from organizations.roles import Role
from tests.conftest import Cast
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

API = "/api/v1/orgs/{slug}/webhooks"


def api(cast: Cast, path: str = "endpoints/", slug: str = "northwind") -> str:
    return f"{API.format(slug=slug)}/{path}"


def page(cast: Cast, path: str = "") -> str:
    return f"/orgs/{cast.org.slug}/webhooks/{path}"


def endpoint_of(cast: Cast, **kw: Any) -> WebhookEndpoint:
    return services.endpoint_create(
        organization=kw.pop("org", cast.org),
        actor=cast.members[Role.ADMIN].user,
        url=kw.pop("url", "https://hooks.example.com/in"),
        events=kw.pop("events", [EventType.CASE_OPENED]),
    )


def delivery_of(cast: Cast, endpoint: WebhookEndpoint, org: Any = None) -> WebhookDelivery:
    emit(org or cast.org, EventType.CASE_OPENED, {"case_id": 1})
    return WebhookDelivery.objects.filter(endpoint=endpoint).latest("id")


# --- endpoints: CRUD ---


def test_an_admin_registers_reads_changes_rotates_and_deletes_an_endpoint(cast: Cast) -> None:
    admin = cast.client_for(Role.ADMIN)
    body = {"url": "https://hooks.example.com/a", "events": ["case.opened", "payout.paid"]}
    created = admin.post(api(cast), body, content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["events"] == ["payout.paid", "case.opened"]  # catalogue order
    assert len(data["secret"]) == 64 and data["state"] == "active"
    one = api(cast, f"endpoints/{data['id']}/")
    assert admin.get(one).json()["secret"] == data["secret"]
    changed = admin.patch(
        one, {"state": "paused", "description": "CRM"}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["state"] == "paused"
    rotated = admin.post(one + "rotate-secret/")
    assert rotated.status_code == 200 and rotated.json()["secret"] != data["secret"]
    assert admin.get(api(cast)).json()["count"] == 1
    assert admin.delete(one).status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://hooks.example.com/a", "events": []}, "events"),
        ({"url": "https://hooks.example.com/a", "events": ["nope"]}, "events"),
        ({"url": "not a url", "events": ["case.opened"]}, "web address"),
        ({"url": "https://h.example.com", "events": ["case.opened"], "secret": "x"}, "secret"),
    ],
)
def test_bad_endpoint_bodies_are_refused_with_a_400_naming_the_field(
    cast: Cast, body: dict[str, Any], field: str
) -> None:
    response = cast.client_for(Role.ADMIN).post(api(cast), body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


# --- SSRF ---


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> None:
    def getaddrinfo(host: str, port: int, **kw: Any) -> list[Any]:
        return [(2, 1, 6, "", (answers.get(host, host), port))]

    monkeypatch.setattr("integrations.webhooks.safety.socket.getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/in",  # not https
        "https://127.0.0.1/in",
        "https://localhost/in",
        "https://10.1.2.3/in",
        "https://192.168.0.10/in",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/in",
        "https://0.0.0.0/in",
        "https://[::1]/in",
        "https://[::ffff:127.0.0.1]/in",
        "https://[fe80::1]/in",
        "https://240.0.0.1/in",
        "https://internal.example.com/in",  # a public name resolving to a private address
        "https://user:pw@hooks.example.com/in",
    ],
)
def test_production_settings_refuse_unsafe_webhook_urls_with_a_400(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    fake_dns(
        monkeypatch,
        {
            "localhost": "127.0.0.1",
            "internal.example.com": "10.0.0.5",
            "hooks.example.com": "93.184.216.34",
        },
    )
    admin = cast.client_for(Role.ADMIN)
    response = admin.post(
        api(cast), {"url": url, "events": ["case.opened"]}, content_type="application/json"
    )
    assert response.status_code == 400, (url, response.content)
    detail = response.json()["detail"]
    assert any(why in detail for why in ("https://", "private or reserved", "user name")), detail
    # The page refuses the same way.
    form = admin.post(page(cast), {"url": url, "events": ["case.opened"]})
    assert form.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_production_settings_accept_https_to_a_public_address(
    cast: Cast, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    fake_dns(monkeypatch, {"hooks.example.com": "93.184.216.34"})
    response = cast.client_for(Role.ADMIN).post(
        api(cast),
        {"url": "https://hooks.example.com/in", "events": ["case.opened"]},
        content_type="application/json",
    )
    assert response.status_code == 201


# --- who may: admins only; another org's ids are a 404 ---


@pytest.mark.parametrize("role", [Role.ISM, Role.BSM, Role.BRAND_MANAGER, Role.ANALYST])
def test_other_roles_get_403_from_the_api_and_the_pages(cast: Cast, role: str) -> None:
    endpoint = endpoint_of(cast)
    delivery = delivery_of(cast, endpoint)
    client = cast.client_for(role)
    assert client.get(api(cast)).status_code == 403
    assert (
        client.post(
            api(cast),
            {"url": "https://x.example.com", "events": ["case.opened"]},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.post(api(cast, f"deliveries/{delivery.pk}/replay/")).status_code == 403
    assert client.get(page(cast)).status_code == 403
    assert client.get(page(cast, f"{endpoint.pk}/")).status_code == 403
    assert client.post(page(cast, f"{endpoint.pk}/rotate-secret/")).status_code == 403
    assert WebhookDelivery.objects.count() == 1


def test_another_orgs_endpoint_and_delivery_are_404_and_nothing_is_written(cast: Cast) -> None:
    theirs = endpoint_of(cast, org=cast.outsider_org)
    their_delivery = delivery_of(cast, theirs, org=cast.outsider_org)
    secret = theirs.secret
    admin = cast.client_for(Role.ADMIN)
    for method, path in [
        ("get", f"endpoints/{theirs.pk}/"),
        ("patch", f"endpoints/{theirs.pk}/"),
        ("delete", f"endpoints/{theirs.pk}/"),
        ("post", f"endpoints/{theirs.pk}/rotate-secret/"),
        ("get", f"deliveries/{their_delivery.pk}/"),
        ("post", f"deliveries/{their_delivery.pk}/replay/"),
    ]:
        body = {} if method == "get" else {"state": "paused"}
        response = getattr(admin, method)(api(cast, path), body, content_type="application/json")
        assert response.status_code == 404, (method, path, response.status_code)
    for path in [
        f"{theirs.pk}/",
        f"{theirs.pk}/rotate-secret/",
        f"{theirs.pk}/delete/",
        f"{theirs.pk}/deliveries/{their_delivery.pk}/replay/",
    ]:
        assert admin.post(page(cast, path), {"url": "https://x.example.com"}).status_code == 404
    assert admin.get(page(cast, f"{theirs.pk}/")).status_code == 404
    # Our endpoint with their delivery id: still a 404.
    ours = endpoint_of(cast)
    assert (
        admin.post(page(cast, f"{ours.pk}/deliveries/{their_delivery.pk}/replay/")).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert (theirs.secret, theirs.state) == (secret, "active")
    assert WebhookDelivery.objects.filter(endpoint=theirs).count() == 1
    # Their slug with our admin: 404 too.
    assert admin.get(api(cast, slug=cast.outsider_org.slug)).status_code == 404


# --- deliveries: list, replay ---


def test_the_delivery_log_lists_filters_and_replays(cast: Cast) -> None:
    endpoint = endpoint_of(cast)
    other = endpoint_of(cast, url="https://other.example.com/in")
    first = delivery_of(cast, endpoint)
    admin = cast.client_for(Role.ADMIN)
    listed = admin.get(api(cast, f"deliveries/?endpoint={endpoint.pk}")).json()
    assert [d["id"] for d in listed["results"]] == [first.pk]
    assert listed["results"][0]["event_type"] == "case.opened"
    assert admin.get(api(cast, "deliveries/?endpoint=0")).status_code == 400
    assert admin.get(api(cast, "deliveries/?state=nope")).status_code == 400
    assert admin.get(api(cast, f"deliveries/?endpoint={other.pk}")).json()["count"] == 1
    replayed = admin.post(api(cast, f"deliveries/{first.pk}/replay/"))
    assert replayed.status_code == 202
    assert replayed.json()["replay_of"] == first.pk
    assert replayed.json()["event"] == str(first.event_id)
    # The page's replay button does the same.
    response = admin.post(page(cast, f"{endpoint.pk}/deliveries/{first.pk}/replay/"))
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(replay_of=first).count() == 2
    assert WebhookEvent.objects.count() == 1


def test_the_lists_take_constant_queries(cast: Cast) -> None:
    endpoint = endpoint_of(cast)
    admin = cast.client_for(Role.ADMIN)

    def grow() -> None:
        for _ in range(6):
            delivery_of(cast, endpoint)
            endpoint_of(cast, url="https://more.example.com/in")

    delivery_of(cast, endpoint)
    for url in (api(cast, "deliveries/"), api(cast), page(cast), page(cast, f"{endpoint.pk}/")):
        response = assert_constant_queries(lambda url=url: admin.get(url), grow=grow)
        assert response.status_code == 200


# --- pages ---


def test_an_admin_registers_an_endpoint_on_the_page_and_sees_its_secret_and_log(
    cast: Cast,
) -> None:
    admin = cast.client_for(Role.ADMIN)
    listing = admin.get(page(cast))
    assert listing.status_code == 200 and "enrollment.accepted" in listing.content.decode()
    response = admin.post(
        page(cast),
        {"url": "https://hooks.example.com/in", "description": "CRM", "events": ["case.opened"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response.url == page(cast, f"{endpoint.pk}/")
    delivery_of(cast, endpoint)
    detail = admin.get(response.url).content.decode()
    assert endpoint.secret in detail and "case.opened" in detail and "Replay" in detail
    csv = admin.get(page(cast, f"{endpoint.pk}/?format=csv"))
    assert csv.status_code == 200 and str(WebhookEvent.objects.get().id) in csv.content.decode()
    saved = admin.post(
        page(cast, f"{endpoint.pk}/"),
        {"url": endpoint.url, "description": "CRM", "events": ["case.closed"], "state": "paused"},
    )
    assert saved.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.events, endpoint.state) == (["case.closed"], "paused")
    old = endpoint.secret
    assert admin.post(page(cast, f"{endpoint.pk}/rotate-secret/")).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert admin.post(page(cast, f"{endpoint.pk}/delete/")).status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_a_bad_filter_on_the_log_is_a_400(cast: Cast) -> None:
    endpoint = endpoint_of(cast)
    response = cast.client_for(Role.ADMIN).get(page(cast, f"{endpoint.pk}/?state=nope"))
    assert response.status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    assert Client().get(page(cast)).status_code == 302
    assert Client().get(api(cast)).status_code in (401, 403)
