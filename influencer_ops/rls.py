"""Row-level security for every tenant table, applied without anyone having to remember.

A model is a tenant model when it has a concrete field named ``organization``. After every
``migrate`` the post_migrate hook (see ``apps.py``) gives each tenant table ENABLE + FORCE row-level
security and the ``tenant_isolation`` policy; ``tests/core/test_rls.py`` checks the catalogue.
A model may widen *reading* with ``rls_extra_using`` (an SQL condition, e.g. "user_id =
app_user_id()"), widen *writing* with ``rls_extra_check``, and allow NULL-org inserts with
``rls_allow_null_org = True``.
"""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.db import connection, connections
from django.db.models import Model

POLICY_PREFIX = "tenant_isolation"

FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION app_allowed_org_ids() RETURNS bigint[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(
    string_to_array(NULLIF(current_setting('app.org_ids', true), ''), ',')::bigint[],
    '{}'::bigint[])
$$;
CREATE OR REPLACE FUNCTION app_all_orgs() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(current_setting('app.all_orgs', true), '') = 'on'
$$;
CREATE OR REPLACE FUNCTION app_user_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NULLIF(current_setting('app.user_id', true), '')::bigint
$$;
"""


def tenant_models() -> list[type[Model]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.proxy or not opts.managed:
            continue
        if any(f.concrete and f.name == "organization" for f in opts.get_fields()):
            found.append(model)
    return found


def policy_sql(model: type[Model]) -> tuple[str, str]:
    """(USING, WITH CHECK) expressions for a tenant model."""
    base = "organization_id = ANY (app_allowed_org_ids()) OR app_all_orgs()"
    extra = getattr(model, "rls_extra_using", "")
    using = f"({base})" + (f" OR ({extra})" if extra else "")
    check = f"({base})"
    extra_check = getattr(model, "rls_extra_check", "")
    if extra_check:
        check += f" OR ({extra_check})"
    if getattr(model, "rls_allow_null_org", False):
        check += " OR organization_id IS NULL"
    return using, check


def policy_name(model: type[Model]) -> str:
    using, check = policy_sql(model)
    digest = hashlib.sha256(f"{using}|{check}".encode()).hexdigest()[:10]
    return f"{POLICY_PREFIX}_{digest}"


def apply_policies(using_alias: str = "default") -> list[str]:
    """Idempotently enable, force and (re)create the policy of every tenant table.

    Returns the tables whose policy was (re)created.
    """
    conn = connections[using_alias]
    changed: list[str] = []
    with conn.cursor() as cursor:
        cursor.execute(FUNCTIONS_SQL)
        existing_tables = set(conn.introspection.table_names(cursor))
        for model in tenant_models():
            table = model._meta.db_table
            if table not in existing_tables:
                continue
            name = policy_name(model)
            cursor.execute(
                "SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                "AND tablename = %s",
                [table],
            )
            policies = {row[0] for row in cursor.fetchall()}
            quoted = conn.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {quoted} FORCE ROW LEVEL SECURITY")
            if policies == {name}:
                continue
            for old in policies:
                if old.startswith(POLICY_PREFIX):
                    cursor.execute(f"DROP POLICY {conn.ops.quote_name(old)} ON {quoted}")
            using, check = policy_sql(model)
            cursor.execute(
                f"CREATE POLICY {conn.ops.quote_name(name)} ON {quoted} "
                f"USING ({using}) WITH CHECK ({check})"
            )
            changed.append(table)
    return changed


def table_rls_state(table: str) -> tuple[bool, bool, list[str]]:
    """(rls enabled, rls forced, policy names) as the catalogue says."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = to_regclass(%s)",
            [connection.ops.quote_name(table)],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT policyname FROM pg_policies WHERE tablename = %s", [table])
        policies = [r[0] for r in cursor.fetchall()]
    if row is None:
        return False, False, policies
    return bool(row[0]), bool(row[1]), policies
