"""The Celery app. Tasks take ids (always the org id first) and run inside that org's RLS scope."""

import os
import pkgutil

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("influencer_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")


def task_packages() -> list[str]:
    """Every installed app and each of its feature sub-packages: their ``tasks`` modules load."""
    from django.apps import apps

    packages = []
    for config in apps.get_app_configs():
        packages.append(config.name)
        packages += [
            f"{config.name}.{module.name}"
            for module in pkgutil.iter_modules([config.path])
            if module.ispkg and module.name not in ("migrations", "management")
        ]
    return packages


app.autodiscover_tasks(task_packages)
