"""Shared fixtures: the cast (an org with a member in every role, and an outsider org)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
from django.db import connection
from django.test import Client
from django.utils import timezone

from config.settings.queues import queue_names
from influencer_ops.tenancy import dangerously_unscoped
from organizations.models import Brand, Membership, Organization
from organizations.roles import Role
from programs import services as programs
from programs.recruiting import services as recruiting
from tests.factories import (
    BrandFactory,
    CreatorProfileFactory,
    OrganizationFactory,
    PayoutFactory,
    member,
)


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
def _clear_cache(settings: Any) -> Any:
    """Forget this worker's cached keys (``cache.clear()`` would empty the Redis database under
    the other xdist worker's running test too)."""
    config = settings.CACHES["default"]
    client = redis.Redis.from_url(config["LOCATION"])
    keys = list(client.scan_iter(match=f"{config['KEY_PREFIX']}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
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
    """A creator with a login (``CreatorProfileFactory``)."""
    return CreatorProfileFactory(organization=org, display_name=name, email=email)


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def build_world(cast: Cast) -> World:
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
    admin = world.cast.members[Role.ADMIN].user
    for state in ("accepted", "confirmed"):
        recruiting.enrollment_move(enrollment=world.enrollment, target=state, actor=admin)
    programs.program_launch(program=world.program, actor=admin)
    world.program.refresh_from_db()
    world.enrollment.refresh_from_db()


@pytest.fixture
def cast_and_world_unscoped(transactional_db: None) -> World:
    """The world for transactional tests, built with all orgs visible, then committed."""
    with dangerously_unscoped():
        return build_world(build_cast())


def make_payout(world: World, amount: str = "100.00", key: str = "k1", **fields: Any) -> Any:
    """An earned flat-fee payout of the world's enrollment (or ``enrollment=``), recorded with
    its ledger transaction through ``payments.ledger.payout_record`` (``PayoutFactory``)."""
    enrollment = fields.pop("enrollment", world.enrollment)
    return PayoutFactory(enrollment=enrollment, amount=Decimal(amount), earn_key=key, **fields)


def make_ready(creator: Any) -> None:
    """Give a creator what a payment run needs to pay them: payout details and a verified
    tax form."""
    from payments.models import PayoutDetails, TaxForm
    from tests.factories import PayoutDetailsFactory, TaxFormFactory

    if not PayoutDetails.objects.filter(creator=creator).exists():
        PayoutDetailsFactory(creator=creator, account_identifier="DE89370400440532013000")
    TaxFormFactory(
        creator=creator, kind=TaxForm.Kind.W8BEN, state=TaxForm.State.VERIFIED, reference="1234"
    )


@contextmanager
def celery_worker(tmp_path: Path, queue: str, **extra_env: str) -> Iterator[subprocess.Popen]:
    """A real Celery worker process on its own ``queue`` (so parallel test runs never share
    work), against this test's database; stopped afterwards if the test left it alive. What it
    said is printed (pytest shows it when the test failed)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "TEST_DATABASE_NAME": db["NAME"],
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The queues by kind get the same prefix: what the worker queues stays with it.
        "CELERY_QUEUE_PREFIX": f"{queue}-",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log_path = tmp_path / f"worker-{queue}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        ",".join(queue_names(f"{queue}-", queue)),
        "--pool=solo",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=WARNING",
    ]
    root = Path(__file__).resolve().parent.parent
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
    print(log_path.read_text()[-5000:])
