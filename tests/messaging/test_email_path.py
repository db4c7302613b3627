"""Every e-mail goes out through the notification service, after commit, by the one e-mail task.

An e-mail to an address with no user yet (an invitation) takes the same path as a
notification's e-mail: nothing is sent before the transaction commits, nothing if it rolls
back, and only ``messaging.services.email`` calls ``send_mail``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from messaging.services.notifications import email_address_after_commit
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_an_address_mail_is_sent_after_commit_with_its_text(
    django_capture_on_commit_callbacks: Any,
) -> None:
    org = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email_address_after_commit(
            organization=org, address="new@example.test", subject="Hello", body="Line one."
        )
        assert not mail.outbox  # not before commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.body, sent.to) == ("Hello", "Line one.", ["new@example.test"])


def test_an_address_mail_is_not_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    org = OrganizationFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_address_after_commit(
            organization=org, address="new@example.test", subject="Hello", body="Line one."
        )
    assert len(callbacks) == 1  # queued for commit only
    assert not mail.outbox


def test_only_the_email_service_calls_send_mail() -> None:
    allowed = {ROOT / "messaging" / "services" / "email.py"}
    skip = {"tests", ".venv", "node_modules", "migrations"}
    callers = [
        path
        for path in ROOT.rglob("*.py")
        if not skip.intersection(path.relative_to(ROOT).parts)
        and "send_mail(" in path.read_text(encoding="utf-8")
        and path not in allowed
    ]
    assert callers == []
