"""Create the application's database role and database, as a PostgreSQL superuser.

The role the app connects as is NOSUPERUSER NOBYPASSRLS, so row-level security applies to it;
it owns its tables, and FORCE ROW LEVEL SECURITY makes the policies apply to the owner too.
CREATEDB lets the test runner create its test databases. Idempotent.

    python -m config.dbsetup --admin-url postgres://postgres@127.0.0.1:5432/postgres \
        --app-url postgres://influencer_ops@127.0.0.1:5432/influencer_ops
"""

from __future__ import annotations

import argparse
import os
import sys
from urllib.parse import unquote, urlparse

import psycopg2
from psycopg2 import sql


def ensure_role_and_database(admin_url: str, app_url: str) -> None:
    app = urlparse(app_url)
    role = unquote(app.username or "influencer_ops")
    password = unquote(app.password) if app.password else None
    database = app.path.lstrip("/") or role
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cur.fetchone() else "CREATE"
        statement = sql.SQL(
            "{} ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE"
        ).format(sql.SQL(verb), sql.Identifier(role))
        if password:
            statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
        cur.execute(statement)
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not cur.fetchone():
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(role)
                )
            )
    conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("DATABASE_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--app-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://influencer_ops@127.0.0.1:5432/influencer_ops"
        ),
    )
    args = parser.parse_args(argv)
    try:
        ensure_role_and_database(args.admin_url, args.app_url)
    except psycopg2.Error as exc:
        print(f"dbsetup: could not prepare the database: {exc}", file=sys.stderr)
        return 1
    print(f"dbsetup: role and database ready for {urlparse(args.app_url).path.lstrip('/')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
