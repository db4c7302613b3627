"""Issue #14, finding 3: out-of-range ``limit``, ``offset`` and ids are a 400 naming the
parameter on every list, never a database error (``bigint out of range``)."""

from __future__ import annotations

import pytest
from django.test import Client

from organizations.roles import Role
from tests.conftest import World, confirm_and_launch, login_client

pytestmark = pytest.mark.django_db

HUGE = "283003709336634458112"
ORG_LISTS = [
    "brands/",
    "members/",
    "invitations/",
    "audit-events/",
    "tasks/",
    "threads/",
    "programs/",
    "enrollments/",
    "deliverables/",
    "submissions/",
    "extensions/",
    "cases/",
    "metrics/",
    "payment-runs/",
    "payouts/",
    "creators/",
]
ME_LISTS = [
    "requests/",
    "threads/",
    "invitations/",
    "deliverables/",
    "cases/",
    "payouts/",
]
ID_FILTERS = [
    "programs/?brand",
    "enrollments/?program",
    "deliverables/?program",
    "submissions/?program",
    "submissions/?deliverable",
    "extensions/?program",
    "tasks/?program",
    "payouts/?program",
    "payouts/?creator",
]


def _clients(world: World) -> tuple[Client, Client]:
    confirm_and_launch(world)
    return login_client(world.cast.members[Role.ADMIN].user), world.creator_client()


def _lists() -> list[str]:
    return [f"/api/v1/orgs/northwind/{p}" for p in ORG_LISTS] + [
        f"/api/v1/me/{p}" for p in ME_LISTS
    ]


@pytest.mark.parametrize("query", [f"limit={HUGE}", "limit=201", f"offset={HUGE}"])
def test_out_of_range_page_parameters_are_a_400_on_every_list(world: World, query: str) -> None:
    admin, creator = _clients(world)
    name = query.split("=")[0]
    for url in _lists():
        client = creator if "/me/" in url else admin
        answer = client.get(f"{url}?{query}")
        assert answer.status_code == 400, (url, answer.status_code)
        assert name in answer.json(), url


def test_the_largest_page_is_still_served(world: World) -> None:
    admin, _creator = _clients(world)
    answer = admin.get("/api/v1/orgs/northwind/programs/?limit=200&offset=2147483647")
    assert answer.status_code == 200
    assert answer.json()["results"] == []


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "0", "", "-1", "1.5", "x"])
def test_out_of_range_id_filters_are_a_400_naming_the_filter(world: World, value: str) -> None:
    admin, _creator = _clients(world)
    for filtered in ID_FILTERS:
        answer = admin.get(f"/api/v1/orgs/northwind/{filtered}={value}")
        name = filtered.split("?")[1]
        assert answer.status_code == 400, (filtered, value, answer.status_code)
        assert name in answer.json(), filtered


def test_an_id_filter_in_range_still_filters(world: World) -> None:
    admin, _creator = _clients(world)
    answer = admin.get(f"/api/v1/orgs/northwind/enrollments/?program={world.program.pk}")
    assert answer.status_code == 200
    assert len(answer.json()["results"]) == 2
    empty = admin.get("/api/v1/orgs/northwind/enrollments/?program=9223372036854775807")
    assert empty.json()["results"] == []


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/orgs/northwind/programs/{HUGE}/",
        f"/api/v1/orgs/northwind/programs/{HUGE}/deliverable-specs/",
        f"/api/v1/orgs/northwind/programs/{HUGE}/matches/",
        f"/api/v1/orgs/northwind/programs/{HUGE}/report/",
        f"/api/v1/orgs/northwind/payouts/{HUGE}/",
        f"/api/v1/orgs/northwind/threads/{HUGE}/messages/",
        f"/api/v1/me/threads/{HUGE}/messages/",
        f"/api/v1/me/deliverables/{HUGE}/",
        f"/api/v1/me/payouts/{HUGE}/",
        f"/api/v1/me/enrollments/{HUGE}/performance/",
        f"/orgs/northwind/programs/{HUGE}/",
        f"/portal/deliverables/{HUGE}/",
    ],
)
def test_an_id_beyond_bigint_in_the_path_is_a_404(world: World, path: str) -> None:
    admin, creator = _clients(world)
    client = creator if path.startswith(("/api/v1/me/", "/portal/")) else admin
    assert client.get(path).status_code == 404
