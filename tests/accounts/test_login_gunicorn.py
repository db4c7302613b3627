"""Signing in through a real gunicorn bound to a unix socket, with the sign-in rate limits on:
the request has no REMOTE_ADDR, and allauth used to answer 403 "Unable to determine client IP
address"."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path) -> None:
        super().__init__("localhost", timeout=30)
        self.socket_path = str(path)

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        sock.connect(self.socket_path)
        self.sock = sock


@contextmanager
def gunicorn(**extra_env: str) -> Iterator[Path]:
    """gunicorn serving the test settings on a unix socket, against this test's database, with
    the sign-in rate limits on. Stopped afterwards; what it said is printed."""
    folder = Path(tempfile.mkdtemp(prefix="gu-", dir="/tmp"))  # a unix socket path is short
    path = folder / "web.sock"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "TEST_DATABASE_NAME": db["NAME"],
        "TEST_RATE_LIMITS": "1",
        "PYTHONUNBUFFERED": "1",
        **extra_env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"unix:{path}", "--workers", "1", "--access-logfile", "-"]
    log_path = folder / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not path.exists() and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert path.exists(), "gunicorn did not start"
            yield path
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    print(log_path.read_text()[-5000:])
    shutil.rmtree(folder, ignore_errors=True)


class Browser:
    """Just enough of one: cookies kept, the CSRF token sent back."""

    def __init__(self, path: Path, headers: dict[str, str] | None = None) -> None:
        self.path = path
        self.headers = headers or {}
        self.cookies: SimpleCookie = SimpleCookie()

    def request(
        self, method: str, url: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Host": "localhost", **self.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = UnixConnection(self.path)
        try:
            conn.request(method, url, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                self.cookies.load(value)
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def sign_in(self, email: str, password: str) -> tuple[int, dict[str, str], str]:
        status, _, page = self.request("GET", "/accounts/login/")
        assert status == 200, page[:500]
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        form = {"csrfmiddlewaretoken": match.group(1), "login": email, "password": password}
        return self.request("POST", "/accounts/login/", form)


def test_signing_in_through_gunicorn_on_a_unix_socket() -> None:
    UserFactory(email="b@example.test")
    with gunicorn() as path:
        status, _, page = Browser(path).sign_in("b@example.test", "wrong")
        assert status == 200 and "not correct" in page
        status, headers, page = Browser(path).sign_in("b@example.test", PASSWORD)
        assert status == 302, page[:500]
        assert headers["Location"] == "/"


def test_behind_a_trusted_proxy_on_a_unix_socket_each_client_is_limited_alone() -> None:
    """The proxy appends its peer's address to X-Forwarded-For; one client that used up its
    address's budget does not stop another client coming through the same proxy."""
    UserFactory(email="b@example.test")
    with gunicorn(TRUSTED_PROXY_COUNT="1") as path:
        sprayer = {"X-Forwarded-For": "192.0.2.1, 203.0.113.5"}
        for n in range(40):
            status, _, page = Browser(path, sprayer).sign_in(f"x{n}@example.test", "wrong")
            if "Too many failed login attempts" in page:
                break
        else:
            pytest.fail("one address failing for 40 accounts was never limited")
        status, _, page = Browser(path, sprayer).sign_in("b@example.test", PASSWORD)
        assert status == 200 and "Too many failed login attempts" in page
        other = {"X-Forwarded-For": "198.51.100.7"}
        status, _, page = Browser(path, other).sign_in("b@example.test", PASSWORD)
        assert status == 302, page[:500]
