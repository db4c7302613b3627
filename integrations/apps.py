from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from influencer_ops.events import install_writer
        from integrations.webhooks.outbox import write_events

        # The core's ``emit`` writes through us: the outbox rows join the caller's transaction.
        install_writer(write_events)
