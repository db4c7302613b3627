"""Outages of a backing service: the database or the broker/Redis is down, not the request wrong.

Such an error answers 503 with ``Retry-After`` (the API's exception handler, the 500 handler),
never a bare 500: the client did nothing wrong and may try again.
"""

from __future__ import annotations

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Seconds a client should wait before trying again.
RETRY_AFTER_SECONDS = 30

_KINDS: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((DatabaseOperationalError, DatabaseInterfaceError), "database"),
    ((BrokerOperationalError, RedisConnectionError, RedisTimeoutError), "broker"),
)


def outage_of(exc: BaseException | None) -> str | None:
    """The outage ``exc`` (or an error it was raised from) reports: "database", "broker", None."""
    seen = 0
    while exc is not None and seen < 5:
        for types, kind in _KINDS:
            if isinstance(exc, types):
                return kind
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def outage_message(kind: str) -> str:
    what = "database" if kind == "database" else gettext("message broker")
    return gettext(
        "The service is briefly unavailable (the %(what)s is not answering). Please try again."
    ) % {"what": what}
