from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _secure_partitions(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: the raw clicks' partitions get the parent's row-level security."""
    from tracking.clicks.services.partitions import partitions_secure

    if using == "default":
        partitions_secure()


class TrackingConfig(AppConfig):
    name = "tracking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_secure_partitions, sender=self, dispatch_uid="tracking.partitions")
