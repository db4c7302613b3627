"""Benchmark: every list page and list endpoint in one large org against the same org at 1 %.

Loads (once; ``--rebuild`` reloads) two orgs by bulk SQL (``bench/scale_data.py``): the
**large** one at ``--scale`` × the issue's sizes (50k creators, 506 programs, 100k enrollments,
200k tasks, 300k payouts, 1M messages, 200k audit events, 281k daily click rollups) and the
**small** one at ``--small`` × those sizes (default 1 %), then ``VACUUM ANALYZE``. Then it asks
every page and endpoint as its users would (Django's test client: an org admin, and a creator
with a login for the portal), alternating the two orgs, and prints each one's median of
``--runs``, the ratio large/small and both query counts.

Goal (#18): **every page ≤ 2× its small-org time, with the same number of queries.**
Exit 1 when a page misses it (or answers other than 200).

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/scale.py --scale 0.1

Not part of the test suite. Database as the other benches (``DATABASE_URL`` or the throwaway
``bench_influencer_ops``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django
from scale_data import FULL, PORTAL_ENROLLMENTS, PORTAL_PAYOUTS_EACH, TABLES, Sizes, load


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="large org: fraction of full")
    parser.add_argument("--small", type=float, default=0.01, help="small org: fraction of full")
    parser.add_argument("--runs", type=int, default=5, help="timed runs each (median)")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", default="", help="time only pages whose name contains this")
    parser.add_argument("--rebuild", action="store_true", help="reload the data")
    parser.add_argument("--goal", type=float, default=2.0, help="largest allowed ratio")
    parser.add_argument(
        "--programs-floor",
        type=int,
        default=0,
        help="give the small org at least N programs (50: a full first page, as the large org)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the fixed queries' plans (large org)"
    )
    add_admin_url(parser)
    return parser.parse_args()


def prepare(slug: str, sizes: Sizes, rebuild: bool) -> dict[str, Any]:
    """The org, its people and its data (loaded unless already there)."""
    from django.db import connection, transaction

    from accounts.models import User
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Membership, Organization

    org = Organization.objects.filter(slug=slug).first()
    if org is not None and rebuild:
        with connection.cursor() as cursor:  # as the owner of the tables: no trigger stops it
            cursor.execute("SET session_replication_role = replica")
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table} WHERE organization_id = %s", [org.pk])
            cursor.execute("SET session_replication_role = DEFAULT")
        org = None
    people = {}
    for role in ("admin", "bsm", "ism"):
        people[role], _ = User.objects.get_or_create(
            email=f"{role}@{slug}.test", defaults={"name": role.upper()}
        )
    creator_user, _ = User.objects.get_or_create(
        email=f"creator@{slug}.test", defaults={"name": "Portal Creator", "is_creator": True}
    )
    if org is None:
        started = time.perf_counter()
        with transaction.atomic():
            org = Organization.objects.create(slug=slug, name=f"Scale {slug}", mfa_required=False)
            with db_scope(org_ids=[org.pk]):
                brand, _ = Brand.objects.get_or_create(
                    organization=org, slug="scale", defaults={"name": "Scale brand"}
                )
                for role, user in people.items():
                    Membership.objects.get_or_create(organization=org, user=user, role=role)
                portal_creator, _ = CreatorProfile.objects.get_or_create(
                    organization=org,
                    user=creator_user,
                    defaults={"display_name": "Portal Creator", "email": creator_user.email},
                )
                params = {
                    "org": org.pk,
                    "slug": slug,
                    "brand": brand.pk,
                    "admin": people["admin"].pk,
                    "bsm": people["bsm"].pk,
                    "ism": people["ism"].pk,
                    "creator_user": creator_user.pk,
                    "portal_creator": portal_creator.pk,
                    "portal_enrollments": PORTAL_ENROLLMENTS,
                    "portal_payouts_each": PORTAL_PAYOUTS_EACH,
                    **sizes.__dict__,
                }
                with connection.cursor() as cursor:
                    load(cursor, params)
                after_load(org)
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"  loaded {slug} ({sizes.label()}) in {time.perf_counter() - started:.1f} s")
    return {"org": org, "admin": people["admin"], "creator": creator_user}


def after_load(org: Any) -> None:
    """What the real jobs keep up to date from the loaded rows (summaries, balances)."""
    del org


def pages(org: Any) -> list[tuple[str, str, str]]:
    """(name, who, url) of every list page and list endpoint."""
    from influencer_ops.tenancy import db_scope
    from messaging.models import Thread

    s = org.slug
    with db_scope(org_ids=[org.pk]):
        thread = Thread.objects.filter(organization=org).order_by("-last_message_at").first()
    assert thread is not None
    return [
        ("desk threads", "admin", f"/orgs/{s}/desk/threads/"),
        ("desk tasks", "admin", f"/orgs/{s}/desk/"),
        ("payouts list", "admin", f"/orgs/{s}/payments/payouts/"),
        ("reports overview", "admin", f"/orgs/{s}/reports/"),
        ("program list", "admin", f"/orgs/{s}/programs/"),
        ("creator list", "admin", f"/orgs/{s}/creators/"),
        ("audit log", "admin", f"/orgs/{s}/audit/"),
        ("API threads", "admin", f"/api/v1/orgs/{s}/threads/"),
        ("API messages", "admin", f"/api/v1/orgs/{s}/threads/{thread.pk}/messages/"),
        ("API payouts", "admin", f"/api/v1/orgs/{s}/payouts/"),
        ("API tasks", "admin", f"/api/v1/orgs/{s}/tasks/"),
        ("API audit events", "admin", f"/api/v1/orgs/{s}/audit-events/"),
        ("API deliverables", "admin", f"/api/v1/orgs/{s}/deliverables/"),
        ("API enrollments", "admin", f"/api/v1/orgs/{s}/enrollments/"),
        ("API programs", "admin", f"/api/v1/orgs/{s}/programs/"),
        ("API creators", "admin", f"/api/v1/orgs/{s}/creators/"),
        ("portal home", "creator", "/portal/"),
        ("portal payouts", "creator", "/portal/payouts/"),
        ("API my threads", "creator", "/api/v1/me/threads/"),
        ("API my payouts", "creator", "/api/v1/me/payouts/"),
    ]


def timed_get(client: Any, url: str) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    return elapsed * 1000, len(queries), response.status_code


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    # Templates name static files; no collectstatic manifest needed to time the pages.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    large = prepare(
        f"scale-{round(args.scale * 1000)}", Sizes.scaled(FULL, args.scale), args.rebuild
    )
    small_sizes = Sizes.scaled(FULL, args.small)
    small_slug = f"scale-{round(args.small * 1000)}"
    if args.programs_floor > small_sizes.programs:
        small_sizes = replace(small_sizes, programs=args.programs_floor)
        small_slug += f"-p{args.programs_floor}"
    small = prepare(small_slug, small_sizes, args.rebuild)
    if args.explain:
        from scale_explain import explain

        explain(large["org"], large["admin"], large["creator"])
        return 0
    clients = {}
    for name, setup in (("large", large), ("small", small)):
        for who in ("admin", "creator"):
            client = Client()
            client.force_login(setup[who])
            clients[name, who] = client
    pairs = list(zip(pages(large["org"]), pages(small["org"]), strict=True))
    print(f"\n{'page':<20} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries':>9}  status")
    failed = 0
    for (name, who, large_url), (_, _, small_url) in pairs:
        if args.only and args.only not in name:
            continue
        times: dict[str, list[float]] = {"large": [], "small": []}
        counts: dict[str, int] = {}
        codes: set[int] = set()
        for run in range(args.warmup + args.runs):
            order = (("large", large_url), ("small", small_url))
            for size, url in order if run % 2 else order[::-1]:
                ms, count, code = timed_get(clients[size, who], url)
                codes.add(code)
                counts[size] = count
                if run >= args.warmup:
                    times[size].append(ms)
        small_ms = statistics.median(times["small"])
        large_ms = statistics.median(times["large"])
        ratio = large_ms / small_ms
        ok = ratio <= args.goal and counts["large"] == counts["small"] and codes == {200}
        failed += not ok
        print(
            f"{name:<20} {small_ms:9.1f} {large_ms:9.1f} {ratio:6.2f} "
            f"{counts['small']:>4}/{counts['large']:<4}  {'ok' if ok else 'MISSED'}"
            f"{'' if codes == {200} else f' (answers {sorted(codes)})'}"
        )
    print(f"\n{failed} page(s) missed the goal (≤ {args.goal:g}×, same queries, 200).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
