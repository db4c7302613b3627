"""The audit trail (influencer_ops)."""

from __future__ import annotations

import factory

from influencer_ops.audit import AuditVerb
from influencer_ops.models import AuditEvent
from tests.factories.organizations import OrganizationFactory, UserFactory


class AuditEventFactory(factory.django.DjangoModelFactory[AuditEvent]):
    class Meta:
        model = AuditEvent

    organization = factory.SubFactory(OrganizationFactory)
    actor = factory.SubFactory(UserFactory)
    verb = factory.Iterator(list(AuditVerb))
    target_type = "organization"
    target_id = factory.SelfAttribute("organization.pk")
