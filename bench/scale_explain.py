"""``bench/scale.py --explain``: the plans of the list queries that #18 fixed, in the large org.

Each query is the selector the page calls, sliced to its first page, run with
``EXPLAIN (ANALYZE, BUFFERS)`` inside the org's scope (row-level security on, as the app).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _queries(org: Any, admin: Any, creator: Any) -> list[tuple[str, Callable[[], Any]]]:
    from messaging import selectors as messaging
    from organizations.models import Membership
    from payments.payouts import selectors as payouts
    from programs import selectors as programs
    from tracking.reports import selectors as reports

    membership = Membership.objects.get(organization=org, user=admin)
    return [
        (
            "desk threads (page 1)",
            lambda: messaging.thread_list_for_staff(organization=org, user=admin)[:50],
        ),
        ("creator's threads (page 1)", lambda: messaging.creator_threads(user=creator)[:20]),
        ("payouts list (page 1)", lambda: payouts.payouts_for_org(organization=org)[:50]),
        (
            "payout totals",
            lambda: payouts.PayoutTotalRow.objects.filter(organization=org, count__gt=0),
        ),
        (
            "reports overview (page 1)",
            lambda: reports.org_overview_programs(organization=org)[:50],
        ),
        (
            "program list (page 1)",
            lambda: programs.program_list(organization=org, membership=membership)[:50],
        ),
    ]


def explain(org: Any, admin: Any, creator: Any) -> None:
    from django.db import connection

    from influencer_ops.tenancy import db_scope

    with db_scope(org_ids=[org.pk], user_id=creator.pk):
        for name, build in _queries(org, admin, creator):
            sql, params = build().query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n=== {name}\n{plan}")
