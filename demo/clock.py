"""The demo's clock: the history is played over simulated days, so every service stamps the
time it would have stamped had it run then (``timezone.now`` and ``localdate`` follow it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import time_machine


def moment(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` UTC (the demo orgs work in UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@contextmanager
def at(day: date, hour: int = 12, minute: int = 0) -> Iterator[datetime]:
    """Stand at ``day`` ``hour``:``minute`` UTC while the block runs (the clock does not tick)."""
    when = moment(day, hour, minute)
    with time_machine.travel(when, tick=False):
        yield when
