"""Celery tasks: thin, by id, inside the org's RLS scope."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from influencer_ops.tenancy import db_scope, org_scoped
from messaging.services import notifications, queue
from organizations.models import Organization


@shared_task(
    name="messaging.tasks.send_notification_email",
    acks_late=True,
    max_retries=5,
    default_retry_delay=60,
    time_limit=60,
    soft_time_limit=50,
    autoretry_for=(OSError,),
    retry_backoff=True,
)
@org_scoped
def send_notification_email(org_id: int, notification_id: int) -> bool:
    return notifications.notification_send_email(
        notification_id=notification_id, base_url=getattr(settings, "SITE_URL", "")
    )


@shared_task(
    name="messaging.tasks.escalate_overdue_tasks",
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def escalate_overdue_tasks() -> int:
    """Beat: escalate every org's tasks past their SLA. Safe to run twice at once."""
    total = 0
    for org_id in Organization.objects.order_by("pk").values_list("pk", flat=True):
        with db_scope(org_ids=[org_id]):
            organization = Organization.objects.get(pk=org_id)
            total += queue.escalate_overdue(organization=organization)
    return total
