"""Deadlines: reminders and overdue tasks (once, even twice at once), extensions within and
beyond the policy, bulk due-date changes and program auto-completion. Services, pages, API."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from influencer_ops.errors import Conflict, DomainError, Forbidden, NotFound
from influencer_ops.models import AuditEvent
from influencer_ops.tenancy import dangerously_unscoped
from messaging.kinds import TaskKind, TaskState
from messaging.models import Notification, Task
from organizations.roles import Role
from programs.deadlines import services as deadlines
from programs.deadlines.delivery import deliverables_create_for_enrollment
from programs.deadlines.services.reminders import claim_query
from programs.deadlines.tasks import reminder_sweep_all
from programs.models import Deliverable, Extension, ExtensionState, ReminderSent
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState, ProgramState
from programs.tasks import program_date_sweep_all
from tests.conftest import World, confirm_and_launch, login_client
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


def launched(world: World) -> Deliverable:
    confirm_and_launch(world)
    if not Deliverable.objects.filter(enrollment=world.enrollment).exists():
        # The bare moves of confirm_and_launch accept no terms, so launch made no deliverables.
        world.enrollment.terms_version = recruiting.latest_terms(world.enrollment)
        world.enrollment.save(update_fields=["terms_version"])
        deliverables_create_for_enrollment(
            enrollment=world.enrollment, launch_on=world.program.launch_on
        )
    # Due in ten days: pages and the API are used within the session's lifetime.
    due = datetime.now(UTC).date() + timedelta(days=10)
    Deliverable.objects.filter(enrollment=world.enrollment).update(due_on=due, original_due_on=due)
    return Deliverable.objects.get(enrollment=world.enrollment)


def sweep(world: World, today: date) -> deadlines.ReminderSweepResult:
    return deadlines.reminder_sweep(organization=world.cast.org, today=today)


def user(world: World, role: str):
    return world.cast.members[role].user


def creator_notes(world: World, prefix: str = "") -> list[str]:
    """Titles of what the creator was told about deadlines, oldest first."""
    return list(
        Notification.objects.filter(recipient=world.creator.user)
        .exclude(kind="invitation", event_key__startswith="enrollment:")
        .filter(event_key__startswith=prefix)
        .order_by("id")
        .values_list("title", flat=True)
    )


def ask(world: World, deliverable: Deliverable, days: int, reason: str = "I am ill.") -> Extension:
    deliverable.refresh_from_db()
    return deadlines.extension_request(
        deliverable=deliverable,
        user=world.creator.user,
        requested_due_on=deliverable.due_on + timedelta(days=days),
        reason=reason,
    )


def api(world: World, path: str) -> str:
    return f"/api/v1/orgs/{world.cast.org.slug}/{path}"


# --- reminders ---


@pytest.mark.parametrize(
    ("offset", "kind", "days_before"),
    [(-3, "before", 3), (-1, "before", 1), (0, "due_today", 0), (2, "overdue", 0)],
)
def test_each_reminder_goes_out_once_even_when_the_sweep_runs_twice(
    world: World, offset: int, kind: str, days_before: int
) -> None:
    deliverable = launched(world)
    today = deliverable.due_on + timedelta(days=offset)
    first = sweep(world, today)
    second = sweep(world, today)
    assert (first.sent, second.sent) == (1, 0)
    sent = ReminderSent.objects.get(deliverable=deliverable)
    assert (sent.kind, sent.days_before, sent.due_on) == (kind, days_before, deliverable.due_on)
    key = f"reminder:{deliverable.pk}:{deliverable.due_on}:{kind}:{days_before}"
    assert Notification.objects.filter(recipient=world.creator.user, event_key=key).count() == 1


def test_no_reminder_on_days_the_program_does_not_remind(world: World) -> None:
    deliverable = launched(world)
    for offset in (-2, -4, -30):
        assert sweep(world, deliverable.due_on + timedelta(days=offset)).sent == 0
    world.program.reminder_days_before = [2]
    world.program.save()
    assert sweep(world, deliverable.due_on - timedelta(days=2)).before == 1
    assert sweep(world, deliverable.due_on - timedelta(days=3)).sent == 0


def test_the_whole_schedule_sends_four_reminders(world: World) -> None:
    deliverable = launched(world)
    for offset in range(-5, 5):
        sweep(world, deliverable.due_on + timedelta(days=offset))
    kinds = sorted(ReminderSent.objects.values_list("kind", "days_before"))
    assert kinds == [("before", 1), ("before", 3), ("due_today", 0), ("overdue", 0)]
    assert len(creator_notes(world)) == 4
    assert Task.objects.filter(kind=TaskKind.DELIVERABLE_OVERDUE).count() == 1


def test_an_overdue_deliverable_becomes_one_bsm_task(world: World) -> None:
    deliverable = launched(world)
    result = sweep(world, deliverable.due_on + timedelta(days=1))
    assert (result.overdue, result.tasks) == (1, 1)
    sweep(world, deliverable.due_on + timedelta(days=2))
    task = Task.objects.get(kind=TaskKind.DELIVERABLE_OVERDUE)
    assert task.owner_role == "bsm" and task.assignee == user(world, Role.BSM)
    assert task.dedupe_key == f"overdue:{deliverable.pk}:{deliverable.due_on}"
    assert task.enrollment == world.enrollment and task.state == TaskState.OPEN


def test_the_enrollments_own_bsm_gets_the_overdue_task(world: World) -> None:
    deliverable = launched(world)
    world.enrollment.assigned_bsm = user(world, Role.ADMIN)
    world.enrollment.save()
    sweep(world, deliverable.due_on + timedelta(days=1))
    assert Task.objects.get(kind=TaskKind.DELIVERABLE_OVERDUE).assignee == user(world, Role.ADMIN)


@pytest.mark.parametrize("state", ["submitted", "approved", "published", "excused"])
def test_no_reminders_for_work_that_is_in(world: World, state: str) -> None:
    deliverable = launched(world)
    Deliverable.objects.filter(pk=deliverable.pk).update(state=state)
    assert sweep(world, deliverable.due_on).sent == 0
    assert sweep(world, deliverable.due_on + timedelta(days=1)).sent == 0


def test_changes_requested_still_gets_reminders(world: World) -> None:
    deliverable = launched(world)
    Deliverable.objects.filter(pk=deliverable.pk).update(state="changes_requested")
    assert sweep(world, deliverable.due_on).due_today == 1


def test_no_reminders_when_the_enrollment_ended(world: World) -> None:
    deliverable = launched(world)
    world.enrollment.state = EnrollmentState.TERMINATED
    world.enrollment.save()
    assert sweep(world, deliverable.due_on + timedelta(days=1)).sent == 0
    assert not Task.objects.filter(kind=TaskKind.DELIVERABLE_OVERDUE).exists()


def test_the_reminder_sweep_is_index_backed(world: World) -> None:
    deliverable = launched(world)
    today = deliverable.due_on
    # Two years of deliverables, most of them done or far away: the sweep reads only its days.
    Deliverable.objects.bulk_create(
        Deliverable(
            organization=world.cast.org,
            enrollment=world.enrollment,
            program=world.program,
            number=n + 2,
            kind="post",
            platform="instagram",
            state="published" if n % 3 else "pending",
            due_on=today + timedelta(days=n % 730 - 365),
            original_due_on=today,
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE programs_deliverable")
    # The sweep's own claim query: the org stated in it, one scan of the partial index.
    query = claim_query(
        organization=world.cast.org, first=today - timedelta(days=30), last=today, after=0
    )[:500]
    assert f'"organization_id" = {world.cast.org.pk}' in str(query.query)
    plan = query.explain()
    assert "deliverable_due_sweep" in plan, plan
    assert "Join" not in plan and "Nested Loop" not in plan, plan


def test_the_sweep_task_uses_each_orgs_calendar(world: World) -> None:
    deliverable = launched(world)
    world.cast.org.time_zone = "Pacific/Auckland"
    world.cast.org.save()
    # 13:00 UTC the day before is already the due day in Auckland.
    with at(deliverable.due_on - timedelta(days=1), hour=13):
        assert reminder_sweep_all() == 1
    assert ReminderSent.objects.get().kind == "due_today"


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_exactly_once(cast_and_world_unscoped) -> None:
    world = cast_and_world_unscoped
    today = date(2030, 6, 15)
    offsets = [3] * 10 + [1] * 10 + [0] * 5 + [-1] * 5
    with dangerously_unscoped():
        first = launched(world)
        Deliverable.objects.bulk_create(
            Deliverable(
                organization=world.cast.org,
                enrollment=world.enrollment,
                program=world.program,
                number=n + 2,
                kind="post",
                platform="instagram",
                due_on=today + timedelta(days=offset),
                original_due_on=today + timedelta(days=offset),
            )
            for n, offset in enumerate(offsets)
        )
        Deliverable.objects.filter(pk=first.pk).update(state="published")
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(reminder_sweep_all())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with at(today):
        workers = [threading.Thread(target=run) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    assert not errors
    assert sum(results) == 30
    with dangerously_unscoped():
        assert ReminderSent.objects.count() == 30
        reminders = Notification.objects.filter(event_key__startswith="reminder:")
        assert reminders.filter(recipient=world.creator.user).count() == 30
        assert Task.objects.filter(kind=TaskKind.DELIVERABLE_OVERDUE).count() == 5


# --- extensions: the creator's request ---


def test_a_five_day_extension_within_the_policy_is_approved_at_once(world: World) -> None:
    deliverable = launched(world)
    due = deliverable.due_on
    with at(due - timedelta(days=10)):
        extension = ask(world, deliverable, 5)
    assert extension.state == ExtensionState.APPROVED and extension.self_service
    assert extension.decided_by is None and extension.previous_due_on == due
    deliverable.refresh_from_db()
    assert deliverable.due_on == due + timedelta(days=5)
    assert deliverable.original_due_on == due  # the promise stays on record
    note = Notification.objects.get(recipient=world.creator.user, event_key__startswith="ext")
    assert "granted without penalty" in note.title
    assert f"{due + timedelta(days=5):%Y-%m-%d}" in note.title
    audit = AuditEvent.objects.get(verb="extension.approved")
    assert audit.after["penalty"] == "none: granted without penalty"
    assert audit.after["original_due_on"] == f"{due}"
    assert not Task.objects.filter(kind=TaskKind.EXTENSION_REQUEST).exists()


def test_reminders_follow_the_new_due_date(world: World) -> None:
    deliverable = launched(world)
    old = deliverable.due_on
    assert sweep(world, old - timedelta(days=3)).before == 1
    with at(old - timedelta(days=3)):
        ask(world, deliverable, 5)
    new = old + timedelta(days=5)
    assert sweep(world, old).sent == 0  # nothing is due on the old date any more
    # The 3-day reminder already sent for the old date does not block the new date's.
    assert sweep(world, new - timedelta(days=3)).before == 1
    assert sweep(world, new).due_today == 1
    sent = set(ReminderSent.objects.values_list("due_on", "kind", "days_before"))
    assert sent == {(old, "before", 3), (new, "before", 3), (new, "due_today", 0)}


def test_an_open_overdue_task_closes_when_the_new_date_is_ahead(world: World) -> None:
    deliverable = launched(world)
    overdue_day = deliverable.due_on + timedelta(days=1)
    sweep(world, overdue_day)
    task = Task.objects.get(kind=TaskKind.DELIVERABLE_OVERDUE)
    with at(overdue_day):
        ask(world, deliverable, 4)
    task.refresh_from_db()
    assert task.state == TaskState.DONE and "no longer overdue" in task.resolution
    deliverable.refresh_from_db()
    # Overdue again on the new date: a new reminder and a new task.
    result = sweep(world, deliverable.due_on + timedelta(days=1))
    assert (result.overdue, result.tasks) == (1, 1)


def test_a_second_extension_beyond_the_policy_waits_for_the_bsm(world: World) -> None:
    deliverable = launched(world)
    with at(deliverable.due_on - timedelta(days=10)):
        ask(world, deliverable, 5)
        second = ask(world, deliverable, 3)
    assert second.state == ExtensionState.PENDING and not second.self_service
    deliverable.refresh_from_db()
    assert deliverable.due_on == deliverable.original_due_on + timedelta(days=5)
    task = Task.objects.get(kind=TaskKind.EXTENSION_REQUEST)
    assert task.dedupe_key == f"extension:{second.pk}"
    assert task.owner_role == "bsm" and task.assignee == user(world, Role.BSM)
    assert "will decide" in creator_notes(world)[-1]


def test_an_extension_longer_than_the_policy_waits_for_the_bsm(world: World) -> None:
    deliverable = launched(world)
    with at(deliverable.due_on - timedelta(days=10)):
        extension = ask(world, deliverable, 8)
    assert extension.state == ExtensionState.PENDING
    assert deadlines.self_service_left(deliverable) == 1


def test_one_pending_request_at_a_time(world: World) -> None:
    deliverable = launched(world)
    with at(deliverable.due_on - timedelta(days=10)):
        ask(world, deliverable, 20)
        with pytest.raises(Conflict):
            ask(world, deliverable, 2)


@pytest.mark.parametrize(("days", "reason"), [(0, "x"), (-1, "x"), (3, "  ")])
def test_a_bad_request_is_refused(world: World, days: int, reason: str) -> None:
    deliverable = launched(world)
    with at(deliverable.due_on - timedelta(days=10)), pytest.raises(DomainError) as caught:
        ask(world, deliverable, days, reason=reason)
    assert caught.value.status_code == 400
    assert not Extension.objects.exists()


def test_a_new_date_in_the_past_is_refused(world: World) -> None:
    deliverable = launched(world)
    with at(deliverable.due_on + timedelta(days=10)), pytest.raises(DomainError, match="past"):
        ask(world, deliverable, 3)


def test_only_open_work_of_an_active_enrollment_can_be_extended(world: World) -> None:
    deliverable = launched(world)
    Deliverable.objects.filter(pk=deliverable.pk).update(state="published")
    with pytest.raises(Conflict):
        ask(world, deliverable, 3)
    Deliverable.objects.filter(pk=deliverable.pk).update(state="submitted")
    world.enrollment.state = EnrollmentState.WITHDRAWN
    world.enrollment.save()
    with pytest.raises(Conflict):
        ask(world, deliverable, 3)


def test_another_creator_cannot_ask(world: World) -> None:
    deliverable = launched(world)
    with pytest.raises(NotFound):
        deadlines.extension_request(
            deliverable=deliverable,
            user=world.other_creator.user,
            requested_due_on=deliverable.due_on + timedelta(days=2),
            reason="Mine?",
        )


# --- extensions: the BSM's decision ---


def pending(world: World) -> tuple[Deliverable, Extension]:
    deliverable = launched(world)
    with at(deliverable.due_on - timedelta(days=10)):
        extension = ask(world, deliverable, 14)
    return deliverable, extension


def test_approving_moves_the_date_completes_the_task_and_tells_the_creator(world: World) -> None:
    deliverable, extension = pending(world)
    with at(deliverable.due_on - timedelta(days=9)):
        deadlines.extension_decide(
            extension=extension, actor=user(world, Role.BSM), approve=True, note="Get well."
        )
    extension.refresh_from_db()
    deliverable.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED and not extension.self_service
    assert extension.decided_by == user(world, Role.BSM)
    assert deliverable.due_on == extension.requested_due_on
    assert deliverable.original_due_on == extension.previous_due_on
    assert Task.objects.get(kind=TaskKind.EXTENSION_REQUEST).state == TaskState.DONE
    assert "granted without penalty" in creator_notes(world)[-1]


def test_denying_needs_a_note_and_keeps_the_date(world: World) -> None:
    deliverable, extension = pending(world)
    with pytest.raises(DomainError):
        deadlines.extension_decide(
            extension=extension, actor=user(world, Role.BSM), approve=False, note=" "
        )
    deadlines.extension_decide(
        extension=extension, actor=user(world, Role.ADMIN), approve=False, note="Launch day."
    )
    deliverable.refresh_from_db()
    assert deliverable.due_on == deliverable.original_due_on
    assert Extension.objects.get().state == ExtensionState.DENIED
    last = Notification.objects.filter(recipient=world.creator.user).order_by("-id").first()
    assert last is not None and "not granted" in last.title and last.body == "Launch day."


def test_a_date_that_has_passed_cannot_be_approved(world: World) -> None:
    _deliverable, extension = pending(world)
    with at(extension.requested_due_on + timedelta(days=1)), pytest.raises(Conflict):
        deadlines.extension_decide(
            extension=extension, actor=user(world, Role.BSM), approve=True, note=""
        )
    assert Extension.objects.get().state == ExtensionState.PENDING


@pytest.mark.parametrize("role", [Role.ISM, Role.ANALYST, Role.BRAND_MANAGER, Role.APPROVER])
def test_only_a_bsm_or_admin_decides(world: World, role: str) -> None:
    _deliverable, extension = pending(world)
    with pytest.raises(Forbidden):
        deadlines.extension_decide(
            extension=extension, actor=user(world, role), approve=True, note=""
        )


# --- API ---


def test_api_the_creator_asks_and_reads_the_policy(world: World) -> None:
    deliverable = launched(world)
    client = login_client(world.creator.user)
    url = f"/api/v1/me/deliverables/{deliverable.pk}/extension/"
    with at(deliverable.due_on - timedelta(days=10)):
        body = {"requested_due_on": f"{deliverable.due_on + timedelta(days=5)}", "reason": "Ill"}
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "approved" and response.json()["self_service"]
    data = client.get(url).json()
    assert data["policy"].startswith("Up to 7 days, once per deliverable")
    assert data["automatic_extensions_left"] == 0 and len(data["extensions"]) == 1


def test_api_an_earlier_date_is_a_400(world: World) -> None:
    deliverable = launched(world)
    client = login_client(world.creator.user)
    body = {"requested_due_on": f"{deliverable.due_on - timedelta(days=1)}", "reason": "Oops"}
    with at(deliverable.due_on - timedelta(days=10)):
        response = client.post(
            f"/api/v1/me/deliverables/{deliverable.pk}/extension/",
            body,
            content_type="application/json",
        )
    assert response.status_code == 400
    assert "must be after" in response.json()["detail"]


def test_api_another_creators_deliverable_is_a_404(world: World) -> None:
    deliverable = launched(world)
    client = login_client(world.other_creator.user)
    body = {"requested_due_on": f"{deliverable.due_on + timedelta(days=2)}", "reason": "Hi"}
    url = f"/api/v1/me/deliverables/{deliverable.pk}/extension/"
    assert client.post(url, body, content_type="application/json").status_code == 404
    assert client.get(url).status_code == 404
    # Staff are not creators.
    assert login_client(user(world, Role.BSM)).get(url).status_code == 403


def test_api_a_second_pending_request_is_a_409(world: World) -> None:
    deliverable, _extension = pending(world)
    client = login_client(world.creator.user)
    body = {"requested_due_on": f"{deliverable.due_on + timedelta(days=30)}", "reason": "More"}
    with at(deliverable.due_on - timedelta(days=10)):
        response = client.post(
            f"/api/v1/me/deliverables/{deliverable.pk}/extension/",
            body,
            content_type="application/json",
        )
    assert response.status_code == 409


def test_api_the_bsm_approves_and_deciding_twice_is_a_409(world: World) -> None:
    deliverable, extension = pending(world)
    client = world.cast.client_for(Role.BSM)
    url = api(world, f"extensions/{extension.pk}/approve/")
    with at(deliverable.due_on - timedelta(days=9)):
        first = client.post(url, {"note": "OK"}, content_type="application/json")
        again = client.post(url, {"note": "OK"}, content_type="application/json")
        deny = client.post(
            api(world, f"extensions/{extension.pk}/deny/"),
            {"note": "No"},
            content_type="application/json",
        )
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "approved"
    assert first.json()["due_on"] == f"{extension.requested_due_on}"
    assert (again.status_code, deny.status_code) == (409, 409)


@pytest.mark.parametrize("role", [Role.ISM, Role.ANALYST])
def test_api_it_requires_a_bsm_or_admin_to_decide(world: World, role: str) -> None:
    _deliverable, extension = pending(world)
    response = world.cast.client_for(role).post(
        api(world, f"extensions/{extension.pk}/approve/"), {}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Extension.objects.get().state == ExtensionState.PENDING


def test_api_outsider_gets_404(world: World) -> None:
    _deliverable, extension = pending(world)
    client = login_client(world.cast.outsider.user)
    assert client.get(api(world, "extensions/")).status_code == 404
    response = client.post(
        api(world, f"extensions/{extension.pk}/approve/"), {}, content_type="application/json"
    )
    assert response.status_code == 404
    # The outsider's own org does not have it either.
    other = f"/api/v1/orgs/{world.cast.outsider_org.slug}/extensions/{extension.pk}/"
    assert client.get(other).status_code == 404


def test_api_the_list_filters_and_takes_a_constant_number_of_queries(world: World) -> None:
    deliverable, _extension = pending(world)
    client = world.cast.client_for(Role.BSM)
    url = api(world, "extensions/?state=pending")
    assert len(client.get(url).json()["results"]) == 1

    def grow() -> None:
        Deliverable.objects.bulk_create(
            Deliverable(
                organization=world.cast.org,
                enrollment=world.enrollment,
                program=world.program,
                number=n,
                kind="story",
                platform="instagram",
                due_on=deliverable.due_on,
                original_due_on=deliverable.due_on,
            )
            for n in range(2, 7)
        )
        with at(deliverable.due_on - timedelta(days=10)):
            for extra in Deliverable.objects.filter(kind="story"):
                ask(world, extra, 20)

    body = assert_constant_queries(lambda: client.get(url).json(), grow=grow)
    assert len(body["results"]) == 6
    assert client.get(api(world, "extensions/?state=approved")).json()["count"] == 0
    assert client.get(api(world, "extensions/?state=nope")).status_code == 400


# --- pages ---


def test_page_the_creator_sees_the_policy_and_asks(world: World) -> None:
    deliverable = launched(world)
    client = login_client(world.creator.user)
    url = reverse("portal_extension_request", kwargs={"pk": deliverable.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "Up to 7 days, once per deliverable, approved automatically" in page.content.decode()
    new = deliverable.due_on + timedelta(days=3)
    with at(deliverable.due_on - timedelta(days=10)):
        response = client.post(url, {"requested_due_on": f"{new}", "reason": "Travel"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Approved" in page and "automatically" in page and f"{new}" in page
    deliverable.refresh_from_db()
    assert deliverable.due_on == new


def test_page_a_refused_request_shows_the_reason(world: World) -> None:
    deliverable = launched(world)
    client = login_client(world.creator.user)
    url = reverse("portal_extension_request", kwargs={"pk": deliverable.pk})
    body = {"requested_due_on": f"{deliverable.due_on}", "reason": "Same day"}
    with at(deliverable.due_on - timedelta(days=10)):
        response = client.post(url, body)
    assert response.status_code == 400
    assert "must be after" in response.content.decode()


def test_page_another_creator_gets_404(world: World) -> None:
    deliverable = launched(world)
    url = reverse("portal_extension_request", kwargs={"pk": deliverable.pk})
    assert login_client(world.other_creator.user).get(url).status_code == 404


def test_page_the_bsm_decides_on_the_desk(world: World) -> None:
    deliverable, extension = pending(world)
    client = world.cast.client_for(Role.BSM)
    url = reverse("desk_extensions", kwargs={"org_slug": world.cast.org.slug})
    page = client.get(url)
    assert page.status_code == 200 and "I am ill." in page.content.decode()
    decide = reverse(
        "desk_extension_decide", kwargs={"org_slug": world.cast.org.slug, "pk": extension.pk}
    )
    assert client.post(decide, {"decision": "deny", "note": ""}).status_code == 400
    with at(deliverable.due_on - timedelta(days=9)):
        assert client.post(decide, {"decision": "approve", "note": ""}).status_code == 302
        assert client.post(decide, {"decision": "approve", "note": ""}).status_code == 409
    assert Extension.objects.get().state == ExtensionState.APPROVED


@pytest.mark.parametrize(("role", "status"), [(Role.ISM, 403), (Role.ANALYST, 403)])
def test_page_it_requires_a_bsm_or_admin(world: World, role: str, status: int) -> None:
    launched(world)
    client = world.cast.client_for(role)
    slug = world.cast.org.slug
    assert client.get(reverse("desk_extensions", kwargs={"org_slug": slug})).status_code == status
    due = reverse("program_due_dates", kwargs={"org_slug": slug, "pk": world.program.pk})
    assert client.post(due, {"days": 3}).status_code == status


def test_the_due_dates_tab_is_read_by_the_desk_and_moved_by_the_bsm_only(world: World) -> None:
    """ISMs and the brand's program managers read the due dates (the program's tab); only the
    BSM and admins move them: a reader's POST is a 403 and moves nothing."""
    launched(world)
    slug = world.cast.org.slug
    due = reverse("program_due_dates", kwargs={"org_slug": slug, "pk": world.program.pk})
    before = list(Deliverable.objects.values_list("pk", "due_on"))
    for role in (Role.ISM, Role.BRAND_MANAGER):
        client = world.cast.client_for(role)
        page = client.get(due)
        assert page.status_code == 200, role
        assert "Move due dates" not in page.content.decode()
        assert client.post(due, {"days": 3}).status_code == 403
    assert list(Deliverable.objects.values_list("pk", "due_on")) == before
    for role in (Role.APPROVER, Role.ANALYST):
        assert world.cast.client_for(role).get(due).status_code == 403
    page = world.cast.client_for(Role.BSM).get(due)
    assert "Move due dates" in page.content.decode()


def test_page_outsider_gets_404(world: World) -> None:
    _deliverable, extension = pending(world)
    client = login_client(world.cast.outsider.user)
    slug = world.cast.org.slug
    for url in (
        reverse("desk_extensions", kwargs={"org_slug": slug}),
        reverse("program_due_dates", kwargs={"org_slug": slug, "pk": world.program.pk}),
    ):
        assert client.get(url).status_code == 404
    # In their own org, our program and extension are missing.
    own = world.cast.outsider_org.slug
    assert (
        client.get(
            reverse("program_due_dates", kwargs={"org_slug": own, "pk": world.program.pk})
        ).status_code
        == 404
    )
    decide = reverse("desk_extension_decide", kwargs={"org_slug": own, "pk": extension.pk})
    assert client.post(decide, {"decision": "approve"}).status_code == 404


# --- bulk due-date changes ---


def test_bulk_shift_moves_every_open_deliverable_and_is_audited(world: World) -> None:
    deliverable = launched(world)
    old = deliverable.due_on
    with at(old - timedelta(days=10)):
        moved = deadlines.due_dates_shift(
            program=world.program, actor=user(world, Role.BSM), days=7
        )
    assert moved == 1
    deliverable.refresh_from_db()
    assert (deliverable.due_on, deliverable.original_due_on) == (old + timedelta(days=7), old)
    audit = AuditEvent.objects.get(verb="program.due_dates_shifted")
    assert audit.before["due_on"] == {str(deliverable.pk): f"{old}"}
    assert audit.after["due_on"] == {str(deliverable.pk): f"{old + timedelta(days=7)}"}
    assert "New due dates in Spring Glow" in creator_notes(world)


def test_bulk_shift_to_a_date_for_chosen_deliverables(world: World) -> None:
    deliverable = launched(world)
    Deliverable.objects.bulk_create(
        [
            Deliverable(
                organization=world.cast.org,
                enrollment=world.enrollment,
                program=world.program,
                number=2,
                kind="story",
                platform="instagram",
                due_on=deliverable.due_on,
                original_due_on=deliverable.due_on,
            )
        ]
    )
    target = deliverable.due_on + timedelta(days=20)
    with at(deliverable.due_on - timedelta(days=10)):
        deadlines.due_dates_shift(
            program=world.program,
            actor=user(world, Role.ADMIN),
            new_due_on=target,
            deliverable_ids=[deliverable.pk],
        )
    dates = dict(Deliverable.objects.values_list("kind", "due_on"))
    assert dates == {"post": target, "story": deliverable.due_on}


def test_bulk_shift_refusals(world: World) -> None:
    deliverable = launched(world)
    bsm = user(world, Role.BSM)
    with at(deliverable.due_on - timedelta(days=2)):
        with pytest.raises(DomainError, match="past"):
            deadlines.due_dates_shift(program=world.program, actor=bsm, days=-5)
        with pytest.raises(DomainError):
            deadlines.due_dates_shift(program=world.program, actor=bsm)
        with pytest.raises(DomainError, match="not open"):
            deadlines.due_dates_shift(
                program=world.program, actor=bsm, days=1, deliverable_ids=[deliverable.pk + 999]
            )
        with pytest.raises(Forbidden):
            deadlines.due_dates_shift(program=world.program, actor=user(world, Role.ISM), days=1)
    deliverable.refresh_from_db()
    assert deliverable.due_on == deliverable.original_due_on


def test_bulk_shift_closes_overdue_tasks_and_reminders_follow(world: World) -> None:
    deliverable = launched(world)
    old = deliverable.due_on
    sweep(world, old + timedelta(days=1))
    with at(old + timedelta(days=1)):
        deadlines.due_dates_shift(program=world.program, actor=user(world, Role.BSM), days=10)
    assert Task.objects.get(kind=TaskKind.DELIVERABLE_OVERDUE).state == TaskState.DONE
    assert sweep(world, old + timedelta(days=7)).before == 1


def test_page_bulk_shift(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.BSM)
    url = reverse(
        "program_due_dates", kwargs={"org_slug": world.cast.org.slug, "pk": world.program.pk}
    )
    page = client.get(url)
    assert page.status_code == 200 and "Cara Creator" in page.content.decode()
    assert client.post(url, {}).status_code == 400
    with at(deliverable.due_on - timedelta(days=10)):
        response = client.post(url, {"days": "3", "deliverables": [str(deliverable.pk)]})
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.due_on == deliverable.original_due_on + timedelta(days=3)


# --- auto-completion ---


def test_auto_completion_waits_until_every_deliverable_is_done(world: World) -> None:
    deliverable = launched(world)
    after_end = world.program.end_on + timedelta(days=1)
    sweep_complete = deadlines.program_auto_complete_sweep
    assert sweep_complete(organization=world.cast.org, today=world.program.end_on) == 0
    assert sweep_complete(organization=world.cast.org, today=after_end) == 0  # still pending
    Deliverable.objects.filter(pk=deliverable.pk).update(state="approved")
    assert sweep_complete(organization=world.cast.org, today=after_end) == 0
    Deliverable.objects.filter(pk=deliverable.pk).update(state="published")
    assert sweep_complete(organization=world.cast.org, today=after_end) == 1
    assert sweep_complete(organization=world.cast.org, today=after_end) == 0
    world.program.refresh_from_db()
    assert world.program.state == ProgramState.COMPLETED
    assert AuditEvent.objects.get(verb="program.completed").actor_label == "system"


def test_auto_completion_ignores_the_work_of_ended_enrollments(world: World) -> None:
    launched(world)
    world.enrollment.state = EnrollmentState.TERMINATED
    world.enrollment.save()
    with at(world.program.end_on + timedelta(days=1)):
        assert program_date_sweep_all() == 1  # the beat task that completes programs
        assert program_date_sweep_all() == 0
    world.program.refresh_from_db()
    assert world.program.state == ProgramState.COMPLETED
