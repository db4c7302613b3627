"""The periodic jobs Celery beat starts (imported by base.py as CELERY_BEAT_SCHEDULE; editable
in the admin through django-celery-beat once stored)."""

from typing import Any

SCHEDULE: dict[str, dict[str, Any]] = {
    "escalate-overdue-tasks": {
        "task": "messaging.tasks.escalate_overdue_tasks",
        "schedule": 300.0,
    },
    # Every 15 minutes: each org's day starts at its own midnight.
    "program-date-sweep": {
        "task": "programs.tasks.program_date_sweep_all",
        "schedule": 900.0,
    },
    "deadline-reminder-sweep": {
        "task": "programs.tasks_deadlines.reminder_sweep_all",
        "schedule": 900.0,
    },
    "review-sla-sweep": {
        "task": "programs.tasks_content.review_sla_sweep_all",
        "schedule": 900.0,
    },
    "invitation-expiry-sweep": {
        "task": "programs.tasks.invitation_expiry_sweep_all",
        "schedule": 900.0,
    },
    # Clicks wait in Redis at most ~10 s; a flush that could not start in time is dropped.
    "flush-clicks": {
        "task": "tracking.tasks.flush_clicks_task",
        "schedule": 10.0,
        "options": {"expires": 10},
    },
    "click-rollup-and-purge": {
        "task": "tracking.tasks.rollup_and_purge_all",
        "schedule": 3600.0,
    },
    "pace-sweep": {
        "task": "tracking.tasks_pace.pace_sweep_all",
        "schedule": 3600.0,
    },
    # Payment runs: open the due scheduled runs; resume runs whose worker died.
    "open-scheduled-payment-runs": {
        "task": "payments.tasks.open_scheduled_runs",
        "schedule": 60.0,
        "options": {"expires": 60},
    },
    "resume-open-payment-runs": {
        "task": "payments.tasks.resume_open_runs",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Hourly: each org's day starts at its own midnight; a payout is flagged once.
    "payout-delay-sweep": {
        "task": "payments.tasks_delays.payout_delay_sweep_all",
        "schedule": 3600.0,
    },
    # Nightly: every figure checked against the invariants; admins told of each violation once.
    "audit-figures": {
        "task": "payments.figures.tasks.audit_figures_all",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
    # Webhook deliveries due for a (re)try, including those whose worker died mid-attempt.
    "webhook-deliveries": {
        "task": "integrations.tasks.deliver_due_all",
        "schedule": 30.0,
        "options": {"expires": 30},
    },
    # Hourly: creators' data exports past their 7 days lose their file.
    "purge-expired-data-exports": {
        "task": "influencers.privacy.tasks.purge_expired_exports",
        "schedule": 3600.0,
        "options": {"expires": 3600},
    },
    # Daily: delivered and given-up webhook deliveries (and their events) past the retention.
    "purge-old-webhook-history": {
        "task": "integrations.tasks.purge_old_webhook_history",
        "schedule": 86400.0,
        "options": {"expires": 3600},
    },
}
