"""Issue #14, finding 8: edge values are refused with a 400 naming the field, through the API
and, where pages take the same input, the HTML form: program dates out of bounds, an extension
past the program's end plus its grace period, a JSON float as money, a write of a field the
endpoint does not take, and empty or zero filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from influencer_ops.errors import Conflict
from influencer_ops.validation import EXTENSION_GRACE_DAYS
from organizations.roles import Role
from programs.deadlines import services as deadlines
from programs.deadlines.delivery import deliverables_create_for_enrollment
from programs.models import Deliverable, Extension, ExtensionState
from programs.recruiting import services as recruiting
from tests.conftest import World, confirm_and_launch, login_client, make_payout

pytestmark = pytest.mark.django_db


def _api(path: str) -> str:
    return f"/api/v1/orgs/northwind/{path}"


def _json(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, content_type="application/json")


# --- program dates ---

BAD_DATES = [
    ({"launch_on": "0001-01-01"}, "launch_on"),
    ({"launch_on": "1900-01-01", "end_on": "1900-01-01"}, "end_on"),
    ({"recruit_by": "1999-12-31"}, "recruit_by"),
    ({"end_on": "9999-12-31"}, "end_on"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_DATES)
def test_program_dates_out_of_bounds_are_a_400_through_the_api(
    world: World, changes: dict[str, str], field: str
) -> None:
    program = world.program
    before = (program.recruit_by, program.launch_on, program.end_on)
    client = world.cast.client_for(Role.ADMIN)
    answer = _json(client, "patch", _api(f"programs/{program.pk}/"), changes)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    program.refresh_from_db()
    assert (program.recruit_by, program.launch_on, program.end_on) == before
    created = _json(
        client,
        "post",
        _api("programs/"),
        {"name": "Old times", "brand": world.cast.brand.pk, **changes},
    )
    assert created.status_code == 400 and field in created.json()


@pytest.mark.parametrize(("changes", "field"), BAD_DATES)
def test_program_dates_out_of_bounds_are_a_400_on_the_page(
    world: World, changes: dict[str, str], field: str
) -> None:
    from tests.programs.test_programs import _brief_form

    program = world.program
    client = world.cast.client_for(Role.ADMIN)
    url = reverse("program_edit", kwargs={"org_slug": "northwind", "pk": program.pk})
    response = client.post(url, _brief_form(program, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    fresh = type(program).objects.get(pk=program.pk)
    assert (fresh.launch_on, fresh.end_on) == (program.launch_on, program.end_on)


def test_the_bounds_themselves_are_accepted(world: World) -> None:
    program = world.program
    client = world.cast.client_for(Role.ADMIN)
    answer = _json(
        client,
        "patch",
        _api(f"programs/{program.pk}/"),
        {"recruit_by": "2000-01-01", "end_on": f"{timezone.localdate() + timedelta(days=3000)}"},
    )
    assert answer.status_code == 200, answer.content


# --- extensions past the program's end ---


def _launched(world: World) -> Deliverable:
    confirm_and_launch(world)
    if not Deliverable.objects.filter(enrollment=world.enrollment).exists():
        world.enrollment.terms_version = recruiting.latest_terms(world.enrollment)
        world.enrollment.save(update_fields=["terms_version"])
        deliverables_create_for_enrollment(
            enrollment=world.enrollment, launch_on=world.program.launch_on
        )
    due = timezone.localdate() + timedelta(days=10)
    Deliverable.objects.filter(enrollment=world.enrollment).update(due_on=due, original_due_on=due)
    return Deliverable.objects.get(enrollment=world.enrollment)


def test_an_extension_to_9999_is_refused_through_the_api_and_the_page(world: World) -> None:
    deliverable = _launched(world)
    client = login_client(world.creator.user)
    body = {"requested_due_on": "9999-12-31", "reason": "Forever"}
    answer = _json(client, "post", f"/api/v1/me/deliverables/{deliverable.pk}/extension/", body)
    assert answer.status_code == 400
    latest = world.program.end_on + timedelta(days=EXTENSION_GRACE_DAYS)
    assert f"{latest:%Y-%m-%d}" in answer.json()["detail"]
    page = client.post(reverse("portal_extension_request", kwargs={"pk": deliverable.pk}), body)
    assert page.status_code == 400
    assert f"{latest:%Y-%m-%d}" in page.content.decode()
    assert not Extension.objects.exists()


def test_the_last_day_of_the_grace_period_may_be_asked_for(world: World) -> None:
    deliverable = _launched(world)
    latest = world.program.end_on + timedelta(days=EXTENSION_GRACE_DAYS)
    extension = deadlines.extension_request(
        deliverable=deliverable, user=world.creator.user, requested_due_on=latest, reason="Ill"
    )
    assert extension.state == ExtensionState.PENDING


def test_a_pending_extension_past_the_end_cannot_be_approved(world: World) -> None:
    deliverable = _launched(world)
    extension = Extension.objects.create(  # asked before the bound existed
        organization_id=deliverable.organization_id,
        deliverable=deliverable,
        requested_due_on=deliverable.due_on.replace(year=9999, month=12, day=31),
        previous_due_on=deliverable.due_on,
        reason="Forever",
        requested_by=world.creator.user,
    )
    bsm = world.cast.client_for(Role.BSM)
    answer = _json(bsm, "post", _api(f"extensions/{extension.pk}/approve/"), {"note": "OK"})
    assert answer.status_code == 409
    with pytest.raises(Conflict):
        deadlines.extension_decide(
            extension=extension, actor=world.cast.members[Role.BSM].user, approve=True, note=""
        )
    deliverable.refresh_from_db()
    assert deliverable.due_on.year < 9999


# --- money as strings only ---


def test_a_json_float_as_money_is_refused_with_a_clear_message(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    answer = _json(client, "patch", _api(f"programs/{world.program.pk}/"), {"flat_fee": 12.5})
    assert answer.status_code == 400
    assert "string" in answer.json()["flat_fee"][0]
    world.program.refresh_from_db()
    assert str(world.program.flat_fee) == "250.00"
    assert (
        _json(client, "patch", _api(f"programs/{world.program.pk}/"), {"flat_fee": "12.50"})
    ).status_code == 200


def test_a_json_float_as_a_payout_amount_is_refused(world: World) -> None:
    confirm_and_launch(world)
    payout = make_payout(world)
    bsm = world.cast.client_for(Role.BSM)
    answer = _json(bsm, "patch", _api(f"payouts/{payout.pk}/"), {"amount": 12.5})
    assert answer.status_code == 400 and "amount" in answer.json()
    payout.refresh_from_db()
    assert str(payout.amount) == "100.00"


# --- fields the endpoint does not take ---


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"destination_url": "javascript:alert(1)"}, "destination_url"),
        ({"state": "completed"}, "state"),
        ({"name": "Renamed", "surprise": 1}, "surprise"),
    ],
)
def test_a_write_of_a_field_the_endpoint_does_not_take_is_a_400_naming_it(
    world: World, body: dict[str, Any], field: str
) -> None:
    client = world.cast.client_for(Role.ADMIN)
    answer = _json(client, "patch", _api(f"programs/{world.program.pk}/"), body)
    assert answer.status_code == 400
    assert field in answer.json()
    world.program.refresh_from_db()
    assert world.program.name == "Spring Glow"


def test_an_unknown_field_in_a_payout_patch_is_a_400(world: World) -> None:
    confirm_and_launch(world)
    payout = make_payout(world)
    bsm = world.cast.client_for(Role.BSM)
    body = {"explanation": "x", "state": "paid"}
    answer = _json(bsm, "patch", _api(f"payouts/{payout.pk}/"), body)
    assert answer.status_code == 400 and "state" in answer.json()


# --- empty or zero filters ---


@pytest.mark.parametrize(
    "query",
    [
        "programs/?state=",
        "enrollments/?state=",
        "deliverables/?state=",
        "extensions/?state=",
        "cases/?state=",
        "payouts/?state=",
        "tasks/?state=",
        "tasks/?kind=",
        "tasks/?scope=",
        "creators/?category=",
        "enrollments/?program=0",
        "extensions/?program=0",
        "payouts/?program=0",
        "payouts/?creator=",
        "tasks/?program=0",
        "metrics/?program=0",
        "metrics/?deliverable=",
    ],
)
def test_an_empty_or_zero_filter_is_a_400_naming_it(world: World, query: str) -> None:
    client = world.cast.client_for(Role.ADMIN)
    answer = client.get(_api(query))
    name = query.split("?")[1].split("=")[0]
    assert answer.status_code == 400, (query, answer.status_code)
    assert name in answer.json()


def test_every_serializer_of_the_project_derives_from_a_strict_base() -> None:
    """A new serializer that would silently drop unknown keys fails here."""
    from django.urls import get_resolver
    from rest_framework import serializers

    from influencer_ops.serializers import (
        QueryFilterSerializer,
        StrictModelSerializer,
        StrictSerializer,
    )

    get_resolver().url_patterns  # noqa: B018 (imports every api module)

    def every(cls: type) -> list[type]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in every(direct))]

    ours = {
        cls
        for cls in every(serializers.Serializer)
        if cls.__module__.split(".")[0]
        in {
            "accounts",
            "organizations",
            "influencers",
            "messaging",
            "programs",
            "tracking",
            "payments",
            "portal",
            "config",
            "integrations",
        }
    }
    assert ours
    loose = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in ours
        if not issubclass(cls, StrictSerializer | StrictModelSerializer | QueryFilterSerializer)
    )
    assert loose == []
