"""Settings for the test suite: the real PostgreSQL and Redis, fast hashing, no outbound mail."""

import os
import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-xxxxxxxxxxxxxxxx"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks enqueued on commit run inline in tests; tests/config/test_worker.py runs a real worker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Sign-in rate limits are off for the suite; tests of the limits turn them on for their scope
# (and, for a server process they start, with TEST_RATE_LIMITS=1).
if not env.bool("TEST_RATE_LIMITS", default=False):
    ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/15")
# The cache gets its own Redis database: tests clear the cache (FLUSHDB), which must never
# wipe the broker's queued messages of a real-worker test running in parallel.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("TEST_CACHE_URL", default="redis://127.0.0.1:6379/14"),
        # One prefix per xdist worker: a test clears its own worker's keys, never the other's.
        "KEY_PREFIX": "io-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main"),
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {}
STATIC_ROOT = None
# Uploads of the tests go to a temporary folder, one per xdist worker, never under .data/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / (
    "influencer-ops-test-media-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
)
WHITENOISE_USE_FINDERS = True
CLICK_REDIS_URL = env.str("TEST_CLICK_REDIS_URL", default="redis://127.0.0.1:6379/13")
# The webhook tests' receiver listens on loopback; the SSRF tests turn this off.
WEBHOOK_ALLOW_PRIVATE_URLS = True
