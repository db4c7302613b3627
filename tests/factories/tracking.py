"""Tracked links, clicks, daily counts, imported metrics and milestones."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories.base import TenantFactory, same_org
from tests.factories.organizations import OrganizationFactory
from tests.factories.programs import DeliverableFactory, EnrollmentFactory, ProgramFactory
from tracking.models import (
    ClickEvent,
    DailyClicks,
    MetricRecord,
    MilestoneReached,
    ProgramDailyClicks,
    TrackedLink,
)


def _day(n: int) -> object:
    return timezone.localdate() - timedelta(days=n)


class TrackedLinkFactory(TenantFactory[TrackedLink]):
    class Meta:
        model = TrackedLink

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    code = factory.Sequence(lambda n: f"code{n}")
    destination = "https://lumen.example.test/spring"


class ClickEventFactory(TenantFactory[ClickEvent]):
    class Meta:
        model = ClickEvent

    organization = factory.SubFactory(OrganizationFactory)
    link = same_org(TrackedLinkFactory)
    at = factory.LazyFunction(timezone.now)
    valid = True
    client_hash = factory.Sequence(lambda n: f"{n:064x}")
    event_id = factory.Sequence(lambda n: f"event-{n}")


class DailyClicksFactory(TenantFactory[DailyClicks]):
    class Meta:
        model = DailyClicks

    organization = factory.SubFactory(OrganizationFactory)
    link = same_org(TrackedLinkFactory)
    day = factory.Sequence(_day)


class MetricRecordFactory(TenantFactory[MetricRecord]):
    class Meta:
        model = MetricRecord

    organization = factory.SubFactory(OrganizationFactory)
    deliverable = same_org(DeliverableFactory)
    day = factory.Sequence(_day)
    source = MetricRecord.Source.CSV


class MilestoneReachedFactory(TenantFactory[MilestoneReached]):
    class Meta:
        model = MilestoneReached

    organization = factory.SubFactory(OrganizationFactory)
    enrollment = same_org(EnrollmentFactory)
    milestone = factory.Sequence(lambda n: (n + 1) * 1000)
    valid_clicks = factory.SelfAttribute("milestone")
    at = factory.LazyFunction(timezone.now)


class ProgramDailyClicksFactory(TenantFactory[ProgramDailyClicks]):
    """A program's day as the rollup's triggers keep it (the app never writes one)."""

    class Meta:
        model = ProgramDailyClicks

    organization = factory.SubFactory(OrganizationFactory)
    program = same_org(ProgramFactory)
    day = factory.Sequence(_day)
