"""The Celery app. Tasks take ids (always the org id first) and run inside that org's RLS scope."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "influencer_ops.settings.base")

app = Celery("influencer_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
