"""Celery task names are pinned: beat schedules and stored beat rows survive moving modules."""

from django.conf import settings

from config.celery import app


def _registered() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if not name.startswith("celery.")}


def test_every_beat_entry_names_a_registered_task():
    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - _registered()
    assert not missing


def test_every_task_name_is_pinned_and_stable():
    assert _registered() == {
        "integrations.tasks.deliver_due_all",
        "integrations.tasks.deliver_org",
        "integrations.tasks.purge_old_webhook_history",
        "influencers.privacy.tasks.build_data_export",
        "influencers.privacy.tasks.purge_expired_exports",
        "messaging.tasks.escalate_overdue_tasks",
        "messaging.tasks.send_notification_email",
        "payments.figures.tasks.audit_figures_all",
        "payments.tasks.open_scheduled_runs",
        "payments.tasks.resume_open_runs",
        "payments.tasks.run_process_task",
        "payments.tasks_delays.payout_delay_sweep_all",
        "programs.tasks.invitation_expiry_sweep_all",
        "programs.tasks.program_date_sweep_all",
        "programs.tasks_content.review_sla_sweep_all",
        "programs.tasks_deadlines.reminder_sweep_all",
        "tracking.tasks.flush_clicks_task",
        "tracking.tasks.rollup_and_purge_all",
        "tracking.tasks_pace.pace_sweep_all",
    }
