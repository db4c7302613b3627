"""Shared test helpers."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.test.utils import CaptureQueriesContext

T = TypeVar("T")


def captured_queries(fetch: Callable[[], T]) -> tuple[T, list[str]]:
    """What ``fetch()`` returned, and the SQL of every query it issued."""
    with CaptureQueriesContext(connection) as captured:
        result = fetch()
    return result, [query["sql"] for query in captured.captured_queries]


def assert_constant_queries(
    fetch: Callable[[], T], *, grow: Callable[[], object], warm: bool = True
) -> T:
    """``fetch()`` issues as many queries after ``grow()`` added rows as before it (5 rows
    and 50 rows, say): a list that loads a row's relations one row at a time fails here. A
    first, uncounted ``fetch()`` warms the session and caches (``warm=False`` skips it).
    Returns what the last ``fetch()`` returned, for the test's own checks."""
    if warm:
        fetch()
    _, few = captured_queries(fetch)
    grow()
    result, many = captured_queries(fetch)
    if len(many) != len(few):
        raise AssertionError(
            f"{len(few)} queries before growing, {len(many)} after:\n" + _difference(few, many)
        )
    return result


def _difference(few: list[str], many: list[str], limit: int = 40) -> str:
    """The statements that differ, with literal numbers blanked so that ids do not count."""

    def shape(sql: str) -> str:
        return re.sub(r"\b\d+\b", "N", sql)

    lines = difflib.unified_diff(
        [shape(s) for s in few], [shape(s) for s in many], "before", "after", lineterm="", n=0
    )
    return "\n".join(list(lines)[:limit])


def wait_for(check: Callable[[], bool], seconds: float = 60, every: float = 0.05) -> bool:
    """Poll ``check`` until it holds or ``seconds`` pass (the worker tests wait on a real
    Celery process this way); returns whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False
