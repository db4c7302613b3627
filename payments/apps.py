from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the beat tasks with Celery.
        from payments.payouts import tasks as tasks_delays  # noqa: F401
