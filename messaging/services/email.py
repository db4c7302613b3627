"""Sending e-mail: the one place that calls ``send_mail``. Only the e-mail Celery task calls
these (see ``messaging.email_tasks``); everything else goes through the notification service,
which enqueues that task after commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from influencer_ops.site import absolute_url
from messaging.models import Notification


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail once: only the caller that flips ``emailed_at`` sends."""
    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed != 1:
            return False
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        link = f"\n\n{absolute_url(notification.url)}" if notification.url else ""
        send_mail(
            notification.title, f"{notification.body}{link}", None, [notification.recipient.email]
        )
    return True


def email_send_to_address(*, address: str, subject: str, body: str) -> bool:
    """Send an e-mail to an address that has no user yet (an invitation)."""
    send_mail(subject, body, None, [address])
    return True
