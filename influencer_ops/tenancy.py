"""The database wall: the row-level-security context of the current transaction.

Every tenant table carries a policy that only shows rows whose ``organization_id`` is in the
transaction-local setting ``app.org_ids`` (see ``influencer_ops.rls``). The settings are made with
``set_config(..., true)``, so they end with the transaction: nothing leaks into the next request or
task, and it works behind a transaction-mode pooler. Outside any scope, tenant tables look empty.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse

ORG_IDS = "app.org_ids"
USER_ID = "app.user_id"
ALL_ORGS = "app.all_orgs"

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Scope:
    org_ids: str
    user_id: str
    all_orgs: str


def _read() -> Scope:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting(%s, true), current_setting(%s, true), "
            "current_setting(%s, true)",
            [ORG_IDS, USER_ID, ALL_ORGS],
        )
        org_ids, user_id, all_orgs = cursor.fetchone()
    return Scope(org_ids or "", user_id or "", all_orgs or "")


def _write(scope: Scope) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("The RLS scope can only be set inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true), set_config(%s, %s, true), set_config(%s, %s, true)",
            [ORG_IDS, scope.org_ids, USER_ID, scope.user_id, ALL_ORGS, scope.all_orgs],
        )


def _scope_for(org_ids: Iterable[int], user_id: int | None, all_orgs: bool) -> Scope:
    return Scope(
        org_ids=",".join(str(int(org_id)) for org_id in org_ids),
        user_id="" if user_id is None else str(int(user_id)),
        all_orgs="on" if all_orgs else "",
    )


@contextmanager
def db_scope(
    *, org_ids: Iterable[int] = (), user_id: int | None = None, all_orgs: bool = False
) -> Iterator[None]:
    """Run the block in a transaction (or savepoint) that sees exactly ``org_ids``.

    ``user_id`` additionally lets the user see their own memberships across orgs (the org
    switcher). The previous scope is restored when the block ends without an error; on an error
    the rollback restores it.
    """
    with transaction.atomic():
        previous = _read()
        _write(_scope_for(org_ids, user_id, all_orgs))
        yield
        _write(previous)


def dangerously_unscoped() -> Any:
    """All orgs at once: for platform staff in the admin, migrations and cross-org lookups by
    secret token only. Named so that every use is easy to find in review."""
    return db_scope(all_orgs=True)


def activate_orgs(org_ids: Iterable[int], *, user_id: int | None = None) -> None:
    """Narrow the current (request's) transaction to ``org_ids`` once the org is resolved."""
    _write(_scope_for(org_ids, user_id, False))


def org_scoped(func: Callable[P, R]) -> Callable[P, R]:
    """For Celery tasks whose first argument is the org id: run the body inside that org's scope."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        org_id = kwargs["org_id"] if "org_id" in kwargs else args[0]
        with db_scope(org_ids=[int(org_id)]):  # type: ignore[call-overload]
            return func(*args, **kwargs)

    return wrapper


# /healthz must answer (503, naming what is down) even when the database does not.
NO_TRANSACTION_PREFIXES = ("/r/", "/healthz")


class TenantDatabaseMiddleware:
    """Wraps each request in one transaction whose RLS scope starts empty.

    The signed-in user may see their own memberships; views narrow the scope to the org in the
    URL after checking membership (``activate_orgs``). Platform staff in the admin see all orgs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(NO_TRANSACTION_PREFIXES):
            # Tracked-link redirects answer from Redis and never wait on PostgreSQL.
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        all_orgs = bool(
            request.path.startswith("/admin/")
            and user is not None
            and user.is_authenticated
            and user.is_active
            and user.is_staff
        )
        with db_scope(user_id=user_id, all_orgs=all_orgs):
            return self.get_response(request)
