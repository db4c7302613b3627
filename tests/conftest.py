"""Shared fixtures: the cast (an org with a member in every role, and an outsider org)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from organizations.models import Brand, Membership, Organization
from organizations.roles import Role

from .factories import BrandFactory, OrganizationFactory, member


@pytest.fixture(autouse=True)
def _all_orgs_for_test_setup(request: pytest.FixtureRequest) -> None:
    """Tests build their data across orgs; requests and scoped code still set their own scope.

    Inside the per-test transaction, the setting lasts for the test. The middleware and
    ``db_scope`` restore it after each request, so every request itself runs under RLS.
    """
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in names or "transactional_db" in names
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction", False))
    )
    if uses_db and not transactional:
        request.getfixturevalue("_django_db_helper")
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.all_orgs', 'on', true)")


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    return


@dataclass
class Cast:
    org: Organization
    brand: Brand
    other_brand: Brand
    members: dict[str, Membership]
    outsider_org: Organization
    outsider: Membership

    def client_for(self, role: str) -> Client:
        return login_client(self.members[role].user)


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cast(db: None) -> Cast:
    org = OrganizationFactory(name="Northwind", slug="northwind")
    brand = BrandFactory(organization=org, name="Lumen", slug="lumen")
    other_brand = BrandFactory(organization=org, name="Trailhead", slug="trailhead")
    members = {}
    for role in Role.values:
        brands = [brand] if role in (Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST) else []
        members[role] = member(org, role, brands=brands, email=f"{role}@northwind.test")
    outsider_org = OrganizationFactory(name="Acme", slug="acme")
    BrandFactory(organization=outsider_org, name="Acme Snacks", slug="acme-snacks")
    outsider = member(outsider_org, Role.ADMIN, email="admin@acme.test")
    return Cast(org, brand, other_brand, members, outsider_org, outsider)
