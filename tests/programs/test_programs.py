"""Programs: pages and API behind both walls, roles, the brief's rules, lifecycle and date sweep."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict
from influencer_ops.models import AuditEvent
from influencers.models import CreatorProfile
from messaging.kinds import OwnerRole, TaskKind
from messaging.models import Task
from organizations.models import Brand
from organizations.roles import Role
from programs import services
from programs.models import Deliverable, DeliverableSpec, Enrollment, Program
from programs.states import EnrollmentState, ProgramState
from programs.tasks import program_date_sweep_all
from tests.conftest import Cast, World, login_client
from tests.factories import CreatorProfileFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

ALL_ROLES = set(Role.values)
MANAGERS = {Role.ADMIN, Role.BRAND_MANAGER}
BRAND_SCOPED = {Role.BRAND_MANAGER, Role.APPROVER, Role.ANALYST}
_seq = count()


# --- building blocks ---


def _url(name: str, slug: str = "northwind", **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": slug, **kwargs})


def _api(path: str, slug: str = "northwind") -> str:
    return f"/api/v1/orgs/{slug}/{path}"


def _post(client: Client, url: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(url, payload or {}, content_type="application/json")


def _patch(client: Client, url: str, payload: dict[str, Any]) -> Any:
    return client.patch(url, payload, content_type="application/json")


def complete_brief(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "goals": "Make trail runners try the new shoe.",
        "platforms": ["instagram", "tiktok"],
        "categories": ["outdoor"],
        "guidelines": "Show the shoe on a real trail.",
        "launch_on": today + timedelta(days=10),
        "end_on": today + timedelta(days=40),
        "flat_fee": Decimal("300.00"),
    } | overrides


def make_program(
    cast: Cast, brand: Brand | None = None, name: str = "", *, complete: bool = False
) -> Program:
    admin = cast.members[Role.ADMIN].user
    brief = complete_brief() if complete else {}
    program = services.program_create(
        organization=cast.org,
        brand=brand or cast.brand,
        name=name or f"Program {next(_seq)}",
        actor=admin,
        **brief,
    )
    if complete:
        services.deliverable_spec_add(
            program=program, actor=admin, kind="reel", platform="tiktok", count=2, due_offset_days=5
        )
    return program


def make_creator(cast: Cast, name: str) -> CreatorProfile:
    return CreatorProfileFactory.create(
        organization=cast.org, display_name=name, email=f"{next(_seq)}@creators.test", user=None
    )


def confirm(enrollment: Enrollment) -> None:
    """Setup: accept (recording the terms version) and confirm through the state machine."""
    from programs.recruiting.services import enrollment_move

    for state in (EnrollmentState.ACCEPTED, EnrollmentState.CONFIRMED):
        enrollment_move(enrollment=enrollment, target=state, actor=None)


def acme_program(cast: Cast) -> Program:
    return services.program_create(
        organization=cast.outsider_org,
        brand=Brand.objects.get(organization=cast.outsider_org),
        name="Acme launch",
        actor=cast.outsider.user,
    )


@pytest.fixture
def trail(cast: Cast) -> Program:
    """A program of the brand that brand-scoped roles do not cover."""
    return make_program(cast, cast.other_brand, "Summit Trail")


# --- the application wall: outsiders and other orgs' programs are 404 ---

GET_PAGES = [
    "program_list",
    "program_create",
    "program_detail",
    "program_edit",
    "program_deliverables",
    "program_clone",
]
POST_PAGES = [
    "program_open_recruiting",
    "program_launch",
    "program_complete",
    "program_cancel",
    "program_close",
]


def _page_kwargs(name: str, program: Program) -> dict[str, Any]:
    return {} if name in ("program_list", "program_create") else {"pk": program.pk}


@pytest.mark.parametrize("name", GET_PAGES + POST_PAGES)
def test_outsider_gets_404_on_every_page(world: World, name: str) -> None:
    cast = world.cast
    client = login_client(cast.outsider.user)
    url = _url(name, **_page_kwargs(name, world.program))
    response = client.post(url, {"reason": "x"}) if name in POST_PAGES else client.get(url)
    assert response.status_code == 404
    # The same answer as for an org that does not exist.
    assert (
        client.get(_url(name, slug="no-such-org", **_page_kwargs(name, world.program))).status_code
        == 404
    )
    world.program.refresh_from_db()
    assert world.program.state == ProgramState.RECRUITING


def test_outsider_cannot_remove_a_deliverable(world: World) -> None:
    spec = DeliverableSpec.objects.get(program=world.program)
    client = login_client(world.cast.outsider.user)
    url = _url("program_deliverable_remove", pk=world.program.pk, spec_pk=spec.pk)
    assert client.post(url).status_code == 404
    assert DeliverableSpec.objects.filter(pk=spec.pk).exists()


@pytest.mark.parametrize("name", GET_PAGES[2:] + POST_PAGES)
def test_another_orgs_program_is_404_like_a_missing_one(cast: Cast, name: str) -> None:
    foreign = acme_program(cast)
    client = cast.client_for(Role.ADMIN)
    for pk in (foreign.pk, 99999999):
        url = _url(name, pk=pk)
        response = client.post(url, {"reason": "x"}) if name in POST_PAGES else client.get(url)
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.state == ProgramState.DRAFT


API_READS = ["programs/", "programs/{pk}/", "programs/{pk}/deliverable-specs/"]
API_WRITES = [
    ("post", "programs/", {"name": "X", "brand": 1}),
    ("patch", "programs/{pk}/", {"goals": "x"}),
    ("post", "programs/{pk}/open-recruiting/", {}),
    ("post", "programs/{pk}/launch/", {}),
    ("post", "programs/{pk}/complete/", {}),
    ("post", "programs/{pk}/close/", {}),
    ("post", "programs/{pk}/cancel/", {"reason": "x"}),
    ("post", "programs/{pk}/clone/", {"name": "Copy"}),
    ("post", "programs/{pk}/deliverable-specs/", {"kind": "post", "platform": "blog"}),
    ("delete", "programs/{pk}/deliverable-specs/{spec}/", {}),
]


@pytest.mark.parametrize("path", API_READS)
def test_outsider_gets_404_from_every_read_endpoint(world: World, path: str) -> None:
    client = login_client(world.cast.outsider.user)
    url = path.format(pk=world.program.pk)
    assert client.get(_api(url)).status_code == 404
    assert client.get(_api(url, slug="nope")).status_code == 404


@pytest.mark.parametrize(("method", "path", "payload"), API_WRITES)
def test_outsider_gets_404_from_every_write_endpoint(
    world: World, method: str, path: str, payload: dict[str, Any]
) -> None:
    spec = DeliverableSpec.objects.get(program=world.program)
    client = login_client(world.cast.outsider.user)
    url = _api(path.format(pk=world.program.pk, spec=spec.pk))
    response = getattr(client, method)(url, payload, content_type="application/json")
    assert response.status_code == 404
    assert Program.objects.filter(organization=world.cast.org).count() == 1
    assert (
        AuditEvent.objects.filter(
            actor=world.cast.outsider.user, verb__startswith="program"
        ).count()
        == 0
    )


def test_api_objects_of_another_org_are_404(cast: Cast) -> None:
    foreign = acme_program(cast)
    client = cast.client_for(Role.ADMIN)
    assert client.get(_api(f"programs/{foreign.pk}/")).status_code == 404
    assert _patch(client, _api(f"programs/{foreign.pk}/"), {"goals": "x"}).status_code == 404
    assert _post(client, _api(f"programs/{foreign.pk}/clone/"), {"name": "x"}).status_code == 404
    # Creating for another org's brand is refused like an unknown brand.
    response = _post(client, _api("programs/"), {"name": "X", "brand": foreign.brand_id})
    assert response.status_code == 400
    assert not Program.objects.filter(organization=cast.org, name="X").exists()


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(_url("program_detail", pk=world.program.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Client().get(_api("programs/")).status_code == 403


# --- roles ---


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_every_member_reads_the_programs_of_brands_they_cover(
    world: World, trail: Program, role: str
) -> None:
    client = world.cast.client_for(role)
    listing = client.get(_url("program_list"))
    assert listing.status_code == 200
    assert b"Spring Glow" in listing.content
    covers_trail = role not in BRAND_SCOPED
    assert (b"Summit Trail" in listing.content) is covers_trail
    assert client.get(_url("program_detail", pk=world.program.pk)).status_code == 200
    expected = 200 if covers_trail else 404  # never 403: the program does not exist for them
    assert client.get(_url("program_detail", pk=trail.pk)).status_code == expected
    names = [p["name"] for p in client.get(_api("programs/")).json()["results"]]
    assert ("Summit Trail" in names) is covers_trail and "Spring Glow" in names
    assert client.get(_api(f"programs/{trail.pk}/")).status_code == expected
    assert client.get(_api(f"programs/{trail.pk}/deliverable-specs/")).status_code == expected


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
@pytest.mark.parametrize(
    "name", ["program_create", "program_edit", "program_deliverables", "program_clone"]
)
def test_management_pages_require_a_program_manager(world: World, role: str, name: str) -> None:
    response = world.cast.client_for(role).get(_url(name, **_page_kwargs(name, world.program)))
    assert response.status_code == (200 if role in MANAGERS else 403)


@pytest.mark.parametrize("role", [Role.APPROVER, Role.ANALYST, Role.ISM, Role.BSM])
def test_readers_cannot_write(world: World, role: str) -> None:
    client = world.cast.client_for(role)
    program = world.program
    response = client.post(_url("program_edit", pk=program.pk), {"name": "Hacked"})
    assert response.status_code == 403
    assert client.post(_url("program_launch", pk=program.pk)).status_code == 403
    assert client.post(_url("program_cancel", pk=program.pk), {"reason": "x"}).status_code == 403
    assert _patch(client, _api(f"programs/{program.pk}/"), {"name": "Hacked"}).status_code == 403
    assert _post(client, _api(f"programs/{program.pk}/cancel/"), {"reason": "x"}).status_code == 403
    assert _post(client, _api(f"programs/{program.pk}/clone/"), {"name": "C"}).status_code == 403
    specs = _api(f"programs/{program.pk}/deliverable-specs/")
    payload = {"kind": "post", "platform": "blog", "due_offset_days": 1}
    assert _post(client, specs, payload).status_code == 403
    spec = DeliverableSpec.objects.get(program=program)
    assert client.delete(f"{specs}{spec.pk}/").status_code == 403
    response = _post(client, _api("programs/"), {"name": "New", "brand": world.cast.brand.pk})
    assert response.status_code == 403
    program.refresh_from_db()
    assert (program.name, program.state) == ("Spring Glow", ProgramState.RECRUITING)
    assert Program.objects.filter(organization=world.cast.org).count() == 1
    assert DeliverableSpec.objects.filter(program=program).count() == 1


def test_state_buttons_are_shown_only_to_program_managers(world: World) -> None:
    launch = _url("program_launch", pk=world.program.pk).encode()
    analyst_page = world.cast.client_for(Role.ANALYST).get(
        _url("program_detail", pk=world.program.pk)
    )
    assert launch not in analyst_page.content
    assert b"Edit the brief" not in analyst_page.content
    manager_page = world.cast.client_for(Role.BRAND_MANAGER).get(
        _url("program_detail", pk=world.program.pk)
    )
    assert launch in manager_page.content
    assert _url("program_cancel", pk=world.program.pk).encode() in manager_page.content
    # No button for a move the state machine does not allow.
    assert _url("program_close", pk=world.program.pk).encode() not in manager_page.content


def test_a_brand_manager_cannot_touch_another_brands_program(cast: Cast, trail: Program) -> None:
    client = cast.client_for(Role.BRAND_MANAGER)
    assert client.get(_url("program_edit", pk=trail.pk)).status_code == 404
    assert client.post(_url("program_edit", pk=trail.pk), {"name": "Mine"}).status_code == 404
    assert client.post(_url("program_open_recruiting", pk=trail.pk)).status_code == 404
    assert client.post(_url("program_clone", pk=trail.pk), {"name": "Mine"}).status_code == 404
    assert _patch(client, _api(f"programs/{trail.pk}/"), {"name": "Mine"}).status_code == 404
    assert _post(client, _api(f"programs/{trail.pk}/open-recruiting/")).status_code == 404
    trail.refresh_from_db()
    assert (trail.name, trail.state) == ("Summit Trail", ProgramState.DRAFT)


def test_a_brand_manager_cannot_create_for_a_brand_they_do_not_cover(cast: Cast) -> None:
    client = cast.client_for(Role.BRAND_MANAGER)
    page = client.get(_url("program_create"))
    assert b"Lumen" in page.content and b"Trailhead" not in page.content
    response = client.post(_url("program_create"), {"name": "Sneaky", "brand": cast.other_brand.pk})
    assert response.status_code == 400
    assert "brand" in response.context["form"].errors
    response = _post(client, _api("programs/"), {"name": "Sneaky", "brand": cast.other_brand.pk})
    assert response.status_code == 400
    assert "brand" in response.json()
    assert not Program.objects.filter(name="Sneaky").exists()


# --- create, edit, clone ---


def test_a_brand_manager_creates_a_program_and_writes_its_brief(cast: Cast) -> None:
    manager = cast.members[Role.BRAND_MANAGER].user
    client = cast.client_for(Role.BRAND_MANAGER)
    response = client.post(_url("program_create"), {"name": "  Glow Up ", "brand": cast.brand.pk})
    program = Program.objects.get(organization=cast.org, name="Glow Up")
    assert response.status_code == 302
    assert response["Location"] == _url("program_edit", pk=program.pk)
    assert (program.state, program.brand, program.created_by) == ("draft", cast.brand, manager)
    form = {
        "name": "Glow Up",
        "goals": "Reach new serum buyers.",
        "guidelines": "Natural light.",
        "disclosure_rule": "#ad",
        "platforms": ["instagram", "youtube"],
        "categories": ["beauty", "wellness"],
        "audience_interests": "skincare, clean beauty",
        "audience_locations": "US, CA",
        "min_audience": "1000",
        "max_audience": "50000",
        "recruit_by": "2031-01-10",
        "launch_on": "2031-02-01",
        "content_due_on": "2031-02-15",
        "end_on": "2031-03-01",
        "capacity": "12",
        "currency": "eur",
        "budget_amount": "5000.00",
        "flat_fee": "250.50",
        "per_click_rate": "0.1250",
        "click_milestone": "400",
        "milestone_bonus": "50",
        "prorate_if_missed": "on",
        "nda_required": "on",
        "assigned_ism": cast.members[Role.ISM].user.pk,
        "assigned_bsm": "",
    }
    response = client.post(_url("program_edit", pk=program.pk), form)
    assert response.status_code == 302, response.context["form"].errors
    program.refresh_from_db()
    assert program.platforms == ["instagram", "youtube"]
    assert program.audience_interests == ["skincare", "clean beauty"]
    assert (program.currency, program.flat_fee, program.per_click_rate) == (
        "EUR",
        Decimal("250.50"),
        Decimal("0.1250"),
    )
    assert program.launch_on == date(2031, 2, 1) and program.nda_required
    assert program.assigned_ism == cast.members[Role.ISM].user
    event = AuditEvent.objects.get(target_id=str(program.pk), verb="program.updated")
    assert event.actor == manager
    assert event.before["flat_fee"] is None and event.after["flat_fee"] == "250.50"
    assert event.after["launch_on"] == "2031-02-01"
    assert "name" not in event.after  # only what changed
    page = client.get(_url("program_detail", pk=program.pk))
    assert b"Reach new serum buyers." in page.content and b"YouTube" in page.content


def test_saving_an_unchanged_brief_records_nothing(world: World) -> None:
    before = AuditEvent.objects.count()
    services.program_update(program=world.program, actor=None, goals=world.program.goals)
    assert AuditEvent.objects.count() == before


def test_program_create_through_the_api_with_a_brief(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    payload = {
        "name": "Trail Days",
        "brand": cast.other_brand.pk,
        "goals": "Sell boots",
        "platforms": ["youtube"],
        "flat_fee": "100.00",
        "launch_on": "2031-05-01",
        "end_on": "2031-06-01",
        "assigned_bsm": cast.members[Role.BSM].user.pk,
    }
    response = _post(client, _api("programs/"), payload)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["state"], data["flat_fee"], data["brand_name"]) == ("draft", "100.00", "Trailhead")
    assert data["assigned_bsm"] == cast.members[Role.BSM].user.pk
    assert "categories" in " ".join(data["brief_missing"])
    response = _patch(client, _api(f"programs/{data['id']}/"), {"categories": ["outdoor"]})
    assert response.status_code == 200
    assert response.json()["categories"] == ["outdoor"]
    # Only ISMs and BSMs (or admins) can be assigned.
    analyst = cast.members[Role.ANALYST].user.pk
    response = _patch(client, _api(f"programs/{data['id']}/"), {"assigned_bsm": analyst})
    assert response.status_code == 400 and "assigned_bsm" in response.json()


def test_clone_copies_the_brief_and_deliverables_but_not_the_creators(world: World) -> None:
    client = world.cast.client_for(Role.BRAND_MANAGER)
    source = world.program
    response = client.post(_url("program_clone", pk=source.pk), {"name": "Spring Glow II"})
    clone = Program.objects.get(name="Spring Glow II")
    assert response.status_code == 302
    assert response["Location"] == _url("program_edit", pk=clone.pk)
    assert (clone.state, clone.cloned_from, clone.brand) == ("draft", source, source.brand)
    assert (clone.goals, clone.platforms, clone.flat_fee, clone.launch_on) == (
        source.goals,
        source.platforms,
        source.flat_fee,
        source.launch_on,
    )
    assert clone.assigned_ism == source.assigned_ism
    specs = list(
        DeliverableSpec.objects.filter(program=clone).values_list("kind", "due_offset_days")
    )
    assert specs == [("post", 7)]
    assert not Enrollment.objects.filter(program=clone).exists()
    assert services.brief_missing(clone) == []
    assert AuditEvent.objects.filter(target_id=str(clone.pk), verb="program.cloned").exists()
    # And through the API.
    response = _post(client, _api(f"programs/{source.pk}/clone/"), {"name": "Spring Glow III"})
    assert response.status_code == 201
    assert response.json()["cloned_from"] == source.pk
    assert len(response.json()["deliverable_specs"]) == 1
    assert _post(client, _api(f"programs/{source.pk}/clone/"), {"name": ""}).status_code == 400


def test_deliverables_are_added_and_removed_before_launch_only(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    program = world.program
    url = _url("program_deliverables", pk=program.pk)
    launch_on = program.launch_on
    response = client.post(
        url, {"kind": "video", "platform": "youtube", "count": "1", "due_on": launch_on.isoformat()}
    )
    assert response.status_code == 302
    spec = DeliverableSpec.objects.get(program=program, kind="video")
    assert spec.due_on == launch_on
    response = client.post(_url("program_deliverable_remove", pk=program.pk, spec_pk=spec.pk))
    assert response.status_code == 302
    assert not DeliverableSpec.objects.filter(pk=spec.pk).exists()
    verbs = set(AuditEvent.objects.filter(target_id=str(program.pk)).values_list("verb", flat=True))
    assert {"program.deliverable_added", "program.deliverable_removed"} <= verbs
    api = _api(f"programs/{program.pk}/deliverable-specs/")
    response = _post(client, api, {"kind": "story", "platform": "instagram", "due_offset_days": 3})
    assert response.status_code == 201
    assert client.get(api).json()["count"] == 2
    assert client.delete(f"{api}{response.json()['id']}/").status_code == 204
    # After launch the deliverables are part of what creators accepted.
    confirm(world.enrollment)
    services.program_launch(program=program, actor=None)
    response = _post(client, api, {"kind": "story", "platform": "instagram", "due_offset_days": 3})
    assert response.status_code == 409
    spec = DeliverableSpec.objects.get(program=program)
    assert client.delete(f"{api}{spec.pk}/").status_code == 409
    assert DeliverableSpec.objects.filter(program=program).count() == 1


# --- bad input: field errors, nothing saved ---

BAD_BRIEFS = [
    ({"flat_fee": "-5"}, "flat_fee"),
    ({"flat_fee": "abc"}, "flat_fee"),
    ({"budget_amount": "12.345"}, "budget_amount"),
    ({"min_audience": "5000", "max_audience": "100"}, "max_audience"),
    ({"launch_on": "2031-03-01", "end_on": "2031-02-01"}, "end_on"),
    ({"recruit_by": "2031-03-02", "launch_on": "2031-03-01"}, "launch_on"),
    ({"content_due_on": "2031-01-01", "launch_on": "2031-02-01"}, "content_due_on"),
    ({"currency": "EURO"}, "currency"),
    ({"capacity": "0"}, "capacity"),
    ({"platforms": ["myspace"]}, "platforms"),
]


def _brief_form(program: Program, **changes: Any) -> dict[str, Any]:
    form = {
        "name": program.name,
        "goals": program.goals,
        "guidelines": program.guidelines,
        "disclosure_rule": program.disclosure_rule,
        "platforms": program.platforms,
        "categories": program.categories,
        "launch_on": program.launch_on.isoformat(),
        "end_on": program.end_on.isoformat(),
        "assigned_ism": program.assigned_ism_id,
        "assigned_bsm": program.assigned_bsm_id,
        "capacity": str(program.capacity),
        "currency": program.currency,
        "flat_fee": str(program.flat_fee),
    }
    return form | changes


@pytest.mark.parametrize(("changes", "field"), BAD_BRIEFS)
def test_a_bad_brief_on_the_page_shows_field_errors_and_saves_nothing(
    world: World, changes: dict[str, Any], field: str
) -> None:
    program = world.program
    before = (program.flat_fee, program.launch_on, program.end_on, program.capacity)
    events = AuditEvent.objects.count()
    client = world.cast.client_for(Role.ADMIN)
    response = client.post(_url("program_edit", pk=program.pk), _brief_form(program, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert b'role="alert"' in response.content
    program.refresh_from_db()
    assert (program.flat_fee, program.launch_on, program.end_on, program.capacity) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("changes", "field"), BAD_BRIEFS)
def test_a_bad_brief_through_the_api_is_400_per_field_and_saves_nothing(
    world: World, changes: dict[str, Any], field: str
) -> None:
    program = world.program
    events = AuditEvent.objects.count()
    client = world.cast.client_for(Role.BRAND_MANAGER)
    response = _patch(client, _api(f"programs/{program.pk}/"), changes)
    assert response.status_code == 400
    assert field in response.json()
    assert AuditEvent.objects.count() == events
    fresh = Program.objects.get(pk=program.pk)
    assert (fresh.flat_fee, fresh.launch_on, fresh.capacity) == (
        program.flat_fee,
        program.launch_on,
        program.capacity,
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"flat_fee": Decimal("-1")},
        {"per_click_rate": "1e400"},
        {"currency": "U$D"},
        {"min_audience": 10, "max_audience": 5},
        {"capacity": 0},
        {"name": "   "},
        {"launch_on": date(2031, 1, 2), "end_on": date(2031, 1, 1)},
        {"no_such_field": 1},
    ],
)
def test_the_service_refuses_bad_briefs_whoever_calls_it(world: World, fields: dict) -> None:
    with pytest.raises(services.ProgramInvalid) as refused:
        services.program_update(program=world.program, actor=None, **fields)
    assert set(refused.value.errors) <= set(fields) | {"end_on", "max_audience"}


def test_capacity_cannot_drop_below_the_places_already_held(world: World) -> None:
    with pytest.raises(services.ProgramInvalid, match="already taken"):
        services.program_update(program=world.program, actor=None, capacity=1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "post", "platform": "instagram", "count": "1"}, "due_on"),
        (
            {
                "kind": "post",
                "platform": "instagram",
                "count": "1",
                "due_on": "2031-01-01",
                "due_offset_days": "3",
            },
            "due_on",
        ),
        ({"kind": "post", "platform": "instagram", "count": "0", "due_offset_days": "3"}, "count"),
        ({"kind": "post", "platform": "myspace", "count": "1", "due_offset_days": "3"}, "platform"),
    ],
)
def test_a_deliverable_needs_exactly_one_due_date_or_offset(
    world: World, data: dict[str, str], field: str
) -> None:
    program = world.program
    client = world.cast.client_for(Role.ADMIN)
    response = client.post(_url("program_deliverables", pk=program.pk), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    api_data = {k: (int(v) if k in ("count", "due_offset_days") else v) for k, v in data.items()}
    response = _post(client, _api(f"programs/{program.pk}/deliverable-specs/"), api_data)
    assert response.status_code == 400
    assert field in response.json()
    assert DeliverableSpec.objects.filter(program=program).count() == 1


# --- the lifecycle ---


def test_launching_with_an_incomplete_brief_is_refused_with_the_reasons(cast: Cast) -> None:
    program = make_program(cast, name="Half done")
    services.program_open_recruiting(program=program, actor=None)
    client = cast.client_for(Role.ADMIN)
    response = client.post(_url("program_launch", pk=program.pk), follow=True)
    text = response.content.decode()
    for reason in ("goals", "platforms", "categories", "a launch date", "an end date"):
        assert reason in text
    assert "at least one deliverable" in text and "compensation" in text
    assert "guidelines" in text and "at least one confirmed creator" in text
    program.refresh_from_db()
    assert program.state == ProgramState.RECRUITING and program.launched_at is None
    response = _post(client, _api(f"programs/{program.pk}/launch/"))
    assert response.status_code == 409
    assert "goals" in response.json()["detail"]
    assert services.brief_missing(program)[:3] == ["goals", "platforms", "categories"]


def test_launching_without_a_confirmed_creator_is_refused(world: World) -> None:
    client = world.cast.client_for(Role.BRAND_MANAGER)
    assert services.brief_missing(world.program) == []
    response = client.post(_url("program_launch", pk=world.program.pk), follow=True)
    assert "needs at least one confirmed creator" in response.content.decode()
    response = _post(client, _api(f"programs/{world.program.pk}/launch/"))
    assert response.status_code == 409
    assert response.json()["detail"].endswith("It needs at least one confirmed creator.")
    world.program.refresh_from_db()
    assert world.program.state == ProgramState.RECRUITING


def test_the_full_lifecycle_from_the_program_page(world: World) -> None:
    client = world.cast.client_for(Role.BRAND_MANAGER)
    program = world.program
    confirm(world.enrollment)
    response = client.post(_url("program_launch", pk=program.pk), follow=True)
    assert "Spring Glow is launched." in response.content.decode()
    program.refresh_from_db()
    world.enrollment.refresh_from_db()
    assert program.state == ProgramState.LAUNCHED and program.launched_at is not None
    assert world.enrollment.state == EnrollmentState.ACTIVE
    # From launch only the BSM, the tracked links' destination and the disclosure mode change.
    response = _patch(client, _api(f"programs/{program.pk}/"), {"goals": "New goals"})
    assert response.status_code == 409
    response = client.get(_url("program_edit", pk=program.pk))
    assert sorted(response.context["form"].fields) == [
        "assigned_bsm",
        "destination_url",
        "disclosure_advisory",
    ]
    admin = world.cast.members[Role.ADMIN].user.pk
    response = _patch(client, _api(f"programs/{program.pk}/"), {"assigned_bsm": admin})
    assert response.status_code == 200 and response.json()["assigned_bsm"] == admin
    assert client.post(_url("program_complete", pk=program.pk)).status_code == 302
    assert _post(client, _api(f"programs/{program.pk}/close/")).status_code == 200
    program.refresh_from_db()
    assert program.state == ProgramState.CLOSED and program.completed_at is not None
    # Closed is the end.
    assert _post(client, _api(f"programs/{program.pk}/cancel/"), {"reason": "x"}).status_code == 409
    response = client.get(_url("program_edit", pk=program.pk))
    assert response.status_code == 302
    verbs = list(
        AuditEvent.objects.filter(target_id=str(program.pk), target_type="programs.program")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs[-4:] == [
        "program.launched",
        "program.updated",
        "program.completed",
        "program.closed",
    ]


def test_cancel_needs_a_reason_and_keeps_it(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    program = world.program
    response = _post(client, _api(f"programs/{program.pk}/cancel/"), {"reason": ""})
    assert response.status_code == 400
    client.post(_url("program_cancel", pk=program.pk), {"reason": "   "})
    program.refresh_from_db()
    assert program.state == ProgramState.RECRUITING
    response = client.post(
        _url("program_cancel", pk=program.pk), {"reason": "The brand paused spring."}
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.state == ProgramState.CANCELLED and program.cancelled_at is not None
    event = AuditEvent.objects.get(target_id=str(program.pk), verb="program.cancelled")
    assert event.after["reason"] == "The brand paused spring."
    page = client.get(_url("program_detail", pk=program.pk))
    assert b"The brand paused spring." in page.content
    history = client.get(_url("program_history", pk=program.pk)).content.decode()
    assert "cancelled Spring Glow (“The brand paused spring.”)" in history
    assert _url("program_cancel", pk=program.pk).encode() not in page.content


def test_the_program_page_shows_roster_tasks_and_history(world: World) -> None:
    confirm(world.enrollment)
    Task.objects.create(
        organization=world.cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Is a vertical video fine?",
        owner_role=OwnerRole.ISM,
        program=world.program,
        dedupe_key="t1",
        due_at=timezone.now() + timedelta(hours=4),
    )
    Task.objects.create(
        organization=world.cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Already answered",
        owner_role=OwnerRole.ISM,
        program=world.program,
        state="done",
        dedupe_key="t2",
        due_at=timezone.now(),
    )
    response = world.cast.client_for(Role.ANALYST).get(_url("program_detail", pk=world.program.pk))
    text = response.content.decode()
    assert text.count("<h1>") == 1
    assert "Confirmed" in text and "Cara Creator" in text and "Olli Other" in text
    hub = _url("enrollment_detail", pk=world.enrollment.pk)
    assert f'href="{hub}">Cara Creator</a>' in text  # roster names lead to the hub
    assert "Programs</a>" in text and 'aria-current="page">Programs' in text
    history = world.cast.client_for(Role.ANALYST).get(_url("program_history", pk=world.program.pk))
    assert "created the program Spring Glow" in history.content.decode()
    assert "opened recruiting for Spring Glow" in history.content.decode()
    # Open tasks live on the tasks tab, for the desk; only those who may work on a task get a
    # link to it (a BSM would get a 404 for an ISM's).
    tasks = _url("program_tasks", pk=world.program.pk)
    assert world.cast.client_for(Role.ANALYST).get(tasks).status_code == 403
    task = Task.objects.get(dedupe_key="t1")
    link = f"/desk/tasks/{task.pk}/"
    for role, linked in ((Role.ISM, True), (Role.ADMIN, True), (Role.BSM, False)):
        page = world.cast.client_for(role).get(tasks).content.decode()
        assert "Is a vertical video fine?" in page and "Already answered" not in page
        assert (link in page) is linked, role
        if linked:
            assert world.cast.client_for(role).get(f"/orgs/northwind{link}").status_code == 200


# --- the date sweep ---


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def test_the_date_sweep_launches_and_completes_by_date_once(world: World) -> None:
    program = world.program
    confirm(world.enrollment)
    blocked = make_program(world.cast, name="Not ready")
    services.program_update(program=blocked, actor=None, launch_on=program.launch_on)
    services.program_open_recruiting(program=blocked, actor=None)
    with time_machine.travel(_at(program.launch_on - timedelta(days=1)), tick=False):
        assert program_date_sweep_all() == 0
    with time_machine.travel(_at(program.launch_on), tick=False):
        assert program_date_sweep_all() == 1
        events = AuditEvent.objects.count()
        assert program_date_sweep_all() == 0
        assert AuditEvent.objects.count() == events
    program.refresh_from_db()
    blocked.refresh_from_db()
    assert program.state == ProgramState.LAUNCHED
    assert blocked.state == ProgramState.RECRUITING  # left alone, no crash
    launched = AuditEvent.objects.get(target_id=str(program.pk), verb="program.launched")
    assert launched.actor is None and launched.actor_label == "system"
    with time_machine.travel(_at(program.end_on), tick=False):
        assert program_date_sweep_all() == 0  # the end day itself still runs
    with time_machine.travel(_at(program.end_on + timedelta(days=1)), tick=False):
        # Past the end date, but the creator's deliverables are not done: it stays launched.
        assert program_date_sweep_all() == 0
        Deliverable.objects.filter(program=program).update(state="excused")
        assert program_date_sweep_all() == 1
        assert program_date_sweep_all() == 0
    program.refresh_from_db()
    assert program.state == ProgramState.COMPLETED


def test_the_date_sweep_uses_the_organizations_calendar(world: World) -> None:
    confirm(world.enrollment)
    world.cast.org.time_zone = "Pacific/Auckland"
    world.cast.org.save()
    launch_on = world.program.launch_on
    # 13:00 UTC the day before is already the launch day in Auckland.
    with time_machine.travel(_at(launch_on - timedelta(days=1), hour=13), tick=False):
        assert program_date_sweep_all() == 1


def test_the_date_sweep_skips_a_program_someone_else_holds(
    cast_and_world_unscoped: World,
) -> None:
    from influencer_ops.tenancy import dangerously_unscoped

    world = cast_and_world_unscoped
    program = world.program
    with dangerously_unscoped():
        confirm(world.enrollment)
    held, release = threading.Event(), threading.Event()

    def hold_the_row() -> None:
        try:
            with dangerously_unscoped():
                Program.objects.select_for_update().get(pk=program.pk)
                held.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        assert held.wait(10)
        with dangerously_unscoped():
            result = services.program_date_sweep(
                organization=program.organization, today=program.launch_on
            )
        assert result.launched == 0  # skipped, not waited for
    finally:
        release.set()
        holder.join()
    with dangerously_unscoped():
        result = services.program_date_sweep(
            organization=program.organization, today=program.launch_on
        )
        assert result.launched == 1
        assert Program.objects.get(pk=program.pk).state == ProgramState.LAUNCHED


def test_a_launch_refused_in_the_sweep_leaves_nothing_half_done(world: World) -> None:
    program = world.program
    with transaction.atomic():
        result = services.program_date_sweep(organization=world.cast.org, today=program.launch_on)
    assert result.launched == 0
    program.refresh_from_db()
    assert program.state == ProgramState.RECRUITING
    with pytest.raises(Conflict):
        services.program_launch(program=program, actor=None)


# --- query counts ---


def test_the_program_list_has_a_constant_number_of_queries(cast: Cast) -> None:
    ism = cast.members[Role.ISM].user
    for _ in range(5):
        services.program_update(program=make_program(cast), actor=None, assigned_ism=ism)
    client = cast.client_for(Role.BRAND_MANAGER)

    def fetch() -> None:
        for url in (_url("program_list"), _api("programs/")):
            assert client.get(url).status_code == 200

    def grow() -> None:
        for n in range(45):
            make_program(cast, cast.brand if n % 2 else cast.other_brand, complete=True)

    assert_constant_queries(fetch, grow=grow)


def test_the_program_page_has_a_constant_number_of_queries(world: World) -> None:
    cast = world.cast
    program = world.program

    def grow(n: int) -> None:
        for i in range(n):
            creator = make_creator(cast, f"Creator {next(_seq)}")
            state = [EnrollmentState.INVITED, EnrollmentState.CONFIRMED, EnrollmentState.DECLINED][
                i % 3
            ]
            Enrollment.objects.create(
                organization=cast.org, program=program, creator=creator, state=state
            )
            Task.objects.create(
                organization=cast.org,
                kind=TaskKind.CREATOR_REQUEST,
                title=f"Question {i}",
                owner_role=OwnerRole.ISM,
                assignee=cast.members[Role.ISM].user if i % 2 else None,
                creator=creator,
                program=program,
                dedupe_key=f"q{next(_seq)}",
                due_at=timezone.now() + timedelta(hours=i),
            )
            services.program_update(program=program, actor=None, goals=f"Goals {next(_seq)}")
            services.deliverable_spec_add(
                program=program,
                actor=None,
                kind="story",
                platform="instagram",
                count=1,
                due_offset_days=i,
            )

    services.program_update(program=program, actor=None, capacity=200)
    grow(5)
    client = cast.client_for(Role.ADMIN)
    url = _url("program_detail", pk=program.pk)
    assert (
        assert_constant_queries(lambda: client.get(url), grow=lambda: grow(45)).status_code == 200
    )


@pytest.mark.parametrize("query", ["state=AAA", "brand=x", "brand=0", "brand=-1"])
def test_the_program_list_refuses_bad_filters(world: World, query: str) -> None:
    client = world.cast.client_for(Role.ADMIN)
    response = client.get(_api(f"programs/?{query}"))
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_the_program_list_filters_by_state_and_brand(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    body = client.get(_api(f"programs/?state=recruiting&brand={world.program.brand_id}")).json()
    assert [p["id"] for p in body["results"]] == [world.program.pk]
    assert client.get(_api("programs/?state=closed")).json()["results"] == []
