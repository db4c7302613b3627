from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the tasks with Celery in every process, so that a task queued by its name
        # (``payments.runs.services`` enqueues run_process_task so) runs eagerly where eager.
        from payments.payouts import tasks as payout_tasks  # noqa: F401
        from payments.runs import tasks as run_tasks  # noqa: F401
