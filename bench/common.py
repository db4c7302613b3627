"""What every benchmark shares: the throwaway database and Django set up against it.

Without DATABASE_URL a benchmark creates (as the PostgreSQL superuser of DATABASE_ADMIN_URL)
the app role and the database ``bench_influencer_ops``, and migrates it; with DATABASE_URL it
uses that database as it is.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_APP_URL = "postgres://influencer_ops@127.0.0.1:5432/bench_influencer_ops"
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def add_admin_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin-url", default=os.environ.get("DATABASE_ADMIN_URL", DEFAULT_ADMIN_URL)
    )


def setup_django(admin_url: str, **env_defaults: str) -> None:
    """Base settings (DEBUG off), the bench database, migrated. ``env_defaults`` are set in the
    environment unless already there (e.g. ``CLICK_REDIS_URL``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    for name, value in env_defaults.items():
        os.environ.setdefault(name, value)
    if not os.environ.get("DATABASE_URL"):
        from config.dbsetup import ensure_role_and_database

        os.environ["DATABASE_URL"] = DEFAULT_APP_URL
        ensure_role_and_database(admin_url, DEFAULT_APP_URL)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
