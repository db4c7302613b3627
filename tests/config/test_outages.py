"""A backing service is down: /healthz names it, the API answers 503 + Retry-After, pages a
friendly 503 without a traceback. The database outage is real: the connection points at a
closed port, so every query fails the way it does when PostgreSQL is stopped."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import Client
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from config.celery import app
from influencer_ops.api import exception_handler
from tests.factories import UserFactory


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def database_stopped() -> Iterator[None]:
    """Within the block, the database refuses connections (a closed port)."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def _signed_in(**user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(**user))
    return client


def _assert_friendly_503(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    text = response.content.decode()
    assert "Briefly unavailable" in text
    assert "database" in text
    for leak in ("Traceback", "OperationalError", "psycopg", "Internal Server Error"):
        assert leak not in text


@pytest.mark.django_db(transaction=True)
def test_a_signed_in_page_answers_a_friendly_503_when_the_database_is_down() -> None:
    clients = {"staff": _signed_in(), "creator": _signed_in(is_creator=True)}
    with database_stopped():
        for who, url in (("staff", "/"), ("staff", "/orgs/"), ("creator", "/portal/")):
            _assert_friendly_503(clients[who].get(url))
        _assert_friendly_503(Client(raise_request_exception=False).get("/"))


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_with_retry_after_when_the_database_is_down() -> None:
    client = _signed_in(is_creator=True)
    with database_stopped():
        response = client.get("/api/v1/me/threads/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.json()["unavailable"] == "database"
    assert "try again" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_json_503_naming_the_database() -> None:
    with database_stopped():
        response = Client(raise_request_exception=False).get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] is False
    assert body["broker"] is True
    assert body["down"] == ["database"]
    assert body["status"] == "unhealthy"


@pytest.mark.django_db
def test_healthz_answers_json_503_naming_the_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0")
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["broker"]
    assert body["database"] is True


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (OperationalError("server closed the connection unexpectedly"), "database"),
        (BrokerOperationalError("Error 111 connecting to redis"), "broker"),
        (RedisConnectionError("Connection refused"), "broker"),
    ],
)
def test_the_api_exception_handler_answers_503_for_an_outage(error: Exception, kind: str) -> None:
    response = exception_handler(error, {})
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.data["unavailable"] == kind


def test_other_errors_are_still_not_the_clients_fault() -> None:
    assert exception_handler(ValueError("a bug"), {}) is None  # the 500 handler's
