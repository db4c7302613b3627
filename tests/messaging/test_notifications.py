"""Notifications: the bell, the list, mark-as-read, preferences, and sending exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging.kinds import NotificationKind
from messaging.models import Notification
from messaging.services.notifications import (
    notification_send_email,
    notification_set_preferences,
    notify_many,
    preferences_for,
)
from organizations.roles import Role
from tests.conftest import Cast, login_client
from tests.factories import UserFactory
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db

PAGES = ["notifications", "notifications_bell", "notification_preferences"]


def _notify(user: Any, org: Any, key: str, title: str = "Task for you", url: str = "/x") -> Any:
    created = notify_many(
        recipients=[user],
        organization=org,
        kind=NotificationKind.TASK_ASSIGNED,
        event_key=key,
        title=title,
        url=url,
    )
    return created[0] if created else None


def _unread(*notifications: Any) -> list[bool]:
    ids = [n.pk for n in notifications]
    read_at = dict(Notification.objects.filter(pk__in=ids).values_list("pk", "read_at"))
    return [read_at[pk] is None for pk in ids]


@pytest.fixture
def user(cast: Cast) -> Any:
    return cast.members[Role.ANALYST].user


# --- access ---


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_login(client: Any, page: str) -> None:
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_mark_read(client: Any) -> None:
    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_htmx_poll_of_the_bell_stops_polling(client: Any) -> None:
    response = client.get(reverse("notifications_bell"), HTTP_HX_REQUEST="true")
    assert response.status_code == 286


# --- the list ---


def test_the_list_shows_only_my_own_notifications(cast: Cast, user: Any) -> None:
    _notify(user, cast.org, "mine", title="Review the Lumen brief")
    _notify(cast.outsider.user, cast.outsider_org, "theirs", title="Acme secret")
    response = login_client(user).get(reverse("notifications"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Review the Lumen brief" in content
    assert "Acme secret" not in content


def test_unread_are_marked_with_text_and_link_to_their_url(cast: Cast, user: Any) -> None:
    _notify(user, cast.org, "k1", title="Unread one", url="/orgs/northwind/")
    read = _notify(user, cast.org, "k2", title="Read one", url="")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    content = login_client(user).get(reverse("notifications")).content.decode()
    assert content.count('<span class="badge badge-new">New</span>') == 1
    assert '<a href="/orgs/northwind/">Unread one</a>' in content
    assert "<strong>Read one</strong>" in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert "Mark all as read" in content


def test_a_stored_url_never_becomes_a_script_or_foreign_link(cast: Cast, user: Any) -> None:
    _notify(user, cast.org, "k1", title="Bad", url="javascript:alert(1)")
    _notify(user, cast.org, "k2", title="Away", url="https://evil.example/")
    content = login_client(user).get(reverse("notifications")).content.decode()
    assert "javascript:" not in content
    assert "evil.example" not in content


def test_the_list_is_newest_first_and_paginated_by_25(cast: Cast, user: Any) -> None:
    for n in range(30):
        _notify(user, cast.org, f"k{n}", title=f"Item {n:02d}")
    client = login_client(user)
    first = client.get(reverse("notifications")).content.decode()
    assert "Item 29" in first
    assert "Item 05" in first
    assert "Item 04" not in first
    assert first.index("Item 29") < first.index("Item 28")
    assert "Page 1 of 2" in first
    second = client.get(reverse("notifications"), {"page": 2}).content.decode()
    assert "Item 04" in second
    assert "Item 05" not in second


def test_the_list_has_a_constant_number_of_queries(cast: Cast, user: Any) -> None:
    client = login_client(user)
    for n in range(5):
        _notify(user, cast.org, f"k{n}")

    def grow() -> None:
        for n in range(5, 25):
            _notify(user, cast.org, f"k{n}")

    assert_constant_queries(lambda: client.get(reverse("notifications")), grow=grow)


# --- the bell ---


def test_the_bell_shows_my_unread_count(cast: Cast, user: Any) -> None:
    first = _notify(user, cast.org, "k1")
    _notify(user, cast.org, "k2")
    _notify(user, cast.org, "k3")
    _notify(cast.outsider.user, cast.outsider_org, "k1")
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    response = login_client(user).get(reverse("notifications_bell"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Notifications (2 unread)" in content
    assert 'hx-trigger="every 60s"' in content
    assert f'hx-get="{reverse("notifications_bell")}"' in content


def test_the_bell_is_in_the_header_of_every_signed_in_page(cast: Cast, user: Any) -> None:
    _notify(user, cast.org, "k1")
    content = login_client(user).get(reverse("notification_preferences")).content.decode()
    assert "Notifications (1 unread)" in content
    assert 'class="bell-count" aria-hidden="true">1<' in content


# --- mark as read ---


def test_mark_all_as_read(cast: Cast, user: Any) -> None:
    first, second = _notify(user, cast.org, "k1"), _notify(user, cast.org, "k2")
    theirs = _notify(cast.outsider.user, cast.outsider_org, "k1")
    response = login_client(user).post(reverse("notifications_read"))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")
    assert _unread(first, second, theirs) == [False, False, True]


def test_mark_some_as_read_ignores_other_users_ids(cast: Cast, user: Any) -> None:
    first, second = _notify(user, cast.org, "k1"), _notify(user, cast.org, "k2")
    theirs = _notify(cast.outsider.user, cast.outsider_org, "k1")
    response = login_client(user).post(
        reverse("notifications_read"), {"id": [str(first.pk), str(theirs.pk), "nonsense"]}
    )
    assert response.status_code == 302
    assert _unread(first, second, theirs) == [False, True, True]


def test_mark_read_over_htmx_returns_the_updated_bell(cast: Cast, user: Any) -> None:
    _notify(user, cast.org, "k1")
    response = login_client(user).post(reverse("notifications_read"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Notifications (0 unread)" in content
    assert "<html" not in content


def test_mark_read_only_accepts_post(user: Any) -> None:
    assert login_client(user).get(reverse("notifications_read")).status_code == 405


# --- preferences ---


def test_preferences_default_to_both_channels_on(user: Any) -> None:
    response = login_client(user).get(reverse("notification_preferences"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('type="checkbox"') == 2 * len(NotificationKind.values)
    assert content.count("checked") == 2 * len(NotificationKind.values)
    assert '<th scope="row">A task lands in my queue</th>' in content


def test_preferences_are_saved_and_shown_again(user: Any) -> None:
    client = login_client(user)
    posted = {f"{kind}__in_app": "on" for kind in NotificationKind.values}
    posted[f"{NotificationKind.NEW_MESSAGE}__email"] = "on"
    response = client.post(reverse("notification_preferences"), posted)
    assert response.status_code == 302
    assert response["Location"] == reverse("notification_preferences")
    prefs = preferences_for(user=user)
    assert prefs[NotificationKind.TASK_ASSIGNED] == (True, False)
    assert prefs[NotificationKind.NEW_MESSAGE] == (True, True)
    page = client.get(response["Location"]).content.decode()
    assert "Your notification preferences were saved." in page
    assert page.count("checked") == len(NotificationKind.values) + 1


def test_with_both_channels_off_nothing_is_recorded(cast: Cast, user: Any) -> None:
    notification_set_preferences(
        user=user, choices={NotificationKind.TASK_ASSIGNED: (False, False)}
    )
    assert _notify(user, cast.org, "k1") is None
    assert not Notification.objects.filter(recipient=user).exists()


def test_with_email_off_no_email_is_queued(
    cast: Cast, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    notification_set_preferences(user=user, choices={NotificationKind.TASK_ASSIGNED: (True, False)})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _notify(user, cast.org, "k1") is not None
    assert callbacks == []


def test_with_email_on_one_email_is_queued(
    cast: Cast, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    notification_set_preferences(user=user, choices={NotificationKind.TASK_ASSIGNED: (False, True)})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _notify(user, cast.org, "k1")
    assert len(callbacks) == 1
    # In-app off: recorded for the e-mail, but never counted as unread.
    assert _unread(notification) == [False]


# --- exactly once ---


def test_the_same_event_is_recorded_once(
    cast: Cast, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _notify(user, cast.org, "k1") is not None
        assert _notify(user, cast.org, "k1") is None
    assert Notification.objects.filter(recipient=user, event_key="k1").count() == 1
    assert len(callbacks) == 1


def test_the_email_is_sent_once_even_when_asked_twice(cast: Cast) -> None:
    recipient = UserFactory(email="ops@northwind.test")
    notification = _notify(recipient, cast.org, "k1", title="Please review")
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@northwind.test"]
    assert mail.outbox[0].subject == "Please review"
