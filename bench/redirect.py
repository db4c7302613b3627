"""Benchmark: requests per second of the tracked redirect ``/r/<code>`` (the lean entry point,
as deployed) against a bare Django redirect and a minimal WSGI redirect, under gunicorn, in one
run, and end-to-end exactness of the click count.

Starts gunicorn (sync workers, base settings with DEBUG off, on 127.0.0.1 and a free port) with
``bench/redirect_settings.py`` and ``bench/redirect_wsgi.py``: the deployed WSGI application
behind ``/r/wsgi/<code>`` (the same 302 and headers from a WSGI function doing nothing else),
whose URLconf adds ``/r/bare/<code>`` (the same 302 through Django: same decorators, headers and
middleware path, without looking up or recording anything), ``/r/ping/<code>`` (that plus one
Redis PING) and ``/r/django/<code>`` (the tracked Django view, as before the lean path). A load
generator on loopback only (processes × threads of ``http.client``, one connection per request
as gunicorn's sync workers close them) interleaves timed runs of the five, and prints the median
requests per second of each and the ratios lean/bare Django (target ≥ 1.5) and lean/minimal
WSGI (target ≥ 0.6). Every thread finishes the request it has in flight and stops by itself at
the end of each run.

Then it stops gunicorn, flushes the click queue to PostgreSQL and checks that the clicks stored
equal the tracked requests answered (valid + filtered: each request uses one of 1,000 browser
user agents or, one in ten, a bot's, so there are valid clicks, repeats and bots).

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/redirect.py
    # options: --workers (2 × CPUs + 1) --connections 16 --loaders 2 --seconds 5 --runs 3
    #          --redis-conf config/redis.conf (a redis-server of its own, as deployed)

Without DATABASE_URL it uses the throwaway database ``bench_influencer_ops`` (created as the
PostgreSQL superuser of DATABASE_ADMIN_URL, like ``bench/matching.py``); clicks are queued in
Redis database 12 (``CLICK_REDIS_URL``) under keys named after that database, or, with
``--redis-conf``, in a redis-server of its own started with that configuration file (on a free
loopback port, in a temporary directory) and stopped at the end: ``config/redis.conf`` measures
the deployed Redis, whose append-only file is fsynced before every reply. Not part of the test
suite.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import add_admin_url, setup_django  # noqa: E402

DEFAULT_CLICK_REDIS_URL = "redis://127.0.0.1:6379/12"
SLUG = "bench-redirect"
BROWSERS = [
    f"Mozilla/5.0 (X11; Linux x86_64; rv:{i}.0) Gecko/20100101 Firefox/{i}.0" for i in range(1000)
]
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent requests")
    parser.add_argument("--loaders", type=int, default=2, help="load-generator processes")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of a timed run")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up each")
    parser.add_argument(
        "--redis-conf",
        type=Path,
        help="queue the clicks in a redis-server of its own started with this config file",
    )
    add_admin_url(parser)
    return parser.parse_args()


def prepare() -> Any:
    """One org, one launched program, one active enrollment and its tracked link (reused)."""
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Organization
    from programs.models import Enrollment, Program
    from tracking.links.services import link_cache_put, links_create_for_program
    from tracking.models import TrackedLink

    org, _ = Organization.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench redirect", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        brand, _ = Brand.objects.get_or_create(
            organization=org, slug="bench", defaults={"name": "Bench"}
        )
        program, _ = Program.objects.get_or_create(
            organization=org,
            name="Summer Glow",
            defaults={
                "brand": brand,
                "state": "launched",
                "platforms": ["instagram"],
                "destination_url": "https://shop.example/serum?ref=bench#buy",
            },
        )
        creator, _ = CreatorProfile.objects.get_or_create(
            organization=org, email="cara@bench.test", defaults={"display_name": "Cara"}
        )
        Enrollment.objects.get_or_create(
            organization=org, program=program, creator=creator, defaults={"state": "active"}
        )
        links_create_for_program(program=program)
        link = TrackedLink.objects.get(organization=org, enrollment__program=program)
    link_cache_put(link=link)
    return link


def reset(link: Any) -> None:
    """Empty the queue and forget earlier runs: no stored clicks, no remembered clients."""
    from influencer_ops.tenancy import db_scope
    from tracking.clicks.services import flush_clicks
    from tracking.links.services import click_key, click_redis
    from tracking.models import ClickEvent

    flush_clicks(abandoned_after=0)
    client = click_redis()
    for key in client.scan_iter(match=click_key("seen", "*"), count=1000):
        client.delete(key)
    with db_scope(org_ids=[link.organization_id]):
        ClickEvent.objects.filter(link=link).delete()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_gunicorn(port: int, workers: int, destination: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "redirect_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "BENCH_BARE_DESTINATION": destination,
        "DEBUG": "0",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "redirect_wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--backlog=2048",
        "--log-level=warning",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def wait_until_up(port: int, path: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status = _get(port, path, BROWSERS[0])
            if status == 302:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer 302 on {path}")


def _get(port: int, path: str, agent: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"User-Agent": agent})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def load(task: tuple[int, str, int, float, float, int]) -> tuple[Counter[str], float]:
    """One load-generator process: ``threads`` threads request ``path`` from ``start_at`` (wall
    clock, shared by the processes) until ``seconds`` later, each finishing its request in
    flight. Returns the answers by status (and errors) and when the last thread finished."""
    port, path, threads, start_at, seconds, offset = task
    totals: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(number: int) -> None:
        counts: Counter[str] = Counter()
        sent = number * 7919 + offset
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < start_at + seconds:
            sent += 1
            agent = BOT if sent % 10 == 0 else BROWSERS[sent % len(BROWSERS)]
            try:
                counts[str(_get(port, path, agent))] += 1
            except OSError as exc:
                counts[f"error {type(exc).__name__}"] += 1
        with lock:
            totals.update(counts)

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return totals, time.time()


def run_load(
    port: int, path: str, connections: int, loaders: int, seconds: float, offset: int
) -> tuple[float, Counter[str]]:
    """Requests per second (302 answers) of ``connections`` concurrent clients."""
    per = [connections // loaders + (1 if i < connections % loaders else 0) for i in range(loaders)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(loaders) as pool:
        # Started once the processes are up, so that their start-up is not timed.
        start_at = time.time() + 1.0
        tasks = [
            (port, path, n, start_at, seconds, offset + 100_000 * i) for i, n in enumerate(per)
        ]
        results = pool.map(load, [task for task in tasks if task[2]])
    total: Counter[str] = Counter()
    for counts, _ in results:
        total.update(counts)
    elapsed = max(finished for _, finished in results) - start_at
    return total["302"] / elapsed, total


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)  # graceful: workers finish the requests in flight
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def flush_and_count(link: Any) -> tuple[float, int, Counter[str]]:
    from influencer_ops.tenancy import db_scope
    from tracking.clicks.services import flush_clicks, queue_key
    from tracking.links.services import click_redis
    from tracking.models import ClickEvent

    started = time.perf_counter()
    while flush_clicks(abandoned_after=0) or click_redis().llen(queue_key()):
        pass
    seconds = time.perf_counter() - started
    with db_scope(org_ids=[link.organization_id]):
        reasons = Counter(
            reason or "valid"
            for reason in ClickEvent.objects.filter(link=link).values_list(
                "filter_reason", flat=True
            )
        )
    return seconds, int(click_redis().llen(queue_key())), reasons


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by gunicorn's master and its workers (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@dataclass
class Sample:
    rate: float
    cpu_per_request: float


def measure(
    args: argparse.Namespace, port: int, master: int, path: str, run: int
) -> tuple[Sample, Counter[str]]:
    cpu = server_cpu_seconds(master)
    rate, counts = run_load(port, path, args.connections, args.loaders, args.seconds, run * 1000)
    used = server_cpu_seconds(master) - cpu
    return Sample(rate, used / max(counts["302"], 1)), counts


def _ratio(samples: dict[str, list[Sample]], top: str, bottom: str) -> str:
    """The ratio of the medians, and the median and range of the per-run ratios (interleaved
    runs: run i of both paths met the same load on the machine)."""
    rates = {path: statistics.median(s.rate for s in samples[path]) for path in (top, bottom)}
    pairs = [t.rate / b.rate for b, t in zip(samples[bottom], samples[top], strict=True)]
    return (
        f"{rates[top] / rates[bottom]:6.2f}  (median of the per-run ratios "
        f"{statistics.median(pairs):.2f}, range {min(pairs):.2f}–{max(pairs):.2f})"
    )


def report(args: argparse.Namespace, samples: dict[str, list[Sample]], paths: Paths) -> None:
    rates = {path: statistics.median(s.rate for s in samples[path]) for path in samples}
    cpu = {path: statistics.median(s.cpu_per_request for s in samples[path]) for path in samples}
    print(
        f"gunicorn {args.workers} sync workers, {args.connections} concurrent connections "
        f"({args.loaders} load processes), {args.runs} alternating runs × {args.seconds:g} s "
        f"per path, {os.cpu_count()} CPUs"
    )
    labels = (
        ("minimal WSGI 302", paths.wsgi),
        ("bare Django 302", paths.bare),
        ("bare Django 302 + PING", paths.ping),
        ("Django view, tracked", paths.django),
        ("/r/<code> lean, tracked", paths.lean),
    )
    for label, path in labels:
        print(
            f"{label:26} {rates[path]:8.0f} req/s (median); "
            f"server CPU {cpu[path] * 1e6:6.0f} µs/request"
        )
    print(f"lean/bare Django    {_ratio(samples, paths.lean, paths.bare)}   target ≥ 1.5")
    print(f"lean/minimal WSGI   {_ratio(samples, paths.lean, paths.wsgi)}   target ≥ 0.6")
    print(f"Django view/bare    {_ratio(samples, paths.django, paths.bare)}   (information)")


@dataclass
class Paths:
    lean: str
    django: str
    bare: str
    ping: str
    wsgi: str

    @property
    def tracked(self) -> tuple[str, str]:
        return (self.lean, self.django)


def start_redis(conf: Path, directory: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server with ``conf`` on a free loopback port, its files in ``directory``."""
    port = free_port()
    command = ["redis-server", str(conf.resolve()), "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--protected-mode", "yes", "--dir", str(directory), "--daemonize", "no"]
    command += ["--logfile", str(directory / "redis.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(64).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"redis-server did not start with {conf}")


def main() -> int:
    args = parse_args()
    if args.redis_conf is None:
        return run(args)
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        redis_server, os.environ["CLICK_REDIS_URL"] = start_redis(args.redis_conf, Path(directory))
        print(f"clicks queued in a redis-server of its own with {args.redis_conf}", flush=True)
        try:
            return run(args)
        finally:
            redis_server.terminate()
            redis_server.wait(timeout=30)


def run(args: argparse.Namespace) -> int:
    setup_django(args.admin_url, CLICK_REDIS_URL=DEFAULT_CLICK_REDIS_URL)
    from django.db import connection

    from tracking.links.attribution import with_attribution

    link = prepare()
    reset(link)
    connection.close()
    port = free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-redirect-{port}.log"
    # The baselines answer the tracked redirect's Location, attribution included.
    destination = with_attribution(link.destination, link.code)
    server = start_gunicorn(port, args.workers, destination, log)
    paths = Paths(
        *(f"/r/{prefix}{link.code}" for prefix in ("", "django/", "bare/", "ping/", "wsgi/"))
    )
    order = [paths.wsgi, paths.lean, paths.bare, paths.django, paths.ping]
    samples: dict[str, list[Sample]] = {path: [] for path in order}
    answered: Counter[str] = Counter()
    try:
        wait_until_up(port, paths.bare)
        for path in paths.tracked:
            answered["302"] += 1 if _get(port, path, BROWSERS[0]) == 302 else 0
        for path in order:
            _, counts = run_load(port, path, args.connections, args.loaders, args.warmup, 0)
            if path in paths.tracked:
                answered.update(counts)
        for run in range(1, args.runs + 1):
            for path in order if run % 2 else order[::-1]:
                sample, counts = measure(args, port, server.pid, path, run)
                samples[path].append(sample)
                if path in paths.tracked:
                    answered.update(counts)
                print(
                    f"  run {run} {path:24} {sample.rate:6.0f} req/s "
                    f"{sample.cpu_per_request * 1e6:6.0f} µs CPU/request  {dict(counts)}",
                    flush=True,
                )
    finally:
        stop(server)
    flush_seconds, left, reasons = flush_and_count(link)
    report(args, samples, paths)
    stored = sum(reasons.values())
    errors = {k: v for k, v in answered.items() if k != "302"}
    print(
        f"exactness: {answered['302']:,} tracked requests answered 302, {stored:,} clicks stored "
        f"({reasons['valid']:,} valid, {reasons['repeat']:,} repeat, {reasons['bot']:,} bot), "
        f"{left} left in the queue, other answers/errors: {errors or 'none'}"
    )
    print(f"flush: {stored:,} clicks in {flush_seconds:.2f} s ({stored / flush_seconds:,.0f}/s)")
    exact = stored == answered["302"] and not left and not errors
    print("EXACT" if exact else "NOT EXACT")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
