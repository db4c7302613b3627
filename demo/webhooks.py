"""The demo's webhook endpoint: registered through the real service, then paused.

A demo cannot show real deliveries honestly (nothing listens at a demo address, and `make run`
must not send data anywhere), so Northwind has one endpoint at a reserved ``.example`` address,
paused: its page shows the settings, the secret and the event catalogue, and its log is empty
until someone points it at a receiver of their own and makes it active."""

from __future__ import annotations

from demo.people import Cast
from influencer_ops.events import EventType
from integrations.models import WebhookEndpoint
from integrations.webhooks import services

DEMO_URL = "https://crm.northwind.example/hooks/influencer-ops"


def seed_webhooks(cast: Cast) -> None:
    organization = cast.orgs["northwind"]
    if WebhookEndpoint.objects.filter(organization=organization).exists():
        return
    admin = cast.users["admin@demo.test"]
    endpoint = services.endpoint_create(
        organization=organization,
        actor=admin,
        url=DEMO_URL,
        description="Northwind CRM (paused until its receiver is live)",
        events=[
            EventType.ENROLLMENT_CONFIRMED,
            EventType.SUBMISSION_APPROVED,
            EventType.PAYOUT_PAID,
            EventType.CASE_OPENED,
        ],
    )
    services.endpoint_update(endpoint=endpoint, actor=admin, state=WebhookEndpoint.State.PAUSED)
