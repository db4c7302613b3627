"""Every timeline reads in sentences through the one renderer (``influencer_ops.history``):
a task's history, the enrollment hub and the program's history tab, with the changes in words
on demand (a case's history: ``test_cases``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from messaging.kinds import Topic
from messaging.services import queue
from organizations.roles import Role
from tests.conftest import World
from tests.helpers import assert_constant_queries
from tests.messaging.test_task_queue import ask

pytestmark = pytest.mark.django_db


def _named(world: World) -> None:
    for role, name in ((Role.ISM, "Ivy ISM"), (Role.BSM, "Ben BSM"), (Role.ADMIN, "Ada Admin")):
        user = world.cast.members[role].user
        user.name = name
        user.save()


def _page(world: World, name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs={"org_slug": world.cast.org.slug, **kwargs})


def test_a_tasks_history_reads_in_sentences(world: World) -> None:
    _named(world)
    task = ask(world, Topic.REQUIREMENTS)
    ism, admin = world.cast.members[Role.ISM], world.cast.members[Role.ADMIN]
    queue.task_claim(task=task, membership=ism)
    queue.task_reassign(task=task, membership=ism, assignee=None, note="Out tomorrow")
    queue.task_claim(task=task, membership=admin)
    html = world.cast.client_for(Role.ADMIN).get(_page(world, "desk_task", pk=task.pk))
    text = html.content.decode()
    assert "Ivy ISM claimed the task" in text
    assert "Ivy ISM handed the task to the team queue" in text
    assert "Out tomorrow" in text
    assert "Ada Admin claimed the task" in text
    assert "Assignee: <del>Ivy ISM</del> → <ins>the team queue</ins>" in text
    assert "Reassigned" not in text and "handed_over" not in text


def test_the_hub_and_the_history_tab_read_in_sentences_with_details(world: World) -> None:
    _named(world)
    client = world.cast.client_for(Role.ADMIN)
    hub = client.get(_page(world, "enrollment_detail", pk=world.enrollment.pk)).content.decode()
    tab = client.get(_page(world, "program_history", pk=world.program.pk)).content.decode()
    for html in (hub, tab):
        assert 'class="history"' in html and '<time datetime="' in html
        assert "enrollment.invited" not in html and "{&#x27;" not in html
    assert f"invited {world.creator.display_name} in {world.program.name}" in hub
    assert f"created the program {world.program.name}" in tab
    assert "<summary>Details" in tab


def test_the_history_tab_costs_the_same_queries_whatever_its_events_refer_to(
    world: World,
) -> None:
    from influencer_ops.audit import AuditVerb, audit_record
    from tests.factories import CreatorProfileFactory

    def grow() -> None:
        for _ in range(8):
            creator = CreatorProfileFactory(organization=world.cast.org)
            audit_record(
                organization=world.cast.org,
                actor=world.cast.members[Role.ADMIN].user,
                verb=AuditVerb.PROGRAM_UPDATED,
                target=world.program,
                before={"brand": world.cast.brand.pk, "assigned_ism": None},
                after={
                    "brand": world.cast.other_brand.pk,
                    "assigned_ism": world.cast.members[Role.ISM].user.pk,
                    "enrollment": world.enrollment.pk,
                    "ids": [creator.pk],
                },
            )

    grow()  # one query per kind of thing referred to, however many events refer to it
    client = world.cast.client_for(Role.ADMIN)
    url = _page(world, "program_history", pk=world.program.pk)
    response = assert_constant_queries(lambda: client.get(url), grow=grow)
    html = response.content.decode()
    assert "Brand: <del>Lumen</del> → <ins>Trailhead</ins>" in html
    assert f"Enrollment: <ins>{world.enrollment}</ins>" in html
