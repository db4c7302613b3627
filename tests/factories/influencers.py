"""Creators and what hangs off a creator profile."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from influencers.models import (
    Availability,
    CreatorExclusion,
    CreatorLink,
    CreatorProfile,
    CreatorValues,
    DataExport,
    ExclusionKind,
    MilestoneChange,
    ProgramInterest,
    SocialHandle,
)
from tests.factories.base import TenantFactory, same_org
from tests.factories.organizations import OrganizationFactory, UserFactory


class CreatorProfileFactory(TenantFactory[CreatorProfile]):
    """A creator with a login (``user=None`` for one the desk added without a login)."""

    class Meta:
        model = CreatorProfile

    organization = factory.SubFactory(OrganizationFactory)
    display_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"creator{n}@example.test")
    user = factory.SubFactory(
        UserFactory,
        is_creator=True,
        email=factory.SelfAttribute("..email"),
        name=factory.SelfAttribute("..display_name"),
    )


class SocialHandleFactory(TenantFactory[SocialHandle]):
    class Meta:
        model = SocialHandle

    organization = factory.SubFactory(OrganizationFactory)
    profile = same_org(CreatorProfileFactory)
    platform = "instagram"
    handle = factory.Sequence(lambda n: f"handle{n}")


class AvailabilityFactory(TenantFactory[Availability]):
    class Meta:
        model = Availability

    organization = factory.SubFactory(OrganizationFactory)
    profile = same_org(CreatorProfileFactory)
    away_from = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    away_to = factory.LazyAttribute(lambda o: o.away_from + timedelta(days=7))


class ProgramInterestFactory(TenantFactory[ProgramInterest]):
    class Meta:
        model = ProgramInterest

    organization = factory.SubFactory(OrganizationFactory)
    profile = same_org(CreatorProfileFactory)
    category = "beauty"


class MilestoneChangeFactory(TenantFactory[MilestoneChange]):
    class Meta:
        model = MilestoneChange

    organization = factory.SubFactory(OrganizationFactory)
    profile = same_org(CreatorProfileFactory)
    old = 1000
    new = 2000
    reason = "Bigger audience."
    actor = factory.SubFactory(UserFactory)


class CreatorLinkFactory(TenantFactory[CreatorLink]):
    class Meta:
        model = CreatorLink

    organization = factory.SubFactory(OrganizationFactory)
    profile = same_org(CreatorProfileFactory, user=None)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class DataExportFactory(factory.django.DjangoModelFactory[DataExport]):
    """A creator's data export, requested (not a tenant row: it spans the creator's orgs)."""

    class Meta:
        model = DataExport

    user = factory.SubFactory(UserFactory, is_creator=True)


class CreatorExclusionFactory(factory.django.DjangoModelFactory[CreatorExclusion]):
    """Something a creator won't promote (a topic unless said; not a tenant row)."""

    class Meta:
        model = CreatorExclusion

    user = factory.SubFactory(UserFactory, is_creator=True)
    kind = ExclusionKind.TOPIC
    value = factory.Sequence(lambda n: f"topic {n}")
    match_key = factory.LazyAttribute(lambda o: " ".join(o.value.casefold().split()))


class CreatorValuesFactory(factory.django.DjangoModelFactory[CreatorValues]):
    class Meta:
        model = CreatorValues

    user = factory.SubFactory(UserFactory, is_creator=True)
    statement = "I only promote what I use myself."
