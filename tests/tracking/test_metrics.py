"""Imported metrics (CSV and API: all or nothing, idempotent upserts, tenant- and brand-safe)
and pace (underperformance flagged once to the BSM with the numbers, closed on recovery)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from influencer_ops.calendar import org_today
from influencer_ops.errors import Forbidden
from influencer_ops.models import AuditEvent
from messaging.kinds import TaskKind, TaskState
from messaging.models import Task, TaskEvent
from organizations.models import Brand
from organizations.roles import Role
from programs.deadlines.delivery import deliverables_create_for_enrollment
from programs.models import Deliverable, Enrollment, Program
from programs.recruiting import services as recruiting
from programs.states import EnrollmentState
from tests.conftest import World, build_world, confirm_and_launch, login_client, make_creator
from tests.factories import member
from tests.helpers import assert_constant_queries
from tracking.metrics import import_rows
from tracking.metrics import services as metrics
from tracking.models import ClickEvent, DailyClicks, MetricRecord, TrackedLink
from tracking.pace import services as pace
from tracking.pace.tasks import pace_sweep_all

pytestmark = pytest.mark.django_db

HEADER = "deliverable,date,reach,impressions,likes,comments,shares,saves,views"
WRITERS = {Role.ADMIN, Role.BSM, Role.BRAND_MANAGER}
READERS = {Role.ADMIN, Role.ISM, Role.BSM, Role.BRAND_MANAGER, Role.ANALYST}


def launched(world: World) -> Deliverable:
    """Launch the world's program; its creator's one deliverable."""
    confirm_and_launch(world)
    if world.enrollment.terms_version_id is None:
        # The bare moves of confirm_and_launch accept no terms: put the latest in force.
        world.enrollment.terms_version = recruiting.latest_terms(world.enrollment)
        world.enrollment.save(update_fields=["terms_version"])
    deliverables_create_for_enrollment(
        enrollment=world.enrollment, launch_on=world.program.launch_on
    )
    return Deliverable.objects.filter(enrollment=world.enrollment).order_by("pk")[0]


def admin(world: World) -> Any:
    return world.cast.members[Role.ADMIN].user


def today(world: World) -> date:
    return org_today(world.cast.org)


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def do_import(world: World, text: str, role: str = Role.ADMIN) -> metrics.ImportReport:
    return metrics.metrics_import_csv(
        organization=world.cast.org, actor=world.cast.members[role].user, file_text=text
    )


def problems(report: metrics.ImportReport) -> set[tuple[int, str]]:
    return {(p.line, p.column) for p in report.problems}


def outsider_deliverable(world: World) -> Deliverable:
    """A launched deliverable of another organization."""
    cast = world.cast
    other_org, brand = cast.outsider_org, Brand.objects.get(organization=cast.outsider_org)
    program = Program.objects.create(organization=other_org, brand=brand, name="Acme Crunch")
    creator = make_creator(other_org, "Ada Acme", "ada@acme.test")
    enrollment = Enrollment.objects.create(
        organization=other_org, program=program, creator=creator, state=EnrollmentState.ACTIVE
    )
    return Deliverable.objects.create(
        organization=other_org,
        enrollment=enrollment,
        program=program,
        kind="post",
        platform="instagram",
        due_on=today(world),
        original_due_on=today(world),
    )


# --- the CSV import ---


def test_a_good_file_is_saved_row_by_row(world: World) -> None:
    deliverable = launched(world)
    day, before = today(world), today(world) - timedelta(days=1)
    text = csv_of(
        f"{deliverable.pk},{before},100,150,10,2,1,3,", f"{deliverable.pk},{day},5,,,,,,7"
    )

    report = do_import(world, text)

    assert report.ok, report.problems
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    first = MetricRecord.objects.get(deliverable=deliverable, day=before)
    assert first.source == MetricRecord.Source.CSV
    assert (first.reach, first.impressions, first.likes, first.comments) == (100, 150, 10, 2)
    assert (first.shares, first.saves, first.views, first.engagements) == (1, 3, 0, 16)
    second = MetricRecord.objects.get(deliverable=deliverable, day=day)
    assert (second.reach, second.impressions, second.views) == (5, 0, 7)
    event = AuditEvent.objects.get(verb="metrics.imported")
    assert event.actor == admin(world)
    assert event.after is not None and event.after["created"] == 2


def test_count_columns_may_be_left_out_and_a_bom_is_fine(world: World) -> None:
    deliverable = launched(world)
    text = "\ufeffDate,Deliverable,Views\n" + f"{today(world)},{deliverable.pk},42\n"

    report = do_import(world, text)

    assert report.ok, report.problems
    record = MetricRecord.objects.get(deliverable=deliverable)
    assert (record.views, record.reach, record.likes) == (42, 0, 0)


def test_bad_rows_are_reported_with_their_line_and_nothing_is_saved(world: World) -> None:
    deliverable = launched(world)
    foreign = outsider_deliverable(world)
    day = today(world)
    text = csv_of(
        f"{deliverable.pk},{day - timedelta(days=3)},10,10,1,1,1,1,1",  # 2: fine
        f"{deliverable.pk},{day - timedelta(days=4)},-5,10,1,1,1,1,1",  # 3: negative
        f"{deliverable.pk},{day + timedelta(days=1)},10,10,1,1,1,1,1",  # 4: future
        f"999999999,{day},10,10,1,1,1,1,1",  # 5: unknown deliverable
        f"{foreign.pk},{day},10,10,1,1,1,1,1",  # 6: another org's
        f"{deliverable.pk},{day - timedelta(days=5)},10,lots,1,1,1.5,1,1",  # 7: non-numeric
        f"{deliverable.pk},{day - timedelta(days=3)},11,10,1,1,1,1,1",  # 8: duplicate of 2
        f"abc,{day},1,1,1,1,1,1,1",  # 9: not an id
        f"{deliverable.pk},14/03/2025,1,1,1,1,1,1,1",  # 10: not ISO
        f"{deliverable.pk},{day}",  # 11: short row
    )

    report = do_import(world, text)

    assert not report.ok
    assert problems(report) == {
        (3, "reach"),
        (4, "date"),
        (5, "deliverable"),
        (6, "deliverable"),
        (7, "impressions"),
        (7, "shares"),
        (8, ""),
        (9, "deliverable"),
        (10, "date"),
        (11, ""),
    }
    by_line = {(p.line, p.column): p.message for p in report.problems}
    assert "negative" in by_line[(3, "reach")]
    assert "future" in by_line[(4, "date")]
    assert "whole number" in by_line[(7, "impressions")]
    assert "line 2" in by_line[(8, "")]
    # Another org's deliverable gets the very words of a missing one.
    assert by_line[(5, "deliverable")] == "Unknown deliverable 999999999."
    assert by_line[(6, "deliverable")] == f"Unknown deliverable {foreign.pk}."
    assert not MetricRecord.objects.exists()
    assert not AuditEvent.objects.filter(verb="metrics.imported").exists()


def test_re_importing_the_same_file_changes_nothing(world: World) -> None:
    deliverable = launched(world)
    day = today(world)
    text = csv_of(f"{deliverable.pk},{day - timedelta(days=1)},100,150,10,2,1,3,9")
    do_import(world, text)
    saved = MetricRecord.objects.get()
    audits = AuditEvent.objects.filter(verb="metrics.imported").count()

    again = do_import(world, text)

    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert MetricRecord.objects.get().updated_at == saved.updated_at
    assert AuditEvent.objects.filter(verb="metrics.imported").count() == audits

    changed = do_import(world, text.replace(",9\n", ",12\n"))

    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 0)
    assert MetricRecord.objects.get().views == 12


def test_the_file_header_is_checked(world: World) -> None:
    launched(world)
    report = do_import(world, csv_of("1,2025-01-01,1", header="deliverable,day,reach"))
    assert problems(report) == {(1, "day"), (1, "date")}
    assert do_import(world, HEADER + "\n").problems[0].message.startswith("The file has a header")


def test_the_row_and_size_limits_hold(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    deliverable = launched(world)
    rows = [f"{deliverable.pk},{today(world) - timedelta(days=n)},1,,,,,," for n in range(4)]
    monkeypatch.setattr(import_rows, "METRICS_IMPORT_MAX_ROWS", 3)
    report = do_import(world, csv_of(*rows))
    assert problems(report) == {(5, "")}
    assert "at most 3 rows" in report.problems[0].message
    monkeypatch.setattr(import_rows, "MAX_IMPORT_BYTES", 50)
    assert "too large" in do_import(world, csv_of(*rows[:1])).problems[0].message
    assert not MetricRecord.objects.exists()


def test_the_future_is_judged_on_the_org_calendar(world: World) -> None:
    deliverable = launched(world)
    world.cast.org.time_zone = "Pacific/Kiritimati"  # UTC+14
    world.cast.org.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2030, 6, 1, 12, tzinfo=UTC), tick=False):
        ok = do_import(world, csv_of(f"{deliverable.pk},2030-06-02,1,,,,,,"))
        late = do_import(world, csv_of(f"{deliverable.pk},2030-06-03,1,,,,,,"))
    assert ok.ok, ok.problems
    assert problems(late) == {(2, "date")}


def test_brand_managers_import_for_their_brands_only(world: World) -> None:
    deliverable = launched(world)
    text = csv_of(f"{deliverable.pk},{today(world)},1,,,,,,")
    assert do_import(world, text, Role.BRAND_MANAGER).ok
    other = member(world.cast.org, Role.BRAND_MANAGER, brands=[world.cast.other_brand])
    report = metrics.metrics_import_csv(
        organization=world.cast.org, actor=other.user, file_text=text
    )
    assert problems(report) == {(2, "deliverable")}
    for role in (Role.ISM, Role.ANALYST, Role.APPROVER):
        with pytest.raises(Forbidden):
            do_import(world, text, role)


# --- the import page ---


def page_url(world: World) -> str:
    return reverse("metrics_import", kwargs={"org_slug": world.cast.org.slug})


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_the_import_page_requires_a_writer(world: World, role: str) -> None:
    response = world.cast.client_for(role).get(page_url(world))
    assert response.status_code == (200 if role in WRITERS else 403)


def test_outsider_gets_404_on_the_import_page(world: World) -> None:
    client = login_client(world.cast.outsider.user)
    assert client.get(page_url(world)).status_code == 404
    assert client.post(page_url(world), {"text": HEADER}).status_code == 404


def test_the_import_page_imports_a_file_and_shows_problems(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.BSM)
    page = client.get(page_url(world))
    assert b"YYYY-MM-DD" in page.content and b"impressions" in page.content

    upload = SimpleUploadedFile(
        "m.csv", csv_of(f"{deliverable.pk},{today(world)},7,,,,,,").encode(), "text/csv"
    )
    response = client.post(page_url(world), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert b"1 new, 0 updated, 0 unchanged" in response.content
    assert MetricRecord.objects.get().reach == 7

    bad = client.post(page_url(world), {"text": csv_of(f"{deliverable.pk},{today(world)},-1")})
    assert bad.status_code == 400
    assert "Nothing was imported" in bad.content.decode()
    assert '<th scope="row">2</th>' in bad.content.decode()
    assert MetricRecord.objects.get().reach == 7
    assert client.post(page_url(world), {}).status_code == 400


def test_the_import_page_lists_deliverable_ids_of_a_program(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.BRAND_MANAGER)
    response = client.get(page_url(world), {"program": world.program.pk})
    assert response.status_code == 200
    assert f"<code>{deliverable.pk}</code>" in response.content.decode()
    assert "Cara Creator" in response.content.decode()


# --- the API ---


def api_url(world: World, suffix: str = "") -> str:
    return f"/api/v1/orgs/{world.cast.org.slug}/metrics/{suffix}"


def post_record(client: Client, world: World, deliverable_id: int, **values: Any) -> Any:
    body = {"deliverable": deliverable_id, "day": str(today(world)), **values}
    return client.post(api_url(world), body, content_type="application/json")


def test_api_create_is_an_upsert(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.ADMIN)

    created = post_record(client, world, deliverable.pk, reach=10, likes=3)
    assert created.status_code == 201, created.json()
    assert created.json()["source"] == "api"
    assert created.json()["program"] == world.program.pk
    assert (created.json()["reach"], created.json()["engagements"]) == (10, 3)

    same = post_record(client, world, deliverable.pk, reach=10, likes=3)
    assert same.status_code == 200 and same.json()["id"] == created.json()["id"]
    assert AuditEvent.objects.filter(verb="metric.recorded").count() == 1

    updated = post_record(client, world, deliverable.pk, reach=12)
    assert updated.status_code == 200
    record = MetricRecord.objects.get()
    assert (record.reach, record.likes, record.source) == (12, 0, "api")
    assert AuditEvent.objects.filter(verb="metric.recorded").count() == 2


def test_api_and_csv_records_are_kept_apart(world: World) -> None:
    deliverable = launched(world)
    do_import(world, csv_of(f"{deliverable.pk},{today(world)},5,,,,,,"))
    post_record(world.cast.client_for(Role.ADMIN), world, deliverable.pk, reach=9)
    assert sorted(MetricRecord.objects.values_list("source", "reach")) == [("api", 9), ("csv", 5)]


def test_api_create_refuses_bad_values(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.ADMIN)
    negative = post_record(client, world, deliverable.pk, reach=-1)
    assert negative.status_code == 400 and "reach" in negative.json()
    future = client.post(
        api_url(world),
        {"deliverable": deliverable.pk, "day": str(today(world) + timedelta(days=1))},
        content_type="application/json",
    )
    assert future.status_code == 400 and "day" in future.json()
    assert not MetricRecord.objects.exists()


def test_api_create_for_another_orgs_deliverable_is_404(world: World) -> None:
    launched(world)
    foreign = outsider_deliverable(world)
    client = world.cast.client_for(Role.ADMIN)
    assert post_record(client, world, foreign.pk, reach=1).status_code == 404
    assert post_record(client, world, 999999999, reach=1).status_code == 404
    assert not MetricRecord.objects.exists()


def test_api_create_for_a_brand_not_covered_is_404(world: World) -> None:
    deliverable = launched(world)
    other = member(world.cast.org, Role.BRAND_MANAGER, brands=[world.cast.other_brand])
    assert post_record(login_client(other.user), world, deliverable.pk).status_code == 404
    own = post_record(world.cast.client_for(Role.BRAND_MANAGER), world, deliverable.pk)
    assert own.status_code == 201


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_api_list_requires_a_reader(world: World, role: str) -> None:
    response = world.cast.client_for(role).get(api_url(world))
    assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_api_writes_require_a_writer(world: World, role: str) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(role)
    create = post_record(client, world, deliverable.pk, reach=1)
    assert create.status_code == (201 if role in WRITERS else 403)
    text = csv_of(f"{deliverable.pk},{today(world)},2,,,,,,")
    imported = client.post(api_url(world, "import/"), text, content_type="text/csv")
    assert imported.status_code == (200 if role in WRITERS else 403)


def test_outsider_gets_404_from_the_api(world: World) -> None:
    deliverable = launched(world)
    MetricRecord.objects.create(
        organization=world.cast.org, deliverable=deliverable, day=today(world), source="api"
    )
    client = login_client(world.cast.outsider.user)
    assert client.get(api_url(world)).status_code == 404
    assert post_record(client, world, deliverable.pk).status_code == 404
    own_org = f"/api/v1/orgs/{world.cast.outsider_org.slug}/metrics/"
    assert client.get(own_org).json()["count"] == 0
    record = MetricRecord.objects.get()
    assert client.get(f"{own_org}{record.pk}/").status_code == 404


def test_api_import_reports_and_refuses_bad_files(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.BSM)
    good = csv_of(f"{deliverable.pk},{today(world)},3,,,,,,")

    response = client.post(api_url(world, "import/"), good, content_type="text/csv")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "problems": [],
    }
    again = client.post(api_url(world, "import/"), {"csv": good}, content_type="application/json")
    assert again.json()["unchanged"] == 1
    upload = SimpleUploadedFile("m.csv", good.encode(), "text/csv")
    assert client.post(api_url(world, "import/"), {"file": upload}).json()["unchanged"] == 1

    bad = client.post(
        api_url(world, "import/"),
        csv_of(f"{deliverable.pk},{today(world)},-3,,,,,,"),
        content_type="text/csv",
    )
    assert bad.status_code == 400
    assert bad.json()["ok"] is False
    assert bad.json()["problems"][0]["line"] == 2
    assert MetricRecord.objects.get().reach == 3
    empty = client.post(api_url(world, "import/"), {}, content_type="application/json")
    assert empty.status_code == 400


def test_api_list_filters_and_brand_scope(world: World) -> None:
    deliverable = launched(world)
    day = today(world)
    for n in range(3):
        MetricRecord.objects.create(
            organization=world.cast.org,
            deliverable=deliverable,
            day=day - timedelta(days=n),
            source="csv",
            reach=n,
        )
    client = world.cast.client_for(Role.ANALYST)
    assert client.get(api_url(world)).json()["count"] == 3
    since = client.get(api_url(world), {"since": str(day - timedelta(days=1))}).json()
    assert [row["reach"] for row in since["results"]] == [0, 1]
    assert client.get(api_url(world), {"deliverable": deliverable.pk}).json()["count"] == 3
    assert client.get(api_url(world), {"program": world.program.pk + 1000}).json()["count"] == 0
    assert client.get(api_url(world), {"since": "soon"}).status_code == 400
    other = member(world.cast.org, Role.ANALYST, brands=[world.cast.other_brand])
    assert login_client(other.user).get(api_url(world)).json()["count"] == 0


def test_api_list_issues_a_constant_number_of_queries(world: World) -> None:
    deliverable = launched(world)
    client = world.cast.client_for(Role.ADMIN)

    def grow(first: int, last: int) -> None:
        MetricRecord.objects.bulk_create(
            MetricRecord(
                organization=world.cast.org,
                deliverable=deliverable,
                day=today(world) - timedelta(days=n),
                source="csv",
                reach=n,
            )
            for n in range(first, last)
        )

    grow(0, 5)
    assert client.get(api_url(world)).json()["count"] == 5
    body = assert_constant_queries(
        lambda: client.get(api_url(world)).json(), grow=lambda: grow(5, 50)
    )
    assert len(body["results"]) == 50


# --- pace ---


def link_for(enrollment: Enrollment, code: str = "c1") -> TrackedLink:
    """The link the launch made (or a new one for an enrollment made active by hand)."""
    link, _ = TrackedLink.objects.get_or_create(
        organization=enrollment.organization,
        enrollment=enrollment,
        defaults={"code": code, "destination": "https://example.com"},
    )
    return link


def set_dates(world: World, launch_on: date, end_on: date) -> None:
    Program.objects.filter(pk=world.program.pk).update(launch_on=launch_on, end_on=end_on)
    world.program.refresh_from_db()


def clicks(link: TrackedLink, day: date, valid: int) -> None:
    DailyClicks.objects.update_or_create(
        organization=link.organization, link=link, day=day, defaults={"valid": valid}
    )


def behind(world: World) -> tuple[TrackedLink, date]:
    """45 days into a 100-day program with 140 of 1000 valid clicks: 31% of pace."""
    launched(world)
    now = today(world)
    set_dates(world, now - timedelta(days=45), now + timedelta(days=55))
    link = link_for(world.enrollment)
    clicks(link, now - timedelta(days=2), 100)
    clicks(link, now - timedelta(days=1), 40)
    return link, now


def sweep(world: World, now: date) -> pace.PaceSweepResult:
    return pace.pace_sweep(organization=world.cast.org, today=now)


def underperforming() -> list[Task]:
    return list(Task.objects.filter(kind=TaskKind.UNDERPERFORMING).order_by("pk"))


def test_enrollment_pace_has_the_numbers(world: World) -> None:
    _link, now = behind(world)
    world.enrollment.refresh_from_db()
    result = pace.enrollment_pace(world.enrollment, now)
    assert result.milestone == 1000
    assert (result.valid_clicks, result.elapsed_share) == (140, 0.45)
    assert result.target_so_far == pytest.approx(450)
    assert result.ratio == pytest.approx(140 / 450)
    assert result.describe() == "140 valid clicks, 31% of pace after 45% of the program"


def test_raw_clicks_and_rollups_count_once(world: World) -> None:
    """As for milestones: raw valid clicks, plus rollups of the days before the first raw one."""
    link, now = behind(world)
    start = datetime.combine(now, datetime.min.time(), tzinfo=UTC)
    for n in range(3):
        ClickEvent.objects.create(
            organization=world.cast.org,
            link=link,
            at=start + timedelta(hours=1, minutes=n),
            valid=n < 2,
            client_hash=f"h{n}",
            event_id=f"e{n}",
        )
    world.enrollment.refresh_from_db()
    assert pace.enrollment_pace(world.enrollment, now).valid_clicks == 142
    clicks(link, now, 2)  # today's rollup of the same two clicks
    assert pace.enrollment_pace(world.enrollment, now).valid_clicks == 142


def test_behind_pace_opens_one_bsm_task_with_the_numbers(world: World) -> None:
    _link, now = behind(world)

    result = sweep(world, now)

    assert (result.checked, result.flagged, result.recovered) == (1, 1, 0)
    (task,) = underperforming()
    assert task.state == TaskState.OPEN
    assert task.owner_role == "bsm"
    assert task.assignee == world.cast.members[Role.BSM].user
    assert task.enrollment_id == world.enrollment.pk
    assert task.dedupe_key == f"underperforming:{world.enrollment.pk}"
    assert "140 valid clicks, 31% of pace after 45% of the program" in task.title
    note = TaskEvent.objects.get(task=task, verb="created").note
    assert "milestone of 1,000" in note and "450 expected" in note
    for remedy in ("extra material", "revised", "Restate", "performance-based", "coaching"):
        assert remedy in note
    assert "end the collaboration respectfully" in note


def test_a_second_sweep_opens_no_second_task(world: World) -> None:
    _link, now = behind(world)
    sweep(world, now)
    again = sweep(world, now + timedelta(days=1))
    assert again.flagged == 0
    assert len(underperforming()) == 1


def test_recovering_completes_the_task(world: World) -> None:
    link, now = behind(world)
    sweep(world, now)
    clicks(link, now, 200)  # 340 of 450 expected: 76%

    result = sweep(world, now)

    assert result.recovered == 1
    (task,) = underperforming()
    assert task.state == TaskState.DONE
    assert task.resolution.startswith("Back on pace: 340 valid clicks, 76% of pace")
    assert sweep(world, now).recovered == 0


def test_nothing_is_flagged_before_enough_of_the_program_has_passed(world: World) -> None:
    launched(world)
    now = today(world)
    set_dates(world, now - timedelta(days=29), now + timedelta(days=71))  # 29% elapsed
    link_for(world.enrollment)
    assert sweep(world, now).flagged == 0
    assert sweep(world, now + timedelta(days=1)).flagged == 1  # 30%: no clicks at all


def test_the_beat_task_sweeps_every_org(world: World) -> None:
    behind(world)
    assert pace_sweep_all() == 1
    assert pace_sweep_all() == 0
    assert len(underperforming()) == 1


def test_the_sweep_reads_clicks_in_bulk(cast: Any) -> None:
    world = build_world(cast)
    third = make_creator(cast.org, "Tia Third", "tia@example.test")
    (extra,) = recruiting.enrollment_invite(
        program=world.program, creators=[third], actor=cast.members[Role.ADMIN].user
    )
    for enrollment in (world.other_enrollment, extra):
        for state in ("accepted", "confirmed"):
            recruiting.enrollment_move(enrollment=enrollment, target=state, actor=admin(world))
    launched(world)
    now = today(world)
    set_dates(world, now - timedelta(days=45), now + timedelta(days=55))
    enrollments = list(Enrollment.objects.filter(program=world.program, state="active"))
    assert len(enrollments) == 3
    for n, enrollment in enumerate(enrollments):
        if enrollment.terms_version_id is None:
            enrollment.terms_version = recruiting.latest_terms(enrollment)
            enrollment.save(update_fields=["terms_version"])
        clicks(link_for(enrollment, f"c{n}"), now - timedelta(days=1), 1000)  # well ahead

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            sweep(world, now)
        return len(captured)

    everyone = queries()
    Enrollment.objects.filter(pk=extra.pk).update(state=EnrollmentState.COMPLETED)
    assert queries() == everyone


def test_a_program_without_end_date_or_milestone_is_not_paced(world: World) -> None:
    launched(world)
    now = today(world)
    Program.objects.filter(pk=world.program.pk).update(
        launch_on=now - timedelta(days=50), end_on=None
    )
    assert sweep(world, now).checked == 0
    world.program.refresh_from_db()
    assert pace.elapsed_share(world.program, now) == 0.0
