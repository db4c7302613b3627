"""Notifications: one row per recipient and event (a unique key), e-mail sent after commit by
a Celery task, each honouring the recipient's preference for that kind."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from messaging.models import Notification, NotificationPreference


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
    from messaging.tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(org_id, notification_id))


def notification_send_email(*, notification_id: int, base_url: str = "") -> bool:
    """Send the e-mail once: only the caller that flips ``emailed_at`` sends."""
    from django.core.mail import send_mail

    with transaction.atomic():
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed != 1:
            return False
        notification = Notification.objects.select_related("recipient").get(pk=notification_id)
        link = f"\n\n{base_url}{notification.url}" if notification.url else ""
        send_mail(
            notification.title, f"{notification.body}{link}", None, [notification.recipient.email]
        )
    return True


@transaction.atomic
def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_set_preferences(*, user: Any, choices: dict[str, tuple[bool, bool]]) -> None:
    from messaging.kinds import NotificationKind

    for kind, (in_app, email) in choices.items():
        if kind not in NotificationKind.values:
            continue
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"in_app": in_app, "email": email}
        )
