"""Our own answer times: a request's first staff reply and its resolution are recorded on its
task by the write path, and the median shows on the program report and in the portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from messaging.answer_times import answer_times_by_org, program_answer_times
from messaging.models import Task
from messaging.services.queue import task_complete
from messaging.services.requests import request_create
from messaging.services.threads import message_post
from organizations.roles import Role
from tests.conftest import World
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _ask(world: World, text: str = "When is the shoot?") -> Task:
    request = request_create(
        creator=world.creator,
        user=world.creator.user,
        topic="requirements",
        text=text,
        enrollment=world.enrollment,
    )
    return request.task


def test_the_first_staff_reply_and_the_resolution_are_recorded(world: World) -> None:
    ism = world.cast.members[Role.ISM].user
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        task = _ask(world)
    thread = task.source_request.thread
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        message_post(thread=thread, author=world.creator.user, text="Any news?", from_creator=True)
    task.refresh_from_db()
    assert task.first_answered_at is None  # the creator's own follow-up is no answer
    with time_machine.travel(start + timedelta(hours=2), tick=False):
        message_post(thread=thread, author=ism, text="On the 3rd.", from_creator=False)
    with time_machine.travel(start + timedelta(hours=5), tick=False):
        message_post(thread=thread, author=ism, text="Confirmed.", from_creator=False, resolve=True)
    task.refresh_from_db()
    assert task.first_answered_at == start + timedelta(hours=2)  # the first reply stays
    assert task.resolved_at == start + timedelta(hours=5)


def test_a_resolution_without_a_reply_is_the_first_answer(world: World) -> None:
    task = _ask(world)
    task_complete(task=task, actor=world.cast.members[Role.ISM].user, resolution="Done.")
    task.refresh_from_db()
    assert task.first_answered_at == task.resolved_at is not None


def test_the_median_over_the_window_and_the_waiting_count(world: World) -> None:
    ism = world.cast.members[Role.ISM].user
    start = timezone.now() - timedelta(days=2)
    for hours in (1, 3, 8):
        with time_machine.travel(start, tick=False):
            task = _ask(world, f"Question {hours}")
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            task_complete(task=task, actor=ism, resolution="Answered.")
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        old = _ask(world, "Long ago")  # out of the 30-day window
    task_complete(task=old, actor=ism, resolution="Late.")
    _ask(world, "Still waiting")
    times = program_answer_times(program=world.program)
    assert times.first_answer == timedelta(hours=3) and times.resolution == timedelta(hours=3)
    assert (times.answered, times.waiting, times.days) == (3, 1, 30)
    assert answer_times_by_org(organization_ids=[world.cast.org.pk])[world.cast.org.pk] == times


def test_the_report_and_the_portal_show_the_median(world: World) -> None:
    task = _ask(world)
    with time_machine.travel(timezone.now() + timedelta(hours=4), tick=False):
        task_complete(task=task, actor=world.cast.members[Role.ISM].user, resolution="Yes.")
    report = world.cast.client_for(Role.ADMIN).get(
        f"/orgs/northwind/programs/{world.program.pk}/report/"
    )
    assert "median of <strong>4 hours</strong>" in report.content.decode()
    home = world.creator_client().get("/portal/").content.decode()
    assert 'data-home="answer-time"' in home and "median of <strong>4 hours</strong>" in home


def test_nothing_answered_says_so(world: World) -> None:
    home = world.creator_client().get("/portal/").content.decode()
    assert "no answer time to show" in home


def test_the_median_is_one_query_however_many_requests(world: World) -> None:
    orgs = [world.cast.org.pk]

    def grow() -> None:
        for n in range(5):
            _ask(world, f"Q{n}")

    assert_constant_queries(lambda: answer_times_by_org(organization_ids=orgs), grow=grow)
