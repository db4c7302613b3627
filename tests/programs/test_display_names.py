"""Deliverables go by their display name everywhere ("Instagram post", never "post on
instagram" or a raw code), and staff pages show a relative date beside each due date, as the
portal does ("Dec 7, 2026 (tomorrow)")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.urls import reverse

from influencer_ops.deliverable_names import deliverable_name, phrase_of
from messaging.kinds import TaskKind
from messaging.models import Task
from organizations.roles import Role
from programs.models import Deliverable
from tests.conftest import World
from tests.factories.messaging import TaskFactory
from tests.programs.test_content import launch, submit, the_deliverable

pytestmark = pytest.mark.django_db

# Noon UTC: "today" is the same calendar day in every zone the tests' orgs use.
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
TOMORROW = NOON.date() + timedelta(days=1)


def text_of(response: HttpResponse) -> str:
    assert response.status_code == 200
    return " ".join(response.content.decode().replace("\xa0", " ").split())


@pytest.mark.parametrize(
    ("kind", "platform", "name"),
    [
        ("post", "instagram", "Instagram post"),
        ("video", "tiktok", "TikTok video"),
        ("reel", "youtube", "YouTube reel / short video"),
        ("story", "instagram", "Instagram story"),
        ("blog", "blog", "Blog post"),
        ("post", "", "Post"),
    ],
)
def test_a_kind_and_platform_read_as_one_name(kind: str, platform: str, name: str) -> None:
    assert deliverable_name(kind, platform) == name


def test_counted_phrases_and_the_model_use_the_same_words() -> None:
    assert phrase_of({"kind": "post", "platform": "instagram", "count": 2}) == "2 Instagram posts"
    assert Deliverable(kind="video", platform="tiktok").display_name == "TikTok video"


@pytest.fixture
def due_tomorrow(world: World) -> World:
    with time_machine.travel(NOON, tick=False):
        launch(world)
        Deliverable.objects.filter(enrollment=world.enrollment).update(
            due_on=TOMORROW, kind="post", platform="instagram"
        )
        submit(world)
    return world


def assert_named_and_dated(page: str) -> None:
    assert "Instagram post" in page
    assert "post on Instagram" not in page and "Post on Instagram" not in page
    assert "(tomorrow)" in page


def test_the_approvals_inbox_names_the_deliverable_and_says_when_it_is_due(
    due_tomorrow: World,
) -> None:
    client = due_tomorrow.cast.client_for(Role.APPROVER)
    with time_machine.travel(NOON, tick=False):
        page = text_of(client.get(reverse("approvals_inbox", args=["northwind"])))
    assert_named_and_dated(page)


def test_the_hub_and_the_due_dates_tab_show_the_relative_due_date(due_tomorrow: World) -> None:
    client = due_tomorrow.cast.client_for(Role.BSM)
    hub = reverse("enrollment_detail", args=["northwind", due_tomorrow.enrollment.pk])
    tab = reverse("program_due_dates", args=["northwind", due_tomorrow.program.pk])
    with time_machine.travel(NOON, tick=False):
        assert_named_and_dated(text_of(client.get(hub)))
        Deliverable.objects.update(state="pending")  # the tab lists open deliverables
        assert_named_and_dated(text_of(client.get(tab)))


def test_the_desk_shows_the_relative_due_date_of_each_task(due_tomorrow: World) -> None:
    task = Task.objects.filter(kind=TaskKind.CONTENT_REVIEW).get()
    assert "Instagram post" in task.title  # the review task's title names it too
    TaskFactory(
        organization=due_tomorrow.cast.org, title="Call back", due_at=NOON + timedelta(days=1)
    )
    client = due_tomorrow.cast.client_for(Role.ISM)
    with time_machine.travel(NOON, tick=False):
        page = text_of(client.get(reverse("org_desk", args=["northwind"])))
    assert "Call back" in page
    assert "(tomorrow)" in page


def test_the_review_page_and_the_portal_name_the_deliverable(due_tomorrow: World) -> None:
    deliverable = the_deliverable(due_tomorrow)
    staff = due_tomorrow.cast.client_for(Role.APPROVER)
    creator = due_tomorrow.creator_client()
    with time_machine.travel(NOON, tick=False):
        review = text_of(
            staff.get(reverse("content_deliverable", args=["northwind", deliverable.pk]))
        )
        assert "<h1>Instagram post by" in review
        listing = text_of(creator.get(reverse("portal_deliverables")))
        assert_named_and_dated(listing)
        detail = text_of(creator.get(reverse("portal_deliverable", args=[deliverable.pk])))
        assert "<h1>Instagram post for" in detail
