"""Settings of the redirect benchmark's server: the base settings (DEBUG off) with a URLconf that
adds a bare redirect next to the app's routes. Used only by ``bench/redirect.py``."""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "redirect_urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
