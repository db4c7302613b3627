"""Sign-in rate limits: keyed on the account and on the client's real address (behind the
trusted proxies), so one account's wrong passwords never lock another account out, and a
request without a client address (gunicorn on a unix socket) can still sign in."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory
from django.urls import reverse

from config.settings import base
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOO_MANY = b"Too many failed login attempts"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def rate_limits(settings: Any) -> None:
    """The production limits (the test settings turn them off for the rest of the suite)."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS


def _limit(per: str) -> int:
    """How many failed sign-ins the configured ``login_failed`` limit allows per ``per``."""
    for rate in base.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        amount, _, unit = rate.strip().split("/")
        if unit == per:
            return int(amount)
    raise AssertionError(f"no per-{per} login_failed limit")


def _sign_in(email: str, password: str, **meta: str) -> Any:
    return Client().post(reverse("account_login"), {"login": email, "password": password}, **meta)


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and TOO_MANY not in response.content


def test_one_accounts_failures_do_not_lock_out_another_from_the_same_address() -> None:
    UserFactory(email="a@example.test")
    UserFactory(email="b@example.test")
    for _ in range(_limit("key") + 3):
        response = _sign_in("a@example.test", "wrong", REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200
    assert _signed_in(_sign_in("b@example.test", PASSWORD, REMOTE_ADDR="203.0.113.5"))


def test_the_failing_account_is_limited_from_every_address() -> None:
    UserFactory(email="a@example.test")
    for _ in range(_limit("key")):
        assert TOO_MANY not in _sign_in("a@example.test", "wrong").content
    refused = _sign_in("a@example.test", PASSWORD, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 200 and TOO_MANY in refused.content
    elsewhere = _sign_in("a@example.test", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 200 and TOO_MANY in elsewhere.content


def test_one_address_failing_for_many_accounts_is_limited() -> None:
    UserFactory(email="b@example.test")
    for n in range(_limit("ip")):
        assert TOO_MANY not in _sign_in(f"x{n}@example.test", "wrong").content
    refused = _sign_in("b@example.test", PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in refused.content
    assert _signed_in(_sign_in("b@example.test", PASSWORD, REMOTE_ADDR="198.51.100.9"))


def test_behind_the_trusted_proxy_each_client_has_its_own_address(settings: Any) -> None:
    """One client spraying through the proxy is limited, even when it forges the left part of
    X-Forwarded-For; another client behind the same proxy signs in."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="b@example.test")
    for n in range(_limit("ip")):
        forged = f"192.0.2.{n + 1}, 203.0.113.5"  # what the client sent, then what the proxy saw
        response = _sign_in(
            f"x{n}@example.test", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged
        )
        assert TOO_MANY not in response.content
    refused = _sign_in(
        "b@example.test",
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.5",
    )
    assert refused.status_code == 200 and TOO_MANY in refused.content
    other_client = _sign_in(
        "b@example.test", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert _signed_in(other_client)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "192.0.2.1", "203.0.113.5", "203.0.113.5"),  # no proxy trusted: header ignored
        (1, "192.0.2.1, 198.51.100.7", PROXY, "198.51.100.7"),  # the proxy's own entry
        (2, "192.0.2.1, 198.51.100.7, 10.0.0.9", PROXY, "198.51.100.7"),
        (1, "", PROXY, PROXY),  # reached the app without the proxy: its peer
        (2, "198.51.100.7", PROXY, PROXY),  # fewer entries than trusted hops: not trusted
        (0, "", "", "unknown"),  # a unix socket: no address, but no refusal either
    ],
)
def test_the_sign_in_address(
    settings: Any, proxies: int, forwarded: str, remote: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert get_adapter(request).get_client_ip(request) == expected


def test_a_request_without_a_client_address_can_sign_in() -> None:
    """gunicorn on a unix socket gives no REMOTE_ADDR; allauth used to answer 403."""
    UserFactory(email="b@example.test")
    assert _sign_in("b@example.test", "wrong", REMOTE_ADDR="").status_code == 200
    assert _signed_in(_sign_in("b@example.test", PASSWORD, REMOTE_ADDR=""))


def test_production_trusts_one_proxy_unless_told_otherwise() -> None:
    """The TLS proxy in front of ``web`` appends the client's address; the base settings
    (no proxy: ``make run``, tests) trust none."""
    assert base.TRUSTED_PROXY_COUNT == 0
    env = {k: v for k, v in os.environ.items() if k not in {"TRUSTED_PROXY_COUNT"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "ops.example.com",
        "SITE_URL": "https://ops.example.com",
        "DATABASE_URL": "postgres://influencer_ops@127.0.0.1:5432/influencer_ops",
    }
    read = "import django; django.setup(); from django.conf import settings as s; "
    read += "print(s.TRUSTED_PROXY_COUNT)"
    for extra, expected in (({}, "1"), ({"TRUSTED_PROXY_COUNT": "2"}, "2")):
        result = subprocess.run(
            [sys.executable, "-c", read],
            cwd=base.BASE_DIR,
            env=env | extra,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected, result.stderr


def test_one_accounts_failures_cannot_fill_the_address_limit() -> None:
    """The per-account limit is checked first and is lower than the per-address one, so an
    account at its limit consumes no more of its address's budget."""
    rates = [rate.strip() for rate in base.ACCOUNT_RATE_LIMITS["login_failed"].split(",")]
    assert rates[0].endswith("/key")
    assert _limit("key") < _limit("ip")
