"""Benchmark: orders in through the API in batches of 500 against one multi-row INSERT per
batch of the same rows (the floor), and the scaling from N to 10×N orders.

Loads one org with 200 enrollments (accepted terms paying 10 % + 1.00 commission, a tracked
link each; one order in three carries a link's io_ref, one in three an unknown one), then:

(a) POSTs N orders to ``/api/v1/orgs/<slug>/orders/`` in batches of 500 through the whole
    stack (Django's test client: middleware, DRF, validation, attribution, the order INSERT,
    the commission INSERT, the audit event);
(b) the floor: the same order rows, one multi-row ``INSERT … VALUES`` per batch of 500.

Each measurement runs in a transaction that is rolled back, so both start equal. Prints both,
the ratio b/a (target ≥ 0.5: the API at least half the floor's rate) and, with ``--scale``,
the time of 10×N against N (target ≤ 12). Before (a), untimed, one GET of the orders list
warms the process as a running server is warm: a process's first request imports the URLconf
and every view module (about a second, more without bytecode caches), which is start-up, not
ingestion (``--cold`` skips it, as before 7 Dec 2026). Then the same runs with their first
batch apart. Not part of the test suite.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/orders.py --orders 100000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django

BATCH = 500
ENROLLMENTS = 200


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000, help="N")
    parser.add_argument("--scale", action="store_true", help="also time 10×N (target ≤ 12×)")
    parser.add_argument("--cold", action="store_true", help="no untimed warm-up request")
    add_admin_url(parser)
    return parser.parse_args()


def prepare() -> tuple[Any, Any, list[str]]:
    from accounts.models import User
    from influencer_ops.tenancy import db_scope
    from influencers.models import CreatorProfile
    from organizations.models import Brand, Membership, Organization
    from programs.models import Enrollment, Program, TermsVersion
    from tracking.models import TrackedLink

    org, _ = Organization.objects.get_or_create(
        slug="bench-orders", defaults={"name": "Bench orders", "mfa_required": False}
    )
    admin, _ = User.objects.get_or_create(email="admin@bench-orders.test", defaults={"name": "A"})
    with db_scope(org_ids=[org.pk]):
        Membership.objects.get_or_create(organization=org, user=admin, defaults={"role": "admin"})
        if not TrackedLink.objects.filter(organization=org).exists():
            brand = Brand.objects.create(organization=org, slug="bench", name="Bench")
            program = Program.objects.create(
                organization=org, brand=brand, name="Shop", state="launched", currency="USD"
            )
            accepted = datetime(2026, 1, 1, tzinfo=UTC)
            snapshot = {
                "currency": "USD",
                "commission_percent": "10.00",
                "commission_fixed": "1.00",
                "commission_window_days": 30,
                "commission_holding_days": 14,
                "commission_cap": None,
            }
            for i in range(ENROLLMENTS):
                creator = CreatorProfile.objects.create(
                    organization=org, display_name=f"C{i}", email=f"c{i}@bench-orders.test"
                )
                enrollment = Enrollment.objects.create(
                    organization=org,
                    program=program,
                    creator=creator,
                    state="active",
                    accepted_at=accepted,
                )
                terms = TermsVersion.objects.create(
                    organization=org, enrollment=enrollment, number=1, snapshot=snapshot
                )
                Enrollment.objects.filter(pk=enrollment.pk).update(terms_version=terms)
                TrackedLink.objects.create(
                    organization=org,
                    enrollment=enrollment,
                    code=f"benchlink{i:04d}",
                    destination="https://shop.example/",
                )
        codes = list(TrackedLink.objects.filter(organization=org).values_list("code", flat=True))
    return org, admin, codes


def orders(n: int, codes: list[str], tag: str) -> list[dict[str, Any]]:
    start = datetime(2026, 2, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        ref = codes[i % len(codes)] if i % 3 == 0 else ("unknown" if i % 3 == 1 else "")
        rows.append(
            {
                "id": f"{tag}-{i}",
                "placed_at": (start + timedelta(seconds=i)).isoformat(),
                "currency": "USD",
                "gross_value": f"{20 + i % 200}.50",
                "net_value": f"{15 + i % 200}.00",
                "attribution_id": ref,
            }
        )
    return rows


class Timed:
    """A measurement: its seconds, and those of its first batch (a process's first request
    imports the URLconf and every view module: paid once per process, not per batch)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.batches: list[float] = []

    def batch(self, started: float) -> None:
        self.batches.append(time.perf_counter() - started)

    @property
    def after_first(self) -> float:
        return sum(self.batches[1:])


def rolled_back(func: Callable[[], None]) -> float:
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        func()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def api(org: Any, admin: Any, rows: list[dict[str, Any]], *, warm: bool = True) -> Timed:
    from django.test import Client

    client = Client()
    client.force_login(admin)
    url = f"/api/v1/orgs/{org.slug}/orders/"
    if warm:
        assert client.get(url).status_code == 200  # start-up: imports, first session read
    timed = Timed()

    def body() -> None:
        for start in range(0, len(rows), BATCH):
            started = time.perf_counter()
            data = json.dumps(rows[start : start + BATCH])
            answer = client.post(url, data, content_type="application/json")
            assert answer.status_code == 201, answer.content[:300]
            timed.batch(started)

    timed.seconds = rolled_back(body)
    return timed


def floor(org: Any, rows: list[dict[str, Any]]) -> Timed:
    from django.db import connection

    from influencer_ops.tenancy import db_scope

    columns = (
        "organization_id, source, source_order_id, placed_at, currency, gross_value, "
        "net_value, refunded_value, discount_code, attribution_id, attributed_via, "
        "unattributed_reason, currency_mismatch, payload_hash, received_at"
    )
    one = "(%s, 'api', %s, %s, %s, %s, %s, 0, '', %s, '', 'no_reference', false, %s, now())"

    timed = Timed()

    def body() -> None:
        with db_scope(org_ids=[org.pk]), connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                started = time.perf_counter()
                batch = rows[start : start + BATCH]
                params: list[Any] = []
                for row in batch:
                    digest = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()
                    params += [
                        org.pk,
                        f"floor-{row['id']}",
                        row["placed_at"],
                        row["currency"],
                        row["gross_value"],
                        row["net_value"],
                        row["attribution_id"],
                        digest,
                    ]
                sql = f"INSERT INTO commerce_order ({columns}) VALUES " + ", ".join(
                    [one] * len(batch)
                )
                cursor.execute(sql, params)
                timed.batch(started)

    timed.seconds = rolled_back(body)
    return timed


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url, ALLOWED_HOSTS="testserver,localhost")
    from django.db import connection

    org, admin, codes = prepare()
    server = connection.cursor().connection.info.server_version
    print(f"PostgreSQL {server // 10000}.{server % 10000}; batches of {BATCH}; one run each")
    sizes = [args.orders, args.orders * 10] if args.scale else [args.orders]
    api_times, steady_times = [], []
    for n in sizes:
        rows = orders(n, codes, f"n{n}")
        api_run = api(org, admin, rows, warm=not args.cold)
        floor_run = floor(org, rows)
        api_s, floor_s = api_run.seconds, floor_run.seconds
        api_times.append(api_s)
        steady_times.append(api_run.after_first)
        print(
            f"N = {n:>9,}: (a) API {api_s:8.2f} s ({n / api_s:,.0f}/s)  "
            f"(b) INSERT floor {floor_s:7.2f} s ({n / floor_s:,.0f}/s)  "
            f"rate ratio a/b {floor_s / api_s:5.2f} (target ≥ 0.5)",
            flush=True,
        )
        if len(api_run.batches) > 1:
            # The same runs, their first batch apart: the API's is the process's first request.
            per_api = 1000 * api_run.after_first / (len(api_run.batches) - 1)
            per_floor = 1000 * floor_run.after_first / (len(floor_run.batches) - 1)
            print(
                f"{'':14}first batch: API {api_run.batches[0]:.2f} s, floor "
                f"{floor_run.batches[0]:.3f} s; the other batches: API {per_api:.1f} ms, floor "
                f"{per_floor:.1f} ms a batch, ratio "
                f"{floor_run.after_first / api_run.after_first:.2f}",
                flush=True,
            )
    if len(api_times) == 2:
        print(f"scaling N → 10×N: {api_times[1] / api_times[0]:.2f}× (target ≤ 12)")
        if steady_times[0]:
            more = (sizes[1] - BATCH) / (sizes[0] - BATCH)
            print(
                f"{'':14}without the first batch of each: "
                f"{steady_times[1] / steady_times[0]:.2f}× for {more:.1f}× the orders"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
