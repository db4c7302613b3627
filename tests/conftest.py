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
    return build_cast()


def build_cast() -> Cast:
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


@dataclass
class World:
    """A program in recruiting with an assigned ISM and BSM, and two creators with logins."""

    cast: Cast
    program: Any
    creator: Any
    enrollment: Any
    other_creator: Any
    other_enrollment: Any

    def creator_client(self, which: str = "creator") -> Client:
        return login_client(getattr(self, which).user)


def make_creator(org: Organization, name: str, email: str) -> Any:
    from influencers.models import CreatorProfile

    from .factories import UserFactory

    user = UserFactory(email=email, name=name, is_creator=True)
    return CreatorProfile.objects.create(
        organization=org, user=user, display_name=name, email=email
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def build_world(cast: Cast) -> World:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from programs import recruiting
    from programs import services as programs

    admin = cast.members[Role.ADMIN].user
    program = programs.program_create(
        organization=cast.org,
        brand=cast.brand,
        name="Spring Glow",
        actor=admin,
        assigned_ism=cast.members[Role.ISM].user,
        assigned_bsm=cast.members[Role.BSM].user,
    )
    # A complete brief, so that the program can launch once a creator is confirmed.
    today = timezone.localdate()
    program = programs.program_update(
        program=program,
        actor=admin,
        goals="Introduce the spring serum to skincare fans.",
        platforms=["instagram"],
        categories=["beauty"],
        guidelines="Show the serum in daylight; spell it LUMEN.",
        launch_on=today + timedelta(days=30),
        end_on=today + timedelta(days=90),
        flat_fee=Decimal("250.00"),
    )
    programs.deliverable_spec_add(
        program=program, actor=admin, kind="post", platform="instagram", count=1, due_offset_days=7
    )
    programs.program_open_recruiting(program=program, actor=admin)
    creator = make_creator(cast.org, "Cara Creator", "cara@example.test")
    other = make_creator(cast.org, "Olli Other", "olli@example.test")
    enrollment, other_enrollment = recruiting.enrollment_invite(
        program=program, creators=[creator, other], actor=admin
    )
    program.refresh_from_db()
    return World(cast, program, creator, enrollment, other, other_enrollment)


def confirm_and_launch(world: World) -> None:
    from programs import recruiting
    from programs import services as programs

    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=world.enrollment, target=state, actor=admin)
    programs.program_launch(program=world.program, actor=admin)
    world.program.refresh_from_db()
    world.enrollment.refresh_from_db()


@pytest.fixture
def cast_and_world_unscoped(transactional_db: None) -> World:
    """The world for transactional tests, built with all orgs visible, then committed."""
    from influencer_ops.tenancy import dangerously_unscoped

    with dangerously_unscoped():
        return build_world(build_cast())
