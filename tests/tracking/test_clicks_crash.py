"""No acknowledged click is lost when Redis is killed and restarted.

Each test starts a redis-server of its own on a free loopback port, with ``config/redis.conf``
(the file docker-compose.yml gives its Redis; only port, bind and directory are overridden),
points the click store at it, records clicks through the real ``/r/`` view, kills the server
with SIGKILL and starts it again on the same directory. The machine's shared Redis is never
touched. ``make redis-deps`` installs Debian's ``redis-server`` when it is missing.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from tests.conftest import World, confirm_and_launch
from tracking.clicks import services as clicks
from tracking.clicks.services import flush as click_flush
from tracking.links import services as links
from tracking.links.attribution import with_attribution
from tracking.models import ClickEvent, TrackedLink

ROOT = Path(__file__).resolve().parents[2]
REDIS_CONF = ROOT / "config" / "redis.conf"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class OwnRedis:
    """A redis-server run by the test: started, killed with SIGKILL, started again."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is not installed: run `make redis-deps`")
        command = [server, str(REDIS_CONF), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--protected-mode", "yes", "--dir", str(self.directory)]
        command += ["--daemonize", "no", "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        probe = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 15
        while True:
            try:
                if probe.ping():  # refused, or LOADING while it replays the append-only file
                    break
            except redis.RedisError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.directory / "redis.log").read_text(errors="replace")
                    pytest.fail(f"redis-server did not start:\n{log[-2000:]}")
                time.sleep(0.05)
        probe.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final fsync, no snapshot."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def own_redis(django_db_setup: None, settings: Any, tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    settings.CLICK_REDIS_URL = server.url
    try:
        yield server
    finally:
        server.kill()


def _launch(world: World, capture: Any) -> TrackedLink:
    with capture(execute=True):  # the Redis mapping is written on commit
        confirm_and_launch(world)
    return TrackedLink.objects.get(enrollment=world.enrollment)


def _visit(link: TrackedLink, n: int) -> None:
    response = Client().get(
        f"/r/{link.code}", HTTP_USER_AGENT=CHROME, REMOTE_ADDR=f"198.51.100.{n}"
    )
    assert response.status_code == 302 and response["Location"] == with_attribution(
        link.destination, link.code
    )


def _stored(link: TrackedLink) -> list[str]:
    return list(ClickEvent.objects.filter(link=link).values_list("event_id", flat=True))


def test_compose_runs_redis_with_the_tested_config_on_a_volume() -> None:
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "./config/redis.conf:/usr/local/etc/redis/redis.conf:ro" in compose
    assert '"redis-server", "/usr/local/etc/redis/redis.conf"' in compose
    assert "redisdata:/data" in compose
    settings = dict(
        line.split(None, 1)
        for line in REDIS_CONF.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    assert settings["appendonly"] == "yes" and settings["appendfsync"] == "always"


def test_clicks_queued_when_redis_is_killed_are_flushed_after_it_restarts(
    world: World, django_capture_on_commit_callbacks: Any, own_redis: OwnRedis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    for n in range(20):
        _visit(link, n)
    assert _stored(link) == []  # acknowledged (302) but only queued in Redis
    assert links.click_redis().llen(clicks.queue_key()) == 20

    own_redis.kill()
    own_redis.start()

    assert clicks.flush_clicks() == 20
    stored = _stored(link)
    assert len(stored) == len(set(stored)) == 20
    assert ClickEvent.objects.filter(link=link, valid=True).count() == 20
    assert links.click_redis().llen(clicks.queue_key()) == 0


def test_while_redis_is_down_the_redirect_stores_the_click_in_postgres(
    world: World, django_capture_on_commit_callbacks: Any, own_redis: OwnRedis
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    for n in range(5):
        _visit(link, n)  # queued in Redis
    own_redis.kill()
    for n in range(5, 10):
        _visit(link, n)  # Redis is down: still a 302, the click written straight to PostgreSQL
    assert len(_stored(link)) == 5

    own_redis.start()
    _visit(link, 10)  # Redis is back: queued again
    assert clicks.flush_clicks() == 6
    stored = _stored(link)
    assert len(stored) == len(set(stored)) == 11
    assert links.click_redis().llen(clicks.queue_key()) == 0


def test_redis_killed_mid_flush_loses_and_doubles_nothing(
    world: World,
    django_capture_on_commit_callbacks: Any,
    own_redis: OwnRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    link = _launch(world, django_capture_on_commit_callbacks)
    for n in range(30):
        _visit(link, n)
    write_batch = click_flush._write_batch

    def write_then_crash(items: Any) -> int:
        written = write_batch(items)  # in PostgreSQL, but the batch is not yet released
        own_redis.kill()
        return written

    monkeypatch.setattr(click_flush, "_write_batch", write_then_crash)
    with pytest.raises(redis.RedisError):
        clicks.flush_clicks()
    monkeypatch.undo()
    own_redis.start()

    client = redis.Redis.from_url(own_redis.url)
    # The claimed batch survived the crash in its processing list.
    assert client.zcard(clicks.processing_index_key()) == 1
    assert clicks.flush_clicks() == 0  # too young to be taken for abandoned: left alone
    assert clicks.flush_clicks(abandoned_after=0) == 0  # requeued, already in PostgreSQL
    stored = _stored(link)
    assert len(stored) == len(set(stored)) == 30
    assert client.llen(clicks.queue_key()) == 0
    assert client.zcard(clicks.processing_index_key()) == 0
    client.close()
