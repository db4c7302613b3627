"""Org-scoped API: outsiders get 404, roles are enforced, lists issue a constant query count."""

from __future__ import annotations

import pytest
from django.test import Client

from influencer_ops.models import AuditEvent
from organizations.models import Brand, Membership, StaffInvitation
from organizations.roles import Role
from tests.conftest import Cast, login_client
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

ALL = set(Role.values)
ENDPOINTS = {
    "": ALL,
    "brands/": ALL,
    "members/": {Role.ADMIN, Role.ISM, Role.BSM},
    "invitations/": {Role.ADMIN},
    "audit-events/": {Role.ADMIN},
}


def _api(path: str, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/{path}"


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_outsider_gets_404(cast: Cast, path: str) -> None:
    client = login_client(cast.outsider.user)
    assert client.get(_api(path)).status_code == 404
    assert client.get(_api(path, slug="nope")).status_code == 404


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_anonymous_gets_403(path: str, cast: Cast) -> None:
    assert Client().get(_api(path)).status_code == 403


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
@pytest.mark.parametrize("role", sorted(Role.values))
def test_it_requires_the_right_role(cast: Cast, path: str, role: str) -> None:
    response = cast.client_for(role).get(_api(path))
    assert response.status_code == (200 if role in ENDPOINTS[path] else 403)


def test_detail_of_another_orgs_object_is_404_like_a_missing_one(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    foreign_brand = Brand.objects.get(organization=cast.outsider_org)
    assert client.get(_api(f"brands/{foreign_brand.pk}/")).status_code == 404
    assert client.get(_api("brands/99999999/")).status_code == 404
    assert client.get(_api(f"members/{cast.outsider.pk}/")).status_code == 404
    assert (
        client.patch(
            _api(f"brands/{foreign_brand.pk}/"), {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    foreign_brand.refresh_from_db()
    assert foreign_brand.name == "Acme Snacks"


def test_admin_creates_a_brand_and_duplicates_get_409(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    response = client.post(_api("brands/"), {"name": "Nova"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["slug"] == "nova"
    response = client.post(_api("brands/"), {"name": "NOVA"}, content_type="application/json")
    assert response.status_code == 409
    assert Brand.objects.filter(organization=cast.org, name__iexact="nova").count() == 1


@pytest.mark.parametrize("payload", [{}, {"name": ""}, {"name": "x" * 500}, {"name": "!!!"}])
def test_bad_brand_payloads_get_400(cast: Cast, payload: dict) -> None:
    before = Brand.objects.count()
    response = cast.client_for(Role.ADMIN).post(
        _api("brands/"), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert Brand.objects.count() == before


def test_brand_manager_cannot_create_brands(cast: Cast) -> None:
    response = cast.client_for(Role.BRAND_MANAGER).post(
        _api("brands/"), {"name": "Nope"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_admin_invites_through_the_api(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    response = client.post(
        _api("invitations/"),
        {"email": "api@example.test", "role": "approver", "brands": [cast.brand.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending"
    assert response.json()["brands"] == [cast.brand.pk]


@pytest.mark.parametrize(
    "payload",
    [
        {"email": "a@example.test", "role": "approver"},  # brand-scoped, no brand
        {"email": "a@example.test", "role": "approver", "brands": [999999]},  # unknown brand
        {"email": "bad", "role": "ism"},
        {"email": "a@example.test", "role": "king"},
    ],
)
def test_bad_invitations_get_400_and_change_nothing(cast: Cast, payload: dict) -> None:
    response = cast.client_for(Role.ADMIN).post(
        _api("invitations/"), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert not StaffInvitation.objects.exists()


def test_an_invitation_cannot_name_another_orgs_brand(cast: Cast) -> None:
    foreign = Brand.objects.get(organization=cast.outsider_org)
    response = cast.client_for(Role.ADMIN).post(
        _api("invitations/"),
        {"email": "a@example.test", "role": "approver", "brands": [foreign.pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not StaffInvitation.objects.exists()


def test_revoking_twice_gets_409(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    created = client.post(
        _api("invitations/"),
        {"email": "r@example.test", "role": "ism"},
        content_type="application/json",
    ).json()
    assert client.delete(_api(f"invitations/{created['id']}/")).status_code == 204
    assert client.delete(_api(f"invitations/{created['id']}/")).status_code == 409


def test_admin_sets_a_role_and_the_last_admin_is_kept(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    analyst = cast.members[Role.ANALYST]
    response = client.post(
        _api(f"members/{analyst.pk}/role/"), {"role": "bsm"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["role"] == "bsm"
    admin = cast.members[Role.ADMIN]
    response = client.post(
        _api(f"members/{admin.pk}/role/"), {"role": "ism"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert client.delete(_api(f"members/{admin.pk}/")).status_code == 409


def test_ism_cannot_change_roles(cast: Cast) -> None:
    analyst = cast.members[Role.ANALYST]
    response = cast.client_for(Role.ISM).post(
        _api(f"members/{analyst.pk}/role/"), {"role": "admin"}, content_type="application/json"
    )
    assert response.status_code == 403
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST


def test_audit_events_are_listed_for_admins_only_of_their_org(cast: Cast) -> None:
    cast.client_for(Role.ADMIN).post(
        _api("brands/"), {"name": "Nova"}, content_type="application/json"
    )
    login_client(cast.outsider.user).post(
        _api("brands/", "acme"), {"name": "Other"}, content_type="application/json"
    )
    events = cast.client_for(Role.ADMIN).get(_api("audit-events/")).json()["results"]
    assert [e["verb"] for e in events] == ["brand.created"]
    assert AuditEvent.objects.count() == 2


def test_my_memberships_lists_only_mine(cast: Cast) -> None:
    data = login_client(cast.outsider.user).get("/api/v1/me/memberships/").json()
    assert [m["organization"]["slug"] for m in data] == ["acme"]


@pytest.mark.parametrize("path", ["members/", "brands/", "invitations/", "audit-events/"])
def test_list_endpoints_issue_a_constant_number_of_queries(cast: Cast, path: str) -> None:
    client = cast.client_for(Role.ADMIN)

    def grow(start: int, stop: int) -> None:
        for n in range(start, stop):
            user = UserFactory()
            m = Membership.objects.create(organization=cast.org, user=user, role=Role.APPROVER)
            m.brands.add(cast.brand, through_defaults={"organization": cast.org})
            Brand.objects.create(organization=cast.org, name=f"B{n}", slug=f"b{n}")
            client.post(
                _api("invitations/"),
                {"email": f"i{n}@example.test", "role": "approver", "brands": [cast.brand.pk]},
                content_type="application/json",
            )

    grow(0, 5)
    response = assert_constant_queries(lambda: client.get(_api(path)), grow=lambda: grow(5, 50))
    assert len(response.json()["results"]) >= 45  # a full page (audit events: by cursor, no count)


def test_the_openapi_schema_renders(cast: Cast) -> None:
    response = cast.client_for(Role.ADMIN).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/orgs/{org_slug}/brands/" in response.content


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    "query", ["offset=abc", "offset=-1", "offset=null&offset=null", "limit=x", "limit=1.5"]
)
def test_junk_limit_or_offset_gets_400(cast: Cast, query: str) -> None:
    response = cast.client_for(Role.ADMIN).get(_api(f"brands/?{query}"))
    assert response.status_code == 400
    assert set(response.json()) <= {"limit", "offset"}


def test_good_limit_and_offset_still_page(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    assert client.get(_api("brands/?limit=0&offset=0")).status_code == 200
    assert len(client.get(_api("brands/?limit=1&offset=0")).json()["results"]) == 1


def test_the_org_endpoint_is_documented_as_one_object_not_a_page() -> None:
    operation = _schema()["paths"]["/api/v1/orgs/{org_slug}/"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Organization"}
    assert {p["name"] for p in operation["parameters"]} == {"org_slug"}


def test_every_operation_documents_its_error_answers() -> None:
    for path, operations in _schema()["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "403", "404"} <= codes, (method, path)
            if method != "get":
                assert "409" in codes, (method, path)


def test_blank_urls_and_times_of_day_are_documented_as_sent() -> None:
    import re

    components = _schema()["components"]["schemas"]
    destination = components["Program"]["properties"]["destination_url"]
    assert "format" not in destination
    assert {"maxLength": 0} in destination["anyOf"]  # a program without one answers ""
    run_time = components["PaymentSchedule"]["properties"]["run_time"]
    assert "format" not in run_time  # JSON Schema's "time" wants an offset; we send "09:00:00"
    assert re.match(run_time["pattern"], "09:00:00")
    assert re.match(run_time["pattern"], "09:00")
    assert not re.match(run_time["pattern"], "25:00")


@pytest.mark.parametrize("path", ["/api/v1/me/deliverables/%C2%84/submit/", "/api/v1/nowhere/"])
def test_an_unknown_api_path_answers_json_not_a_page(cast: Cast, path: str) -> None:
    response = cast.client_for(Role.ADMIN).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert "<html" in cast.client_for(Role.ADMIN).get("/nowhere/").content.decode()


STATE_FILTERED = [
    "/api/v1/orgs/northwind/deliverables/",
    "/api/v1/orgs/northwind/extensions/",
    "/api/v1/orgs/northwind/cases/",
    "/api/v1/orgs/northwind/enrollments/",
    "/api/v1/orgs/northwind/payouts/",
    "/api/v1/orgs/northwind/programs/",
]


@pytest.mark.parametrize("path", STATE_FILTERED)
@pytest.mark.parametrize("value", ["", "bogus"])
def test_a_state_filter_outside_its_choices_is_refused(cast: Cast, path: str, value: str) -> None:
    client = cast.client_for(Role.ADMIN)
    response = client.get(path, {"state": value})
    assert response.status_code == 400, response.content
    assert "state" in response.json()
    assert client.get(path).status_code == 200


def test_the_creators_deliverable_filter_refuses_an_empty_state(cast: Cast) -> None:
    from tests.conftest import make_creator

    creator = make_creator(cast.org, "Cara Creator", "cara@creators.test")
    client = login_client(creator.user)
    assert client.get("/api/v1/me/deliverables/", {"state": ""}).status_code == 400
    assert client.get("/api/v1/me/deliverables/").status_code == 200
