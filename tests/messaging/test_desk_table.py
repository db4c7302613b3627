"""The desk's lists as tables: sortable columns (whitelisted on the server, ending with the id,
``aria-sort`` on the header), the CSV of what is filtered, paging and the bulk bar kept."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.urls import reverse

from messaging.kinds import OwnerRole, TaskKind
from messaging.models import Task
from messaging.services import queue
from organizations.models import Organization
from organizations.roles import Role
from tests.conftest import Cast
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

_seq = count()
BASE = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def make_task(
    organization: Organization, title: str, due_in_days: int, kind: str = TaskKind.CREATOR_REQUEST
) -> Task:
    n = next(_seq)
    task, _ = queue.task_create(
        organization=organization,
        kind=kind,
        title=title,
        owner_role=OwnerRole.ISM,
        dedupe_key=f"desk-table:{n}",
        due_at=BASE + timedelta(days=due_in_days),
        notify=False,
    )
    return task


def desk(query: str = "") -> str:
    url = reverse("org_desk", kwargs={"org_slug": "northwind"})
    return f"{url}?{query}" if query else url


def order_of(html: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=lambda title: html.index(f">{title}</a>"))


def test_the_queue_sorts_by_a_column_both_ways_and_says_so(cast: Cast) -> None:
    make_task(cast.org, "Bravo", 3)
    make_task(cast.org, "Alpha", 5)
    make_task(cast.org, "Charlie", 1)
    client = cast.client_for(Role.ISM)
    titles = ["Alpha", "Bravo", "Charlie"]

    html = client.get(desk()).content.decode()  # by due date unless told
    assert order_of(html, titles) == ["Charlie", "Bravo", "Alpha"]

    html = client.get(desk("sort=title")).content.decode()
    assert order_of(html, titles) == ["Alpha", "Bravo", "Charlie"]
    assert re.search(
        r'<th scope="col" aria-sort="ascending"><a class="sort sorted" href="\?sort=-title"', html
    )

    html = client.get(desk("sort=-due")).content.decode()
    assert order_of(html, titles) == ["Alpha", "Bravo", "Charlie"]
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1


@pytest.mark.parametrize("bad", ["nope", "--due", "id", "due_at", "-", "assignee__password"])
def test_a_sort_value_not_offered_is_ignored(cast: Cast, bad: str) -> None:
    make_task(cast.org, "Later one", 9)
    make_task(cast.org, "Sooner one", 2)
    response = cast.client_for(Role.ISM).get(desk(f"sort={bad}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert order_of(html, ["Later one", "Sooner one"]) == ["Sooner one", "Later one"]
    assert 'aria-sort="ascending"' in html  # the default: due, ascending


def test_ties_keep_one_order_by_id_across_pages(cast: Cast) -> None:
    made = [make_task(cast.org, f"Tie {i:02}", 4, kind=TaskKind.CREATOR_REQUEST) for i in range(55)]
    client = cast.client_for(Role.ISM)
    first = client.get(desk("sort=kind")).content.decode()
    second = client.get(desk("sort=kind&queue=2")).content.decode()
    ids = [int(x) for x in re.findall(r'id="task-(\d+)"', first + second)]
    assert ids == sorted(t.pk for t in made)


def test_sort_links_keep_the_filters_and_go_back_to_the_first_page(cast: Cast) -> None:
    for i in range(3):
        make_task(cast.org, f"Filtered {i}", i)
    html = cast.client_for(Role.ISM).get(desk("kind=creator_request&queue=1")).content.decode()
    assert 'href="?kind=creator_request&amp;sort=title"' in html
    assert '<input type="hidden" name="sort"' not in html
    html = cast.client_for(Role.ISM).get(desk("sort=title")).content.decode()
    assert '<input type="hidden" name="sort" value="title">' in html


def test_the_csv_is_the_filtered_list_in_the_chosen_order(cast: Cast) -> None:
    make_task(cast.org, "=HYPERLINK(evil)", 2)
    make_task(cast.org, "Zulu", 1)
    make_task(cast.org, "Other kind", 3, kind=TaskKind.DELIVERABLE_OVERDUE)
    client = cast.client_for(Role.ISM)
    html = client.get(desk("kind=creator_request&sort=-title")).content.decode()
    assert 'href="?kind=creator_request&amp;sort=-title&amp;format=csv&amp;list=queue"' in html

    response = client.get(desk("kind=creator_request&sort=-title&format=csv&list=queue"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="desk-queue.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["ID", "Task", "Kind"]
    assert [r[1] for r in rows[1:]] == ["Zulu", "'=HYPERLINK(evil)"]  # no formula runs
    assert rows[1][6] == "2030-01-02 12:00"

    mine = client.get(desk("format=csv&list=mine"))
    assert list(csv.reader(io.StringIO(mine.content.decode())))[1:] == []


def test_a_csv_of_an_unknown_list_is_refused(cast: Cast) -> None:
    response = cast.client_for(Role.ISM).get(desk("format=csv&list=everyone"))
    assert response.status_code == 400


def test_the_csv_holds_only_the_viewers_desk_work(cast: Cast) -> None:
    make_task(cast.org, "Ism work", 1)
    queue.task_create(
        organization=cast.org,
        kind=TaskKind.CREATOR_REQUEST,
        title="Bsm work",
        owner_role=OwnerRole.BSM,
        dedupe_key="desk-table:bsm",
        notify=False,
    )
    response = cast.client_for(Role.ISM).get(desk("format=csv&list=queue"))
    titles = [r[1] for r in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert titles == ["Ism work"]


def test_a_sorted_desk_and_its_csv_keep_their_query_counts(cast: Cast) -> None:
    client = cast.client_for(Role.ISM)
    for i in range(3):
        make_task(cast.org, f"Few {i}", i)

    def grow() -> None:
        for i in range(20):
            make_task(cast.org, f"Many {i}", i)

    assert_constant_queries(lambda: client.get(desk("sort=-owner")), grow=grow)
    assert_constant_queries(
        lambda: client.get(desk("sort=program&format=csv&list=queue")), grow=grow
    )
