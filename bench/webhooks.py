"""Benchmark: webhook delivery throughput with 2 real Celery workers, and what a SIGKILL costs.

Emits N events (default 10,000) for one org whose endpoint points at a local receiver (a
threaded HTTP/1.1 server on loopback that verifies every signature and counts event ids),
starts 2 Celery worker processes (solo pool, a queue of their own) and queues the org's
delivery job once per worker; times until every event was received and recorded. Prints
deliveries/s (target ≥ 200), lost (ids never received) and twice (ids received more than once).

Second phase: a fresh org and N events again, the receiver answering in 0.1 s (``--delay``);
when a third of them arrived the receiver itself triggers the SIGKILL of one worker, so it
lands while that batch's other POSTs wait for their answers (mid-batch), and a new worker is
started; a small loop plays the beat sweep (queues the org's
job while deliveries are due), so the dead worker's leased batch is sent again once its lease
passes. Prints lost / twice again. Exit 1 when any event is lost or a signature fails.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/webhooks.py

Without DATABASE_URL it uses the throwaway database ``bench_influencer_ops`` like the other
benchmarks; Celery's broker is REDIS_URL (default redis://127.0.0.1:6379/11). Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, add_admin_url, setup_django

DELIVER_ORG = "integrations.tasks.deliver_org"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill-at", type=float, default=0.33, help="fraction received at kill")
    parser.add_argument("--no-kill", action="store_true", help="skip the second phase")
    parser.add_argument(
        "--delay", type=float, default=0.1, help="receiver's answer time in phase 2 (s)"
    )
    parser.add_argument("--verbose", action="store_true", help="progress after the kill")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per phase at most")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")
    )
    add_admin_url(parser)
    return parser.parse_args()


@dataclass
class Tally:
    secret: str = ""
    ids: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    last_new_at: float = 0.0
    delay: float = 0.0  # seconds the receiver takes to answer, after counting
    kill_at: int = 0  # when this many ids arrived, ``reached`` is set
    reached: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def unique(self) -> int:
        with self.lock:
            return len(self.ids)


@contextmanager
def receiver(tally: Tally) -> Iterator[str]:
    """A loopback receiver that keeps connections alive, checks each signature, counts ids."""
    from integrations.webhooks import signing

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            header = self.headers.get(signing.SIGNATURE_HEADER, "")
            good = signing.verify(tally.secret, header, body, now=int(time.time()))
            event_id = self.headers.get(signing.EVENT_ID_HEADER, "")
            with tally.lock:
                if not good:
                    tally.bad_signatures += 1
                else:
                    if event_id not in tally.ids:
                        tally.last_new_at = time.monotonic()
                    tally.ids[event_id] += 1
                    if tally.kill_at and len(tally.ids) >= tally.kill_at:
                        tally.reached.set()
            if tally.delay:
                time.sleep(tally.delay)
            self.send_response(200 if good else 401)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:
            return

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()
        server.server_close()


class Workers:
    """Celery worker subprocesses on a queue of their own, like tests/conftest.celery_worker."""

    def __init__(self, queue: str, folder: Path, redis_url: str) -> None:
        self.queue, self.folder, self.started = queue, folder, 0
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": redis_url,
            "WEBHOOK_ALLOW_PRIVATE_URLS": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = self.folder / f"worker-{self.started}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue]
        command += ["-n", f"bench{self.started}-{self.queue}@%h", "--pool=solo"]
        command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        command += ["--loglevel=INFO"]
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"worker {self.started} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def prepare(events: int, tally: Tally, url: str) -> int:
    """A fresh org, its endpoint for ``url`` and ``events`` events (nothing queued yet)."""
    from django.db import transaction

    from accounts.models import User
    from influencer_ops.events import EventType, emit_many
    from influencer_ops.tenancy import db_scope
    from integrations.webhooks import outbox, services
    from organizations.models import Membership, Organization

    slug = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    org = Organization.objects.create(slug=slug, name=f"Bench webhooks {slug}", mfa_required=False)
    with db_scope(org_ids=[org.pk]):
        admin = User.objects.create(email=f"admin@{slug}.test", name="Admin")
        Membership.objects.create(organization=org, user=admin, role="admin")
        endpoint = services.endpoint_create(
            organization=org, actor=admin, url=url, events=[EventType.CASE_OPENED]
        )
        tally.secret = endpoint.secret
    queue = outbox.enqueue_delivery
    outbox.enqueue_delivery = lambda org_id: None
    try:
        for start in range(0, events, 1_000):
            with db_scope(org_ids=[org.pk]), transaction.atomic():
                items: list[Mapping[str, Any]] = [
                    {"case_id": n} for n in range(start, min(start + 1_000, events))
                ]
                emit_many(org, EventType.CASE_OPENED, items)
    finally:
        outbox.enqueue_delivery = queue
    return int(org.pk)


def state_counts(org_id: int) -> Counter[str]:
    from influencer_ops.tenancy import db_scope
    from integrations.models import WebhookDelivery

    with db_scope(org_ids=[org_id]):
        return Counter(
            WebhookDelivery.objects.filter(organization_id=org_id).values_list("state", flat=True)
        )


def event_ids(org_id: int) -> set[str]:
    from influencer_ops.tenancy import db_scope
    from integrations.models import WebhookEvent

    with db_scope(org_ids=[org_id]):
        return {
            str(i)
            for i in WebhookEvent.objects.filter(organization_id=org_id).values_list(
                "pk", flat=True
            )
        }


def wait_until(check: Callable[[], bool], seconds: float, tick: Callable[[], None]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        tick()
        time.sleep(0.25)
    return False


def report(label: str, org_id: int, tally: Tally) -> bool:
    expected = event_ids(org_id)
    lost = len(expected - set(tally.ids))
    twice = sum(1 for n in tally.ids.values() if n > 1)
    extra = sum(tally.ids.values()) - len(tally.ids)
    states = dict(state_counts(org_id))
    print(
        f"  {label}: lost {lost}, delivered twice {twice} ({extra} extra POSTs), "
        f"bad signatures {tally.bad_signatures}, deliveries by state {states}"
    )
    return lost == 0 and tally.bad_signatures == 0


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url, REDIS_URL=args.redis_url, WEBHOOK_ALLOW_PRIVATE_URLS="1")
    from django.conf import settings
    from django.utils import timezone

    from config.celery import app
    from influencer_ops.tenancy import db_scope
    from integrations.webhooks import delivery

    assert settings.WEBHOOK_ALLOW_PRIVATE_URLS, "the receiver is on loopback"
    queue = f"bench-webhooks-{uuid.uuid4().hex[:8]}"
    ok = True
    print(
        f"{args.events:,} events, {args.workers} workers (solo pool), batch {delivery.BATCH}, "
        f"{delivery.SEND_THREADS} send threads, lease {delivery.LEASE.total_seconds():.0f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory() as folder:
        workers = Workers(queue, Path(folder), args.redis_url)
        try:
            for _ in range(args.workers):
                workers.start()
            # Phase 1: throughput.
            tally = Tally()
            with receiver(tally) as url:
                org_id = prepare(args.events, tally, url)
                started = time.monotonic()
                for _ in range(args.workers):
                    app.send_task(DELIVER_ORG, args=[org_id], queue=queue)
                done = wait_until(
                    lambda: (
                        tally.unique() >= args.events and not state_counts(org_id).get("pending")
                    ),
                    args.timeout,
                    lambda: None,
                )
                elapsed = tally.last_new_at - started
                print(
                    f"phase 1: {'all' if done else 'NOT all'} delivered in {elapsed:.1f} s: "
                    f"**{args.events / elapsed:.0f} deliveries/s** (target ≥ 200)"
                )
                ok &= report("phase 1", org_id, tally) and done
            if args.no_kill:
                return 0 if ok else 1
            # Phase 2: one worker SIGKILLed mid-batch, a new one started; the beat sweep's part
            # is played by queueing the org's job whenever a delivery is due and none is queued.
            tally = Tally()
            with receiver(tally) as url:
                org_id = prepare(args.events, tally, url)
                for _ in range(args.workers):
                    app.send_task(DELIVER_ORG, args=[org_id], queue=queue)
                wait_until(
                    lambda: tally.unique() >= args.events * args.kill_at, args.timeout, lambda: None
                )
                victim = workers.processes[0]
                os.kill(victim.pid, signal.SIGKILL)
                victim.wait(timeout=10)
                at_kill = tally.unique()
                killed_at = time.monotonic()
                print(
                    f"phase 2: worker killed with {at_kill:,} of {args.events:,} received; "
                    f"a new worker started; sweep every 5 s"
                )
                workers.start()
                last_sweep = [0.0]

                def sweep() -> None:
                    if time.monotonic() - last_sweep[0] < 5:
                        return
                    last_sweep[0] = time.monotonic()
                    with db_scope(org_ids=[org_id]):  # as the sweep's for_each_org does
                        due = delivery.has_due(organization_id=org_id, now=timezone.now())
                    if due:
                        app.send_task(DELIVER_ORG, args=[org_id], queue=queue)
                    if args.verbose:
                        print(
                            f"    {tally.unique():,} received, {dict(state_counts(org_id))}, "
                            f"due {due}",
                            flush=True,
                        )

                done = wait_until(
                    lambda: (
                        tally.unique() >= args.events and not state_counts(org_id).get("pending")
                    ),
                    args.timeout,
                    sweep,
                )
                print(
                    f"  finished {time.monotonic() - killed_at:.1f} s after the kill "
                    f"(the dead worker's batch waits for its lease)"
                )
                ok &= report("phase 2", org_id, tally) and done
        finally:
            workers.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
