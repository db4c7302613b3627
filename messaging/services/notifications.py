"""Notifications: one row per recipient and event (a unique key), e-mail sent after commit by
a Celery task, each honouring the recipient's preference for that kind. Every e-mail the
app sends goes out this way (``email_address_after_commit`` for an address with no user)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from messaging.email_tasks import send_notification_email
from messaging.kinds import NotificationKind
from messaging.models import Notification, NotificationPreference
from messaging.services.email import notification_send_email

__all__ = [
    "email_address_after_commit",
    "notification_mark_read",
    "notification_send_email",
    "notification_set_preferences",
    "notify_many",
    "preferences_for",
]


def preferences_for(*, user: Any) -> dict[str, tuple[bool, bool]]:
    """kind → (in_app, email); kinds without a row are on for both."""
    return {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=user)}


def notify_many(
    *,
    recipients: Iterable[Any],
    organization: Any,
    kind: str,
    event_key: str,
    title: str,
    body: str = "",
    url: str = "",
) -> list[Notification]:
    """Record a notification per recipient unless that recipient already has this event.

    Never twice for one event: INSERT … ON CONFLICT DO NOTHING on (recipient, event_key).
    E-mail goes out after commit through Celery when the recipient wants it.
    """
    unique = {r.pk: r for r in recipients if r is not None and r.is_active}
    if not unique:
        return []
    prefs = {
        (p.user_id, p.kind): p
        for p in NotificationPreference.objects.filter(user_id__in=unique, kind=kind)
    }
    created: list[Notification] = []
    now = timezone.now()
    with connection.cursor() as cursor:
        for user_id in unique:
            pref = prefs.get((user_id, kind))
            if pref is not None and not pref.in_app and not pref.email:
                continue
            cursor.execute(
                "INSERT INTO messaging_notification (organization_id, recipient_id, kind, "
                "event_key, title, body, url, created_at, read_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (recipient_id, event_key) DO NOTHING RETURNING id",
                [
                    organization.pk,
                    user_id,
                    kind,
                    event_key[:200],
                    title[:200],
                    body[:5000],
                    url[:300],
                    now,
                    None if pref is None or pref.in_app else now,
                ],
            )
            row = cursor.fetchone()
            if row is None:
                continue
            notification = Notification(
                pk=row[0],
                organization_id=organization.pk,
                recipient_id=user_id,
                kind=kind,
                event_key=event_key,
                title=title,
                body=body,
                url=url,
            )
            created.append(notification)
            if pref is None or pref.email:
                _email_after_commit(organization.pk, row[0])
    return created


def _email_after_commit(org_id: int, notification_id: int) -> None:
    transaction.on_commit(lambda: send_notification_email.delay(org_id, notification_id))


def email_address_after_commit(*, organization: Any, address: str, subject: str, body: str) -> None:
    """E-mail an address that has no user yet (a staff or portal invitation), sent like every
    notification: after commit, by the e-mail Celery task. Nothing goes out if the caller's
    transaction rolls back. No notification row: there is no recipient user to own one."""
    org_id = organization.pk

    def enqueue() -> None:
        send_notification_email.delay(org_id, address=address, subject=subject, body=body)

    transaction.on_commit(enqueue)


@transaction.atomic
def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_set_preferences(*, user: Any, choices: dict[str, tuple[bool, bool]]) -> None:
    for kind, (in_app, email) in choices.items():
        if kind not in NotificationKind.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "email": email}
        )
