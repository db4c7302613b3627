from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _apply_rls(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from influencer_ops.rls import apply_policies

    apply_policies(using)


class CoreConfig(AppConfig):
    name = "influencer_ops"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from influencer_ops import checks  # noqa: F401  (registers system checks)

        # Once per migrate run: every app's post_migrate fires, and ours re-applies idempotently.
        post_migrate.connect(_apply_rls, sender=self, dispatch_uid="influencer_ops.rls")
