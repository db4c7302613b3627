"""The one base URL for links that leave the app (e-mails, notifications, exports).

Built from ``settings.SITE_URL``, never from the request: an e-mail a Celery worker sends must
carry the same address as one built during a request (`make run` sets it from PORT; production
requires it)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """``/orgs/x/`` → ``https://ops.example.com/orgs/x/``."""
    return f"{str(settings.SITE_URL).rstrip('/')}{path}"
