"""Hours: a creator logs time per enrollment (page and API), each refusal is a clean 4xx, staff
see the hourly rate on the hub and the program report, and well over the expected hours opens
one scope task per enrollment."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from influencer_ops.audit import AuditVerb
from influencer_ops.errors import Conflict, FieldError, NotFound
from influencer_ops.models import AuditEvent
from messaging.kinds import OwnerRole, TaskKind
from messaging.models import Task
from messaging.services.queue import task_complete
from organizations.roles import Role
from programs.hours import services as hours
from programs.hours.selectors import enrollment_hours, program_hours
from programs.models import DeliverableSpec, TimeEntry
from programs.services import deliverable_spec_add
from tests.conftest import World, confirm_and_launch, make_payout
from tests.factories import EnrollmentFactory, TimeEntryFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def _log(world: World, hours_: str = "2.5", **fields: Any) -> TimeEntry:
    values = {
        "enrollment": world.enrollment,
        "user": world.creator.user,
        "worked_on": timezone.localdate(),
        "hours": Decimal(hours_),
        "description": "Filming",
        **fields,
    }
    return hours.time_entry_log(**values)


def _expect(world: World, per_deliverable: str) -> None:
    DeliverableSpec.objects.filter(program=world.program).update(
        expected_hours=Decimal(per_deliverable)
    )


# --- the service and its refusals ---


def test_a_creator_logs_hours_with_an_audit_event(launched: World) -> None:
    entry = _log(launched, "2.5")
    assert entry.hours == Decimal("2.50") and entry.creator_id == launched.creator.pk
    event = AuditEvent.objects.get(verb=AuditVerb.TIME_ENTRY_LOGGED)
    assert event.after["hours"] == "2.50" and event.actor == launched.creator.user


@pytest.mark.parametrize("value", ["0", "-1", "24.01", "1.255"])
def test_zero_negative_too_many_or_too_precise_hours_are_refused(
    launched: World, value: str
) -> None:
    with pytest.raises(FieldError) as refused:
        _log(launched, value)
    assert refused.value.field == "hours" and refused.value.status_code == 400
    assert not TimeEntry.objects.exists()


def test_more_than_24_hours_in_a_day_across_entries_is_refused(launched: World) -> None:
    _log(launched, "20")
    with pytest.raises(FieldError, match="already logged 20 hours"):
        _log(launched, "4.25")
    _log(launched, "4")  # exactly 24 is fine
    yesterday = timezone.localdate() - timedelta(days=1)
    launched.enrollment.invited_at -= timedelta(days=3)
    _log(launched, "8", worked_on=yesterday)  # another day has its own 24


def test_the_day_limit_counts_the_creators_other_enrollments_too(launched: World) -> None:
    other = EnrollmentFactory(
        organization=launched.cast.org, creator=launched.creator, state="active"
    )
    TimeEntryFactory(enrollment=other, hours=Decimal("23"))
    with pytest.raises(FieldError, match="24 hours"):
        _log(launched, "1.5")


def test_a_day_in_the_future_is_refused(launched: World) -> None:
    with pytest.raises(FieldError) as refused:
        _log(launched, worked_on=timezone.localdate() + timedelta(days=1))
    assert refused.value.field == "worked_on"


def test_another_creators_enrollment_is_not_found(launched: World) -> None:
    with pytest.raises(NotFound):
        _log(launched, user=launched.other_creator.user)


def test_a_place_that_does_not_work_takes_no_hours(world: World) -> None:
    with pytest.raises(Conflict):  # still invited
        _log(world)


def test_changing_keeps_the_day_limit_without_counting_itself(launched: World) -> None:
    entry = _log(launched, "20")
    hours.time_entry_change(
        entry=entry,
        user=launched.creator.user,
        worked_on=entry.worked_on,
        hours=Decimal("24"),
        description="All day",
    )
    entry.refresh_from_db()
    assert entry.hours == Decimal("24.00")
    with pytest.raises(NotFound):
        hours.time_entry_delete(entry=entry, user=launched.other_creator.user)
    hours.time_entry_delete(entry=entry, user=launched.creator.user)
    assert not TimeEntry.objects.exists()
    assert AuditEvent.objects.filter(verb=AuditVerb.TIME_ENTRY_DELETED).count() == 1


# --- scope: well over the expected hours opens one task ---


def test_well_over_the_expected_hours_opens_one_bsm_task_once(launched: World) -> None:
    _expect(launched, "4")  # one post: 4 hours expected; "well over" is past 6
    _log(launched, "6")
    assert not Task.objects.filter(kind=TaskKind.HOURS_OVER_SCOPE).exists()
    _log(launched, "0.5")
    task = Task.objects.get(kind=TaskKind.HOURS_OVER_SCOPE)
    assert task.owner_role == OwnerRole.BSM  # the program is launched
    assert task.assignee == launched.cast.members[Role.BSM].user
    assert task.enrollment == launched.enrollment and "6.5" in task.title
    task_complete(task=task, actor=task.assignee, resolution="Talked: the fee goes up.")
    _log(launched, "3")  # still over, the task done: no second one, ever
    assert Task.objects.filter(kind=TaskKind.HOURS_OVER_SCOPE).count() == 1


def test_no_expected_hours_means_no_scope_task(launched: World) -> None:
    _log(launched, "24")
    assert not Task.objects.filter(kind=TaskKind.HOURS_OVER_SCOPE).exists()


def test_expected_hours_are_set_on_the_deliverable_spec_page_and_api(world: World) -> None:
    client = world.cast.client_for(Role.ADMIN)
    org = world.cast.org.slug
    page = f"/orgs/{org}/programs/{world.program.pk}/deliverables/"
    answer = client.post(
        page,
        {
            "kind": "story",
            "platform": "instagram",
            "count": 2,
            "due_offset_days": 3,
            "expected_hours": "1.5",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert DeliverableSpec.objects.get(kind="story").expected_hours == Decimal("1.50")
    assert "1.50" in client.get(page).content.decode()
    api = f"/api/v1/orgs/{org}/programs/{world.program.pk}/deliverable-specs/"
    created = client.post(
        api,
        {
            "kind": "reel",
            "platform": "instagram",
            "count": 1,
            "due_offset_days": 3,
            "expected_hours": "3",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["expected_hours"] == "3.00"
    refused = client.post(
        api,
        {
            "kind": "reel",
            "platform": "instagram",
            "count": 1,
            "due_offset_days": 3,
            "expected_hours": "0",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400


# --- staff: the rate on the hub and the report ---


def test_the_hub_shows_hours_and_the_hourly_rate(launched: World) -> None:
    _log(launched, "10")
    client = launched.cast.client_for(Role.ADMIN)
    page = client.get(f"/orgs/northwind/enrollments/{launched.enrollment.pk}/").content.decode()
    assert 'data-figure="hourly-rate"' in page
    assert "$25.00" in page  # the $250 fee ÷ 10 hours
    make_payout(launched, amount="300.00")
    summary = enrollment_hours(enrollment=launched.enrollment, with_money=True)
    assert summary.rate == Decimal("30.00")  # earned beats the fee
    assert enrollment_hours(enrollment=launched.enrollment, with_money=False).rate == Decimal(
        "25.00"
    )


def test_the_program_report_lists_hours_per_creator(launched: World) -> None:
    _log(launched, "5")
    client = launched.cast.client_for(Role.ADMIN)
    page = client.get(f"/orgs/northwind/programs/{launched.program.pk}/report/").content.decode()
    assert 'data-report="hours"' in page and "Cara Creator" in page
    assert "$50.00" in page  # $250 ÷ 5 h
    assert program_hours(program=launched.program).rate == Decimal("50.00")


def test_the_program_hours_issue_a_constant_number_of_queries(launched: World) -> None:
    program = launched.program

    def grow() -> None:
        for _ in range(5):
            enrollment = EnrollmentFactory(
                organization=launched.cast.org, program=program, state="active"
            )
            TimeEntryFactory(enrollment=enrollment)
            make_payout(launched, enrollment=enrollment, key=f"k{enrollment.pk}")

    assert_constant_queries(lambda: program_hours(program=program).rows, grow=grow)


# --- the portal ---


def test_the_creator_logs_hours_from_their_enrollment_page(launched: World) -> None:
    client = launched.creator_client()
    pk = launched.enrollment.pk
    assert (
        f"/portal/enrollments/{pk}/hours/"
        in client.get(f"/portal/invitations/{pk}/").content.decode()
    )
    today = timezone.localdate().isoformat()
    answer = client.post(
        f"/portal/enrollments/{pk}/hours/",
        {"worked_on": today, "hours": "3.25", "description": "Shoot"},
    )
    assert answer.status_code == 302
    entry = TimeEntry.objects.get()
    page = client.get(f"/portal/enrollments/{pk}/hours/").content.decode()
    assert "Shoot" in page and f"/portal/hours/{entry.pk}/" in page
    changed = client.post(
        f"/portal/hours/{entry.pk}/", {"worked_on": today, "hours": "4", "description": "Shoot"}
    )
    assert changed.status_code == 302
    entry.refresh_from_db()
    assert entry.hours == Decimal("4.00")
    assert client.post(f"/portal/hours/{entry.pk}/delete/").status_code == 302
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(
    ("hours_", "days", "message"),
    [
        ("0", 0, "more than 0"),
        ("-2", 0, "more than 0"),
        ("25", 0, "at most 24"),
        ("2", 1, "in the future"),
    ],
)
def test_the_portal_form_refuses_with_a_400_and_the_reason(
    launched: World, hours_: str, days: int, message: str
) -> None:
    client = launched.creator_client()
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    answer = client.post(
        f"/portal/enrollments/{launched.enrollment.pk}/hours/",
        {"worked_on": day, "hours": hours_, "description": "x"},
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not TimeEntry.objects.exists()


def test_another_creators_hours_pages_are_404(launched: World) -> None:
    entry = _log(launched)
    other = launched.creator_client("other_creator")
    assert other.get(f"/portal/enrollments/{launched.enrollment.pk}/hours/").status_code == 404
    assert other.get(f"/portal/hours/{entry.pk}/").status_code == 404
    assert other.post(f"/portal/hours/{entry.pk}/delete/").status_code == 404
    assert (
        launched.cast.client_for(Role.ADMIN)
        .get(f"/portal/enrollments/{launched.enrollment.pk}/hours/")
        .status_code
        == 403
    )


# --- the API ---


def _api_post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/me/time-entries/", json.dumps(body), content_type="application/json"
    )


def test_the_api_lists_creates_and_deletes_the_creators_own_hours(launched: World) -> None:
    client = launched.creator_client()
    body = {
        "enrollment": launched.enrollment.pk,
        "worked_on": timezone.localdate().isoformat(),
        "hours": "1.5",
        "description": "Editing",
    }
    created = _api_post(client, body)
    assert created.status_code == 201, created.content
    assert created.json()["hours"] == "1.50" and created.json()["program_name"] == "Spring Glow"
    listed = client.get(f"/api/v1/me/time-entries/?enrollment={launched.enrollment.pk}")
    assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]
    other = launched.creator_client("other_creator")
    assert other.get("/api/v1/me/time-entries/").json()["results"] == []
    assert other.delete(f"/api/v1/me/time-entries/{created.json()['id']}/").status_code == 404
    assert client.delete(f"/api/v1/me/time-entries/{created.json()['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"hours": "0"}, 400),
        ({"hours": "-1"}, 400),
        ({"hours": "30"}, 400),
        ({"worked_on": "2999-01-01"}, 400),
        ({"surprise": 1}, 400),
        ({"deliverable": 999999}, 400),
        ({"enrollment": 999999}, 404),
    ],
)
def test_the_api_refuses_cleanly(launched: World, change: dict[str, Any], status: int) -> None:
    body = {
        "enrollment": launched.enrollment.pk,
        "worked_on": timezone.localdate().isoformat(),
        "hours": "1",
        "description": "Editing",
        **change,
    }
    answer = _api_post(launched.creator_client(), body)
    assert answer.status_code == status, answer.content
    assert not TimeEntry.objects.exists()


def test_the_api_answers_404_for_another_creators_enrollment(launched: World) -> None:
    body = {
        "enrollment": launched.enrollment.pk,
        "worked_on": timezone.localdate().isoformat(),
        "hours": "1",
        "description": "Editing",
    }
    assert _api_post(launched.creator_client("other_creator"), body).status_code == 404
    assert _api_post(launched.cast.client_for(Role.ADMIN), body).status_code == 403


def test_the_api_list_issues_a_constant_number_of_queries(launched: World) -> None:
    client = launched.creator_client()
    TimeEntryFactory(enrollment=launched.enrollment, hours=Decimal("0.5"))

    def grow() -> None:
        for _ in range(5):
            TimeEntryFactory(enrollment=launched.enrollment, hours=Decimal("0.5"))

    assert_constant_queries(lambda: client.get("/api/v1/me/time-entries/"), grow=grow)


def test_the_portal_hours_page_issues_a_constant_number_of_queries(launched: World) -> None:
    client = launched.creator_client()
    url = f"/portal/enrollments/{launched.enrollment.pk}/hours/"

    def grow() -> None:
        for _ in range(5):
            TimeEntryFactory(enrollment=launched.enrollment, hours=Decimal("0.5"))

    assert_constant_queries(lambda: client.get(url), grow=grow)


def test_the_spec_add_service_refuses_silly_expected_hours(world: World) -> None:
    from programs.services import ProgramInvalid

    with pytest.raises(ProgramInvalid):
        deliverable_spec_add(
            program=world.program,
            actor=world.cast.members[Role.ADMIN].user,
            kind="post",
            platform="instagram",
            count=1,
            due_offset_days=1,
            expected_hours=Decimal("5000"),
        )


def test_the_hours_endpoints_are_in_the_openapi_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/me/time-entries/"])
    assert "delete" in paths["/api/v1/me/time-entries/{id}/"]
    create = paths["/api/v1/me/time-entries/"]["post"]
    assert "201" in create["responses"]


@pytest.mark.parametrize("state", ["terminated", "withdrawn", "invited"])
def test_a_place_that_ended_or_never_started_is_a_409_through_the_api(
    launched: World, state: str
) -> None:
    ended = EnrollmentFactory(organization=launched.cast.org, creator=launched.creator, state=state)
    body = {
        "enrollment": ended.pk,
        "worked_on": timezone.localdate().isoformat(),
        "hours": "1",
        "description": "Editing",
    }
    answer = _api_post(launched.creator_client(), body)
    assert answer.status_code == 409, answer.content
    assert "place" in answer.json()["detail"]


def test_an_invitation_has_no_hours_page_nor_link(world: World) -> None:
    client = world.creator_client()
    pk = world.enrollment.pk  # still invited
    assert client.get(f"/portal/enrollments/{pk}/hours/").status_code == 404
    assert f"/portal/enrollments/{pk}/hours/" not in client.get("/portal/").content.decode()
    invitation = client.get(f"/portal/invitations/{pk}/").content.decode()
    assert f"/portal/enrollments/{pk}/hours/" not in invitation
