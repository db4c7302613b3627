"""Celery queues by kind: each task goes to its kind's queue, so each kind scales on workers of
its own; a worker that does everything (``make run``'s) consumes every queue."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings

from config import devrun
from config.celery import app
from config.settings import queues

ROOT = Path(__file__).resolve().parents[2]


def _queue_of(task: str) -> str:
    """The queue Celery's own router picks for ``task`` (what ``delay`` and beat use)."""
    return app.amqp.router.route({}, task)["queue"].name


def _registered() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_each_kind_of_task_goes_to_its_own_queue() -> None:
    assert _queue_of("tracking.tasks.flush_clicks_task") == "clicks"
    assert _queue_of("tracking.tasks.rollup_and_purge_all") == "clicks"
    assert _queue_of("payments.tasks.run_process_task") == "payments"
    assert _queue_of("payments.tasks.resume_open_runs") == "payments"
    assert _queue_of("messaging.tasks.send_notification_email") == "notifications"
    assert _queue_of("integrations.tasks.deliver_org") == "notifications"
    assert _queue_of("programs.tasks_deadlines.reminder_sweep_all") == "sweeps"
    assert _queue_of("messaging.tasks.escalate_overdue_tasks") == "sweeps"


def test_every_task_is_routed_except_the_data_export_which_takes_the_default_queue() -> None:
    routed = set(queues.TASK_QUEUES)
    assert routed <= _registered(), routed - _registered()
    assert _registered() - routed == {"influencers.privacy.tasks.build_data_export"}
    for task in _registered():
        expected = queues.TASK_QUEUES.get(task, settings.CELERY_TASK_DEFAULT_QUEUE)
        assert _queue_of(task) == expected, task


def test_every_beat_job_goes_to_a_queue_of_its_kind() -> None:
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert _queue_of(entry["task"]) in queues.KINDS, name


def test_a_prefix_renames_every_queue() -> None:
    routes = queues.routes("t1-")
    assert routes["payments.tasks.run_process_task"] == {"queue": "t1-payments"}
    assert {route["queue"] for route in routes.values()} == {f"t1-{kind}" for kind in queues.KINDS}


def test_make_runs_one_worker_consumes_every_queue() -> None:
    assert devrun.worker_queues({}) == ["celery", "clicks", "payments", "notifications", "sweeps"]
    assert set(devrun.worker_queues({"CELERY_QUEUE_PREFIX": "x-"})) >= {
        f"x-{kind}" for kind in queues.KINDS
    }


def _consumed(command: str) -> set[str]:
    words = command.split()
    return set(words[words.index("-Q") + 1].split(",")) if "-Q" in words else set()


def test_compose_and_procfile_run_a_worker_for_every_queue() -> None:
    every = {settings.CELERY_TASK_DEFAULT_QUEUE, *queues.KINDS}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    consumed = {
        queue
        for name, service in compose.items()
        if name.startswith("worker")
        for queue in _consumed(str(service["command"]))
    }
    assert consumed == every
    procfile = (ROOT / "Procfile").read_text().splitlines()
    assert {q for line in procfile if "worker" in line for q in _consumed(line)} == every


def test_compose_connects_through_pgbouncer_in_transaction_mode() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert compose["pgbouncer"]["environment"]["POOL_MODE"] == "transaction"
    for name in ("web", "beat", "worker-clicks", "worker-notifications", "worker-sweeps"):
        env = compose[name]["environment"]
        assert "@pgbouncer:6432/" in env["DATABASE_URL"], name
        assert env["DISABLE_SERVER_SIDE_CURSORS"] == "1", name
    # A session advisory lock per payment run needs a session: straight to PostgreSQL.
    assert "@postgres:5432/" in compose["worker-payments"]["environment"]["DATABASE_URL"]
    assert "@postgres:5432/" in compose["migrate"]["environment"]["DATABASE_URL"]
