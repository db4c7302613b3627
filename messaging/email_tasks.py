"""The e-mail Celery task, apart from ``messaging.tasks``: the notification service enqueues it,
and ``messaging.tasks`` imports the queue service, which notifies. Keeping the task here (it
needs only the e-mail service) is what keeps notifications → tasks → queue → notifications from
being an import cycle. ``messaging.tasks`` re-exports it; its Celery name is pinned."""

from __future__ import annotations

from celery import shared_task

from influencer_ops.tenancy import org_scoped
from messaging.services import email


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
def send_notification_email(
    org_id: int,
    notification_id: int | None = None,
    *,
    address: str = "",
    subject: str = "",
    body: str = "",
) -> bool:
    """Send a notification's e-mail (once), or, without a notification, ``subject`` and
    ``body`` to ``address`` (see ``notifications.email_address_after_commit``)."""
    if notification_id is None:
        return email.email_send_to_address(address=address, subject=subject, body=body)
    return email.notification_send_email(notification_id=notification_id)
