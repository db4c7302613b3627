"""Factories of the integrations app: webhook endpoints, their outbox events and deliveries."""

from __future__ import annotations

import factory

from influencer_ops.events import EventType
from integrations.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories.base import TenantFactory, same_org
from tests.factories.organizations import OrganizationFactory


class WebhookEndpointFactory(TenantFactory[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/influencer-ops")
    events = factory.LazyFunction(lambda: [EventType.PAYOUT_PAID.value])
    secret = factory.Sequence(lambda n: f"{n:064x}")


class WebhookEventFactory(TenantFactory[WebhookEvent]):
    class Meta:
        model = WebhookEvent

    organization = factory.SubFactory(OrganizationFactory)
    type = EventType.PAYOUT_PAID
    data = factory.LazyFunction(lambda: {"payout": 1})


class WebhookDeliveryFactory(TenantFactory[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery

    organization = factory.SubFactory(OrganizationFactory)
    endpoint = same_org(WebhookEndpointFactory)
    event = same_org(WebhookEventFactory)
