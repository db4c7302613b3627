"""Celery queues by kind, so each kind of work scales on workers of its own (imported by base.py
as CELERY_TASK_ROUTES; docs/operations.md "Scaling out").

- ``clicks``: the click flush every 10 s and the hourly rollup — short, frequent, must not wait
  behind a payment run;
- ``payments``: payment runs (long: minutes at 100k payouts) and the jobs that open and resume them;
- ``notifications``: e-mails and outbound webhook deliveries — many, small, talk to other servers;
- ``sweeps``: the periodic per-organization sweeps (reminders, SLAs, escalations, expiries, pace,
  delays, figures, purges).

A task not listed here (a creator's data export) goes to ``CELERY_TASK_DEFAULT_QUEUE``. Every
worker deployment must consume every queue somewhere; ``make run``'s one embedded worker
consumes them all. ``CELERY_QUEUE_PREFIX`` (empty in production) prefixes every queue name, so
parallel test workers on one Redis never take each other's work.
"""

from __future__ import annotations

CLICKS = "clicks"
PAYMENTS = "payments"
NOTIFICATIONS = "notifications"
SWEEPS = "sweeps"
KINDS = (CLICKS, PAYMENTS, NOTIFICATIONS, SWEEPS)

TASK_QUEUES: dict[str, str] = {
    "tracking.tasks.flush_clicks_task": CLICKS,
    "tracking.tasks.rollup_and_purge_all": CLICKS,
    "payments.tasks.run_process_task": PAYMENTS,
    "payments.tasks.open_scheduled_runs": PAYMENTS,
    "payments.tasks.resume_open_runs": PAYMENTS,
    "messaging.tasks.send_notification_email": NOTIFICATIONS,
    "integrations.tasks.deliver_org": NOTIFICATIONS,
    "integrations.tasks.deliver_due_all": NOTIFICATIONS,
    "messaging.tasks.escalate_overdue_tasks": SWEEPS,
    "programs.tasks.program_date_sweep_all": SWEEPS,
    "programs.tasks.invitation_expiry_sweep_all": SWEEPS,
    "programs.tasks_deadlines.reminder_sweep_all": SWEEPS,
    "programs.tasks_content.review_sla_sweep_all": SWEEPS,
    "tracking.tasks_pace.pace_sweep_all": SWEEPS,
    "payments.tasks_delays.payout_delay_sweep_all": SWEEPS,
    "payments.figures.tasks.audit_figures_all": SWEEPS,
    "integrations.tasks.purge_old_webhook_history": SWEEPS,
    "influencers.privacy.tasks.purge_expired_exports": SWEEPS,
}


def queue_names(prefix: str, default: str) -> list[str]:
    """Every queue a worker that does all the work consumes (``celery worker -Q …``)."""
    return [default, *(prefix + kind for kind in KINDS)]


def routes(prefix: str) -> dict[str, dict[str, str]]:
    return {task: {"queue": prefix + kind} for task, kind in TASK_QUEUES.items()}
