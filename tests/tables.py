"""Checks shared by the list-table tests (``influencer_ops.tables``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client


def listed(response: Any) -> list[Any]:
    """The records on the list page's current page, in order."""
    return [row.record for row in response.context["listing"].page.object_list]


def sortable(table_class: Any) -> list[str]:
    return [name for name, column in table_class.base_columns.items() if column.orderable]


def assert_sorts_both_ways(client: Client, url: str, column: str, expected: list[Any]) -> None:
    """``?sort=column`` lists ``expected`` (ids, in order); ``?sort=-column`` lists them exactly
    reversed (every key flips, the id too), and the header says so in ``aria-sort``."""
    up = client.get(url, {"sort": column})
    assert up.status_code == 200
    assert [r.pk for r in listed(up)] == expected, column
    assert 'aria-sort="ascending"' in up.content.decode()
    down = client.get(url, {"sort": f"-{column}"})
    assert [r.pk for r in listed(down)] == expected[::-1], column
    assert 'aria-sort="descending"' in down.content.decode()


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))
