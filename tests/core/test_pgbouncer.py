"""The tenancy wall behind a transaction-mode pooler: PgBouncer shares a few server connections
between many clients, one transaction at a time, so any session-level state would leak from one
client (and org) to the next. The scope is ``set_config(…, true)`` (transaction-local), so it
must not.

Each test starts Debian's ``pgbouncer`` (``make pgbouncer-deps``) on a free loopback port, in
transaction pool mode with 2 server connections, in front of the test database, and points new
Django connections (one per thread) at it: the app's own ``db_scope`` and ORM run through it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest
from django.db import connection, connections, transaction

from influencer_ops.tenancy import dangerously_unscoped, db_scope
from organizations.models import Brand
from tests.factories import BrandFactory, OrganizationFactory
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

POOL_SIZE = 2
CLIENTS = 6
ROUNDS = 25


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Bouncer:
    """A pgbouncer of the test's own (transaction pooling) in front of the test database."""

    def __init__(self, folder: Path, pool_size: int) -> None:
        db = connection.settings_dict
        self.port = _free_port()
        self.dbname = str(db["NAME"])
        self.user = str(db["USER"])
        self.config = folder / "pgbouncer.ini"
        self.config.write_text(
            "[databases]\n"
            f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={self.user}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            "auth_type = any\npool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
            "max_client_conn = 100\nserver_round_robin = 0\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
        )
        self.config.chmod(0o644)
        folder.chmod(0o755)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not os.access(binary, os.X_OK):
            pytest.fail("pgbouncer is not installed: run `make pgbouncer-deps`")
        command = [binary, str(self.config)]
        if os.geteuid() == 0:  # pgbouncer refuses to run as root
            command[1:1] = ["-u", "nobody"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=self.config.parent
        )
        if not wait_for(self._answers, seconds=20, every=0.05):
            self.stop()
            output = self.process.stdout.read().decode() if self.process.stdout else ""
            pytest.fail(f"pgbouncer did not start:\n{output[-2000:]}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            return True  # exited: start() reports it below
        try:
            psycopg2.connect(**self.params()).close()
        except psycopg2.OperationalError:
            return False
        return True

    def params(self) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "dbname": self.dbname, "user": self.user}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def bouncer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bouncer]:
    """PgBouncer started; every *new* Django connection (each thread's) goes through it, as the
    app's does when DATABASE_URL names the pooler, with server-side cursors off."""
    server = Bouncer(tmp_path, POOL_SIZE)
    server.start()
    assert server.process is not None and server.process.poll() is None, "pgbouncer exited"
    # A copy: this thread's open connection keeps its own (direct) settings.
    pooled = {
        **connections.settings["default"],
        "HOST": "127.0.0.1",
        "PORT": str(server.port),
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "CONN_MAX_AGE": None,  # each client keeps its connection to the pooler
    }
    monkeypatch.setitem(connections.settings, "default", pooled)
    try:
        yield server
    finally:
        server.stop()


def _two_orgs() -> tuple[int, int]:
    with dangerously_unscoped():
        org_a, org_b = OrganizationFactory(), OrganizationFactory()
        BrandFactory(organization=org_a)
        BrandFactory.create_batch(3, organization=org_b)
    return org_a.pk, org_b.pk


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_two_orgs_interleaved_on_shared_pooled_connections_never_see_each_other(
    bouncer: Bouncer,
) -> None:
    org_a, org_b = _two_orgs()
    expected = {org_a: 1, org_b: 3}
    served: dict[int, set[int]] = defaultdict(set)  # server backend → orgs it served
    problems: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(n: int) -> None:
        org = org_a if n % 2 else org_b
        try:
            start.wait(timeout=30)
            for round_ in range(ROUNDS):
                with db_scope(org_ids=[org]):
                    pid = _backend_pid()
                    brands = list(Brand.objects.values_list("organization_id", flat=True))
                    seen = Brand.objects.filter(organization_id__in=[org_a, org_b]).count()
                with lock:
                    served[pid].add(org)
                if (
                    sorted(set(brands)) != [org]
                    or len(brands) != expected[org]
                    or seen != len(brands)
                ):
                    problems.append(f"client {n} (org {org}) round {round_}: saw {brands}")
                # The next transaction, wherever the pooler sends it, starts with no org at all.
                with transaction.atomic():
                    if Brand.objects.exists():
                        problems.append(f"client {n}: a new transaction saw rows")
                if Brand.objects.exists():  # autocommit, no scope
                    problems.append(f"client {n}: an unscoped query saw rows")
        except Exception as exc:  # reported below, with the client's number
            problems.append(f"client {n}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a client hung"
    assert not problems, problems[:10]
    # The clients really shared the pool's server connections, both orgs on the same ones.
    assert 1 <= len(served) <= POOL_SIZE < CLIENTS, dict(served)
    assert any(orgs == {org_a, org_b} for orgs in served.values()), dict(served)


def test_a_session_level_setting_would_leak_through_the_pool(bouncer: Bouncer) -> None:
    """What the test above guards against, shown: ``set_config(…, false)`` (a plain ``SET``)
    stays on the server connection and the next client's transaction sees that org's rows. The
    app never does this (``tenancy._write`` refuses to run outside a transaction and always
    passes ``true``)."""
    org_a, _org_b = _two_orgs()
    first = psycopg2.connect(**bouncer.params())
    second = psycopg2.connect(**bouncer.params())
    try:
        first.autocommit = second.autocommit = True
        with first.cursor() as cursor:
            cursor.execute("SELECT set_config('app.org_ids', %s, false)", [str(org_a)])
        leaked = False
        deadline = time.monotonic() + 10
        while not leaked and time.monotonic() < deadline:  # a bounded retry, not a sleep
            with second.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM organizations_brand")
                leaked = cursor.fetchone()[0] > 0
        assert leaked, "the pool did not share the server connection"
    finally:
        first.close()
        second.close()
