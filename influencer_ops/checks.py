"""`manage.py check --database default --fail-level WARNING` fails when a tenant table lacks its
RLS policy. A warning, not an error, so that `migrate` (which runs this check first) can fix it."""

from typing import Any

from django.core import checks
from django.db import connection

from influencer_ops.rls import policy_name, table_rls_state, tenant_models


@checks.register(checks.Tags.database)
def tenant_tables_have_rls(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    if not databases or "default" not in databases:
        return []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    errors = []
    for model in tenant_models():
        table = model._meta.db_table
        if table not in existing:  # not migrated yet: migrate creates it, then applies the policy
            continue
        enabled, forced, policies = table_rls_state(table)
        if not (enabled and forced and policy_name(model) in policies):
            errors.append(
                checks.Warning(
                    f"Tenant table {table} lacks forced row-level security or its policy.",
                    hint="Run `manage.py migrate`; its post_migrate hook applies the policies.",
                    obj=model,
                    id="influencer_ops.W001",
                )
            )
    return errors
