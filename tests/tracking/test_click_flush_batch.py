"""The flush's batch costs the same statements however many links and orgs it spans, keeps each
link's count of valid clicks equal to its rows, and records milestones from that count."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from influencer_ops.tenancy import db_scope
from tests.factories import OrganizationFactory, TermsVersionFactory, TrackedLinkFactory
from tests.helpers import assert_constant_queries
from tracking.clicks import services as clicks
from tracking.clicks.services import flush as click_flush
from tracking.clicks.services.store import micros
from tracking.models import ClickEvent, MilestoneReached, TrackedLink

pytestmark = pytest.mark.django_db

AT = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
_seconds = itertools.count()


def _queued(link: TrackedLink, *, reason: str = "", event_id: str | None = None) -> bytes:
    at = AT + timedelta(seconds=next(_seconds))
    event = event_id or uuid.uuid4().hex
    return f"{event} {link.pk} {link.organization_id} {micros(at)} {reason} h".encode()


def test_a_batch_costs_the_same_statements_for_3_links_or_30_in_two_orgs(
    django_capture_on_commit_callbacks: Any,
) -> None:
    orgs = [OrganizationFactory.create(), OrganizationFactory.create()]
    linked: list[TrackedLink] = [TrackedLinkFactory.create(organization=org) for org in orgs]
    linked.append(TrackedLinkFactory.create(organization=orgs[0]))

    def batch() -> int:
        items = [_queued(link, reason=reason) for link in linked for reason in ("", "bot")]
        return click_flush._write_batch(items)

    def grow() -> None:
        linked.extend(TrackedLinkFactory.create(organization=orgs[n % 2]) for n in range(27))

    assert assert_constant_queries(batch, grow=grow) == 60
    with db_scope(org_ids=[org.pk for org in orgs]):
        counted = dict(TrackedLink.objects.values_list("pk", "valid_clicks"))
        for org in orgs:
            mine = list(TrackedLink.objects.filter(organization=org))
            assert clicks.link_valid_clicks(organization=org, links=mine) == {
                link.pk: counted[link.pk] for link in mine
            }
        assert counted[linked[0].pk] == 3 and counted[linked[-1].pk] == 1
        assert ClickEvent.objects.filter(valid=False).count() == 3 + 3 + 30


def test_a_replayed_batch_counts_nothing_twice_and_unknown_links_are_dropped() -> None:
    link = TrackedLinkFactory.create()
    stranger = TrackedLinkFactory.create()  # another org's link under this org's id: not its click
    items = [_queued(link, event_id=f"e{n}") for n in range(4)]
    forged = f"x1 {stranger.pk} {link.organization_id} {micros(AT)}  h".encode()
    assert click_flush._write_batch([*items, forged]) == 4
    assert click_flush._write_batch(items) == 0
    with db_scope(org_ids=[link.organization_id, stranger.organization_id]):
        assert TrackedLink.objects.get(pk=link.pk).valid_clicks == 4
        assert TrackedLink.objects.get(pk=stranger.pk).valid_clicks == 0
        assert ClickEvent.objects.count() == 4


@pytest.mark.parametrize(
    ("milestone", "recorded"),
    [(3, True), ("3", True), (3.9, True), ("3.5", False), ("three", False), (0, False)],
)
def test_the_milestone_of_the_terms_is_recorded_once_when_the_count_reaches_it(
    milestone: object, recorded: bool, django_capture_on_commit_callbacks: Any
) -> None:
    link = TrackedLinkFactory.create()
    terms = TermsVersionFactory.create(enrollment=link.enrollment)
    terms.snapshot = {**terms.snapshot, "click_milestone": milestone}
    terms.save(update_fields=["snapshot"])
    click_flush._write_batch([_queued(link) for _ in range(2)])
    assert not MilestoneReached.objects.exists()
    third = _queued(link)
    click_flush._write_batch([third, _queued(link)])
    click_flush._write_batch([_queued(link)])
    reached = list(MilestoneReached.objects.values_list("milestone", "valid_clicks", "at"))
    if recorded:
        third_at = AT + timedelta(seconds=int(third.split()[3]) // 10**6 - micros(AT) // 10**6)
        assert reached == [(3, 4, third_at)]
    else:
        assert reached == []
