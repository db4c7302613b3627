"""Threads in a big org (#18): unread counts for the page's threads, paged lists (desk and
portal), the creator's threads as a union, a thread's messages by cursor."""

from __future__ import annotations

from typing import Any

import pytest

from messaging import selectors
from messaging.models import Thread
from messaging.services.threads import (
    announcement_create,
    message_post,
    thread_for_enrollment,
    thread_mark_read,
)
from organizations.roles import Role
from programs.recruiting.services import enrollment_move
from tests.conftest import Cast
from tests.helpers import assert_constant_queries
from tests.messaging.test_api import _api, as_creator, enroll, make_creator, make_program

pytestmark = pytest.mark.django_db


def desk_threads(cast: Cast) -> str:
    return f"/orgs/{cast.org.slug}/desk/threads/"


def threads_with_messages(cast: Cast, count: int, start: int = 0) -> list[Thread]:
    program = make_program(cast, f"Spring {start}")
    admin = cast.members[Role.ADMIN].user
    made = []
    for n in range(start, start + count):
        creator = make_creator(cast.org, f"Creator {n}")
        thread = thread_for_enrollment(enrollment=enroll(cast, program, creator))
        message_post(thread=thread, author=admin, text="Hi", from_creator=False)
        made.append(thread)
    return made


def test_the_desk_pages_its_threads_with_constant_queries(cast: Cast) -> None:
    client = cast.client_for(Role.ADMIN)
    threads_with_messages(cast, 3)
    response = assert_constant_queries(
        lambda: client.get(desk_threads(cast)),
        grow=lambda: threads_with_messages(cast, 50, start=3),
    )
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.paginator.num_pages == 2
    assert "Page 1 of 2" in response.content.decode()
    second = client.get(desk_threads(cast), {"page": 2}).context["page"]
    assert len(second.object_list) == 3


def test_unread_counts_the_others_messages_since_the_last_read(cast: Cast) -> None:
    thread = threads_with_messages(cast, 1)[0]
    admin, bsm = cast.members[Role.ADMIN].user, cast.members[Role.BSM].user
    creator_user = thread.enrollment.creator.user

    def unread(user: Any) -> int:
        return next(
            t.unread
            for t in selectors.thread_list_for_staff(organization=cast.org, user=user)
            if t.pk == thread.pk
        )

    assert unread(admin) == 0  # their own message
    assert unread(bsm) == 1
    message_post(thread=thread, author=creator_user, text="Question", from_creator=True)
    assert (unread(admin), unread(bsm)) == (1, 2)
    thread_mark_read(thread=thread, user=bsm)
    assert unread(bsm) == 0
    message_post(thread=thread, author=creator_user, text="Again", from_creator=True)
    assert unread(bsm) == 1


def test_the_creators_threads_are_theirs_and_their_programs_announcements(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    cara = make_creator(cast.org, "Cara")
    spring, autumn = make_program(cast, "Spring"), make_program(cast, "Autumn")
    own = thread_for_enrollment(enrollment=enroll(cast, spring, cara))
    declined = enroll(cast, autumn, cara)
    enrollment_move(enrollment=declined, target="declined", actor=admin)
    news = announcement_create(program=spring, actor=admin, title="News", text="Hello")
    announcement_create(program=autumn, actor=admin, title="Not for Cara", text="Hello")
    others = threads_with_messages(cast, 2)
    found = {t.pk for t in selectors.creator_threads(user=cara.user)}
    assert found == {own.pk, news.pk}
    assert not found & {t.pk for t in others}
    unread = {t.pk: t.unread for t in selectors.creator_threads(user=cara.user)}
    assert unread[news.pk] == 1


def test_the_portal_home_pages_each_list(cast: Cast) -> None:
    admin = cast.members[Role.ADMIN].user
    cara = make_creator(cast.org, "Cara")
    program = make_program(cast, "Spring")
    thread_for_enrollment(enrollment=enroll(cast, program, cara))
    for n in range(24):
        announcement_create(program=program, actor=admin, title=f"News {n:02d}", text="Hi")
    client = as_creator(cara)
    first = client.get("/portal/")
    assert len(first.context["threads"].object_list) == 20
    html = first.content.decode()
    assert "?threads=2" in html and "Pages of messages" in html
    second = client.get("/portal/", {"threads": "2"}).context["threads"]
    assert len(second.object_list) == 5
    assert first.context["enrollments"].paginator.count == 1


def test_a_threads_messages_page_by_cursor_oldest_first(cast: Cast) -> None:
    thread = threads_with_messages(cast, 1)[0]
    admin = cast.members[Role.ADMIN].user
    for n in range(4):
        message_post(thread=thread, author=admin, text=f"More {n}", from_creator=False)
    client = cast.client_for(Role.ADMIN)
    url: str | None = _api(f"threads/{thread.pk}/messages/?limit=2")
    texts: list[str] = []
    while url:
        body = client.get(url).json()
        assert "count" not in body
        texts += [m["text"] for m in body["results"]]
        url = body["next"]
    assert texts == ["Hi", "More 0", "More 1", "More 2", "More 3"]
    bad = client.get(_api(f"threads/{thread.pk}/messages/"), {"offset": "2"})
    assert bad.status_code == 400 and "offset" in bad.json()
