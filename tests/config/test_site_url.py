"""One base URL (SITE_URL) for every link that leaves the app, whoever builds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from config.devrun import environment
from messaging.email_tasks import send_notification_email
from messaging.kinds import NotificationKind
from messaging.services.notifications import notify_many
from organizations.roles import Role
from tests.conftest import Cast
from tests.factories import UserFactory

SITE = "https://ops.example.test"


def test_make_run_gives_the_web_process_and_the_worker_the_site_url_of_its_port() -> None:
    assert environment({"PORT": "8123"})["SITE_URL"] == "http://127.0.0.1:8123"
    assert environment({})["SITE_URL"] == "http://127.0.0.1:8000"
    assert environment({"SITE_URL": SITE, "PORT": "1"})["SITE_URL"] == SITE


@pytest.mark.django_db
def test_a_worker_sent_email_links_to_the_site_url(cast: Cast, settings: Any) -> None:
    settings.SITE_URL = SITE
    recipient = UserFactory(email="ops@northwind.test")
    notification = notify_many(
        organization=cast.org,
        recipients=[recipient],
        kind=NotificationKind.TASK_ASSIGNED,
        title="Please review",
        body="A task is yours.",
        url="/orgs/northwind/desk/",
        event_key="site-url",
    )[0]
    # What the Celery worker runs for this notification (the task body, by its pinned name).
    assert send_notification_email.run(cast.org.pk, notification.pk) is True
    assert mail.outbox[-1].body.endswith(f"{SITE}/orgs/northwind/desk/")


@pytest.mark.django_db
def test_an_email_built_during_a_request_links_to_the_site_url_not_the_request_host(
    cast: Cast, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["internal-host"]
    client = cast.client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orgs/{cast.org.slug}/members/",
            {"email": "new@northwind.test", "role": Role.ISM},
            HTTP_HOST="internal-host:8000",
        )
    assert response.status_code == 302
    body = mail.outbox[-1].body
    assert f"{SITE}/invitations/" in body
    assert "internal-host" not in body
