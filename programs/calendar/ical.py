"""The iCalendar text of a feed (RFC 5545, with the ``icalendar`` library): one all-day event per
date, each with a UID that never changes, so a calendar app moves the event when an extension
moves its date instead of adding a second one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

UID_DOMAIN = "influencer-ops"


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # stable: "<kind>-<id>", never the date
    day: date  # the org's calendar day: an all-day event, the same day in every zone
    summary: str
    description: str
    url: str


def ical(*, name: str, events: Iterable[FeedEvent], stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Influencer Ops//Due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    # Calendar apps ask again after this long (some honour only one of the two names).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in events:
        event = Event()
        event.add("uid", f"{item.uid}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")  # a due date does not make the person busy
        calendar.add_component(event)
    return bytes(calendar.to_ical())
