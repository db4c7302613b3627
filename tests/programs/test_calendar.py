"""Calendar feeds: a creator's due dates across orgs and a program's dates, at secret addresses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from organizations.roles import Role
from programs.calendar import services
from programs.deadlines.services.extensions import extension_request
from programs.models import Deliverable, ProgramCalendarFeed
from tests.conftest import World, confirm_and_launch, login_client
from tests.factories import CreatorProfileFactory, DeliverableFactory, EnrollmentFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _events(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def _feed(token: str) -> Any:
    return Client().get(reverse("calendar_feed", kwargs={"token": token}))


@pytest.fixture
def launched(world: World) -> World:
    confirm_and_launch(world)
    return world


def test_a_creator_adds_their_due_dates_from_the_portal(launched: World) -> None:
    client = launched.creator_client()
    assert "/portal/calendar/" in client.get("/portal/").content.decode()
    assert client.post("/portal/calendar/").status_code == 302
    page = client.get("/portal/calendar/").content.decode()
    token = launched.creator.user.calendar_feed.token
    assert f"/calendar/{token}.ics" in page and f"webcal://testserver/calendar/{token}" in page
    mine = Deliverable.objects.get(enrollment=launched.enrollment)
    events = _events(_feed(token))
    assert list(events) == [f"deliverable-{mine.pk}@influencer-ops"]
    event = events[f"deliverable-{mine.pk}@influencer-ops"]
    assert event["DTSTART"].dt == mine.due_on  # an all-day event on the org's day
    assert event["DTEND"].dt == mine.due_on + timedelta(days=1)
    assert "DTSTAMP" in event
    assert "Spring Glow" in str(event["SUMMARY"])
    assert str(event["URL"]) == f"http://testserver/portal/deliverables/{mine.pk}/"


def test_an_extension_moves_the_event_under_the_same_uid(launched: World) -> None:
    user = launched.creator.user
    feed = services.creator_feed_rotate(user=user)
    deliverable = Deliverable.objects.get(enrollment=launched.enrollment)
    uid = f"deliverable-{deliverable.pk}@influencer-ops"
    before = _events(_feed(feed.token))[uid]["DTSTART"].dt
    extension_request(
        deliverable=deliverable,
        user=user,
        requested_due_on=deliverable.due_on + timedelta(days=2),
        reason="Travelling",
    )
    deliverable.refresh_from_db()
    assert deliverable.due_on == before + timedelta(days=2)  # self-service: approved at once
    events = _events(_feed(feed.token))
    assert list(events) == [uid]
    assert events[uid]["DTSTART"].dt == before + timedelta(days=2)


def test_the_feed_holds_the_creators_orgs_and_nobody_elses(launched: World) -> None:
    """Cara also works with Acme; Olli's deliverables (her org) and an Acme creator's stay out."""
    cast = launched.cast
    cara = launched.creator.user
    acme_profile = CreatorProfileFactory(organization=cast.outsider_org, user=cara)
    acme_enrollment = EnrollmentFactory(organization=cast.outsider_org, creator=acme_profile)
    at_acme = DeliverableFactory(organization=cast.outsider_org, enrollment=acme_enrollment)
    stranger = DeliverableFactory(organization=cast.outsider_org)
    feed = services.creator_feed_rotate(user=cara)
    uids = set(_events(_feed(feed.token)))
    mine = Deliverable.objects.get(enrollment=launched.enrollment)
    assert uids == {
        f"deliverable-{mine.pk}@influencer-ops",
        f"deliverable-{at_acme.pk}@influencer-ops",
    }
    olli = Deliverable.objects.filter(enrollment=launched.other_enrollment)
    assert not any(f"deliverable-{d.pk}@" in u for d in olli for u in uids)
    assert f"deliverable-{stranger.pk}@influencer-ops" not in uids


def test_a_rotated_or_made_up_address_is_a_404(launched: World) -> None:
    user = launched.creator.user
    old = services.creator_feed_rotate(user=user).token
    new = services.creator_feed_rotate(user=user).token
    assert old != new
    assert _feed(old).status_code == 404
    assert _feed(new).status_code == 200
    assert _feed("not-a-real-token").status_code == 404
    assert _feed("x" * 300).status_code == 404


def test_staff_have_no_creator_calendar(launched: World) -> None:
    client = launched.cast.client_for(Role.ADMIN)
    assert client.get("/portal/calendar/").status_code == 403
    assert client.post("/portal/calendar/").status_code == 403


def test_the_creator_feed_issues_a_constant_number_of_queries(launched: World) -> None:
    feed = services.creator_feed_rotate(user=launched.creator.user)
    org = launched.cast.org

    def grow() -> None:
        for _ in range(8):
            DeliverableFactory(organization=org, enrollment=launched.enrollment)

    assert_constant_queries(lambda: _feed(feed.token), grow=grow)


# --- the program's feed ---


def _program_url(world: World, suffix: str = "calendar/") -> str:
    return f"/orgs/northwind/programs/{world.program.pk}/{suffix}"


def test_staff_subscribe_to_a_programs_dates(launched: World) -> None:
    client = launched.cast.client_for(Role.BSM)
    overview = client.get(_program_url(launched, "")).content.decode()
    assert _program_url(launched) in overview  # the Calendar tab
    assert client.post(_program_url(launched)).status_code == 302
    feed = ProgramCalendarFeed.objects.get(program=launched.program)
    assert f"/calendar/{feed.token}.ics" in client.get(_program_url(launched)).content.decode()
    events = _events(_feed(feed.token))
    program = launched.program
    pk = program.pk
    assert events[f"program-{pk}-launch@influencer-ops"]["DTSTART"].dt == program.launch_on
    assert events[f"program-{pk}-end@influencer-ops"]["DTSTART"].dt == program.end_on
    deliverables = Deliverable.objects.filter(program=program)
    assert deliverables.count() == 1  # the confirmed creator's; the invited one has none
    for d in deliverables:
        event = events[f"program-deliverable-{d.pk}@influencer-ops"]
        assert event["DTSTART"].dt == d.due_on
        assert "Cara Creator" in str(event["SUMMARY"])
    other_program = DeliverableFactory(organization=launched.cast.org)
    assert f"program-deliverable-{other_program.pk}@influencer-ops" not in _events(
        _feed(feed.token)
    )


def test_rotating_the_program_address_is_audited_and_kills_the_old_one(launched: World) -> None:
    admin = launched.cast.members[Role.ADMIN].user
    old = services.program_feed_rotate(program=launched.program, actor=admin).token
    client = launched.cast.client_for(Role.ADMIN)
    assert client.post(_program_url(launched)).status_code == 302
    assert _feed(old).status_code == 404
    new = ProgramCalendarFeed.objects.get(program=launched.program).token
    assert _feed(new).status_code == 200
    assert AuditEvent.objects.filter(
        organization=launched.cast.org, verb=AuditVerb.CALENDAR_FEED_ROTATED
    ).exists()


def test_an_analyst_sees_the_address_but_cannot_change_it(launched: World) -> None:
    services.program_feed_rotate(program=launched.program, actor=None)
    client = launched.cast.client_for(Role.ANALYST)  # covers the program's brand
    page = client.get(_program_url(launched))
    assert page.status_code == 200 and b"/calendar/" in page.content
    token = ProgramCalendarFeed.objects.get(program=launched.program).token
    assert client.post(_program_url(launched)).status_code == 403
    assert ProgramCalendarFeed.objects.get(program=launched.program).token == token


def test_another_orgs_admin_gets_404(launched: World) -> None:
    client = login_client(launched.cast.outsider.user)
    assert client.get(_program_url(launched)).status_code == 404
    assert client.post(_program_url(launched)).status_code == 404
    assert not ProgramCalendarFeed.objects.exists()
    # Nor through their own org's slug.
    acme = f"/orgs/acme/programs/{launched.program.pk}/calendar/"
    assert client.post(acme).status_code == 404
    assert not ProgramCalendarFeed.objects.exists()


def test_the_program_feed_issues_a_constant_number_of_queries(launched: World) -> None:
    feed = services.program_feed_rotate(program=launched.program, actor=None)
    org = launched.cast.org

    def grow() -> None:
        for n in range(6):
            profile = CreatorProfileFactory(organization=org, display_name=f"Extra {n}")
            enrollment = EnrollmentFactory(
                organization=org, program=launched.program, creator=profile
            )
            DeliverableFactory(organization=org, enrollment=enrollment)

    assert_constant_queries(lambda: _feed(feed.token), grow=grow)


def test_the_ical_text_escapes_and_tells_apps_when_to_ask_again() -> None:
    from datetime import UTC, date, datetime

    from programs.calendar.ical import FeedEvent, ical

    event = FeedEvent("deliverable-1", date(2026, 12, 10), "Post; due, soon", "x", "https://x/")
    text = ical(name="Due", events=[event], stamp=datetime(2026, 12, 6, tzinfo=UTC)).decode()
    assert "SUMMARY:Post\\; due\\, soon" in text
    assert "X-PUBLISHED-TTL:PT1H" in text and "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "DTSTART;VALUE=DATE:20261210" in text and "DTEND;VALUE=DATE:20261211" in text
    assert "DTSTAMP:20261206T000000Z" in text


def test_a_program_of_a_brand_not_covered_is_a_404(launched: World) -> None:
    from tests.factories import ProgramFactory

    cast = launched.cast
    other = ProgramFactory(organization=cast.org, brand=cast.other_brand, name="Trail Mix")
    client = cast.client_for(Role.APPROVER)  # covers Lumen only
    url = f"/orgs/northwind/programs/{other.pk}/calendar/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not ProgramCalendarFeed.objects.filter(program=other).exists()
