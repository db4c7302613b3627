"""Benchmark: ranked candidate matching against a bare count of the creators who qualify.

Loads 100,000 creators into one org (handles on 1–3 platforms, some away windows, a few
enrollments), then times, as the median of several runs after a warm-up:

(a) ``programs.matching.selectors.candidates(program=…, limit=50)``, fully evaluated;
(b) one SQL ``count(*)`` of the creators who pass the program's hard filters (org, category
    overlap, a handle on a program platform, no away window over the program dates);

and prints both and the ratio a/b (target: ≤ 3). Not part of the test suite.

    DJANGO_SETTINGS_MODULE=config.settings.base .venv/bin/python bench/matching.py

Without DATABASE_URL it creates (as the PostgreSQL superuser of DATABASE_ADMIN_URL) and uses a
throwaway database ``bench_influencer_ops`` owned by the app role. The data is reused when it is
already there (``--rebuild`` reloads it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import add_admin_url, setup_django

ORG_SLUG = "bench-matching"
BATCH = 5_000
LAUNCH_ON = dt.date(2026, 3, 1)
END_ON = dt.date(2026, 3, 15)
CATEGORY_WEIGHTS = {
    "beauty": 8,
    "fashion": 8,
    "food": 6,
    "fitness": 6,
    "wellness": 5,
    "travel": 5,
    "tech": 4,
    "gaming": 4,
    "outdoor": 3,
    "parenting": 3,
    "home": 3,
    "finance": 2,
}
PLATFORM_WEIGHTS = {
    "instagram": 10,
    "tiktok": 8,
    "youtube": 6,
    "x": 3,
    "facebook": 3,
    "pinterest": 2,
    "blog": 2,
    "twitch": 2,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs (median)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="reload the data")
    parser.add_argument("--explain", action="store_true", help="print both query plans")
    add_admin_url(parser)
    return parser.parse_args()


def weighted_sample(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    pool = dict(weights)
    picked: list[str] = []
    for _ in range(min(k, len(pool))):
        choice = rng.choices(list(pool), weights=list(pool.values()))[0]
        picked.append(choice)
        del pool[choice]
    return picked


def load(org: Any, count: int, seed: int = 4) -> None:
    from influencers.models import Availability, CreatorProfile, SocialHandle

    rng = random.Random(seed)
    for start in range(0, count, BATCH):
        profiles = []
        handle_specs: list[list[tuple[str, int, float]]] = []
        for i in range(start, min(start + BATCH, count)):
            handles = [
                (platform, int(10 ** rng.uniform(3, 6.7)), round(rng.uniform(0.2, 12), 2))
                for platform in weighted_sample(rng, PLATFORM_WEIGHTS, rng.choice((1, 1, 2, 3)))
            ]
            completed = rng.choice((0, 0, 0, 1, 2, 3, 5, 8))
            profiles.append(
                CreatorProfile(
                    organization=org,
                    display_name=f"Creator {i:06d}",
                    email=f"creator{i}@bench.test",
                    categories=weighted_sample(rng, CATEGORY_WEIGHTS, rng.choice((1, 2, 2, 3))),
                    max_audience=max(h[1] for h in handles),
                    programs_completed=completed,
                    milestones_reached=rng.randint(0, completed),
                )
            )
            handle_specs.append(handles)
        CreatorProfile.objects.bulk_create(profiles)
        rows: list[Any] = []
        away: list[Any] = []
        for profile, handles in zip(profiles, handle_specs, strict=True):
            rows.extend(
                SocialHandle(
                    organization=org,
                    profile=profile,
                    platform=platform,
                    handle=f"{profile.email.split('@')[0]}_{platform}",
                    audience_size=audience,
                    engagement_rate=engagement,
                )
                for platform, audience, engagement in handles
            )
            if rng.random() < 0.15:  # some creators have away windows somewhere in the year
                away_from = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 330))
                away.append(
                    Availability(
                        organization=org,
                        profile=profile,
                        away_from=away_from,
                        away_to=away_from + dt.timedelta(days=rng.randint(1, 21)),
                    )
                )
        SocialHandle.objects.bulk_create(rows, batch_size=BATCH)
        Availability.objects.bulk_create(away, batch_size=BATCH)


def prepare(count: int, rebuild: bool) -> tuple[Any, Any]:
    from django.db import connection

    from influencer_ops.tenancy import db_scope
    from influencers.models import Availability, CreatorProfile, SocialHandle
    from organizations.models import Brand, Organization
    from programs.models import Enrollment, Program

    org, _ = Organization.objects.get_or_create(
        slug=ORG_SLUG, defaults={"name": "Bench matching", "mfa_required": False}
    )
    with db_scope(org_ids=[org.pk]):
        brand, _ = Brand.objects.get_or_create(
            organization=org, slug="bench", defaults={"name": "Bench"}
        )
        program, _ = Program.objects.update_or_create(
            organization=org,
            name="Spring Glow",
            defaults={
                "brand": brand,
                "categories": ["beauty", "wellness"],
                "platforms": ["instagram", "tiktok"],
                "min_audience": 10_000,
                "max_audience": 500_000,
                "launch_on": LAUNCH_ON,
                "end_on": END_ON,
            },
        )
        have = CreatorProfile.objects.filter(organization=org).count()
        if have != count or rebuild:
            print(f"loading {count:,} creators (had {have:,})…", flush=True)
            for model in (Enrollment, Availability, SocialHandle, CreatorProfile):
                model.objects.filter(organization=org).delete()
            load(org, count)
            invited = CreatorProfile.objects.filter(organization=org).order_by("pk")[::500]
            Enrollment.objects.bulk_create(
                Enrollment(organization=org, program=program, creator=c) for c in invited
            )
    with connection.cursor() as cursor:
        for model in (CreatorProfile, SocialHandle, Availability, Enrollment):
            cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return org, program


COUNT_SQL = """
SELECT count(*) FROM {creator} c
WHERE c.organization_id = %(org)s
  AND c.categories && %(categories)s::varchar[]
  AND EXISTS (SELECT 1 FROM {handle} h
              WHERE h.profile_id = c.id AND h.platform = ANY(%(platforms)s::varchar[]))
  AND NOT EXISTS (SELECT 1 FROM {availability} a
                  WHERE a.profile_id = c.id AND a.away_from <= %(end)s AND a.away_to >= %(start)s)
"""


def hard_filter_count(program: Any) -> int:
    from django.db import connection

    from influencers.models import Availability, CreatorProfile, SocialHandle

    sql = COUNT_SQL.format(
        creator=CreatorProfile._meta.db_table,
        handle=SocialHandle._meta.db_table,
        availability=Availability._meta.db_table,
    )
    params = {
        "org": program.organization_id,
        "categories": list(program.categories),
        "platforms": list(program.platforms),
        "start": program.launch_on,
        "end": program.end_on,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])


def timed_pair(
    first: Callable[[], Any], second: Callable[[], Any], warmup: int, runs: int
) -> tuple[float, Any, float, Any]:
    """Median seconds of each; the runs alternate so that load on the machine hits both."""
    for _ in range(warmup):
        first_result, second_result = first(), second()
    first_samples: list[float] = []
    second_samples: list[float] = []
    for _ in range(runs):
        for func, samples in ((first, first_samples), (second, second_samples)):
            started = time.perf_counter()
            result = func()
            samples.append(time.perf_counter() - started)
            if func is first:
                first_result = result
            else:
                second_result = result
    return (
        statistics.median(first_samples),
        first_result,
        statistics.median(second_samples),
        second_result,
    )


def explain(program: Any) -> Iterator[str]:
    from django.db import connection

    from programs.matching.selectors import candidates

    query = candidates(program=program, limit=50)
    yield "(a) " + query.explain(analyze=True)
    sql = COUNT_SQL.format(
        creator="influencers_creatorprofile",
        handle="influencers_socialhandle",
        availability="influencers_availability",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE " + sql,
            {
                "org": program.organization_id,
                "categories": list(program.categories),
                "platforms": list(program.platforms),
                "start": program.launch_on,
                "end": program.end_on,
            },
        )
        yield "(b) " + "\n".join(row[0] for row in cursor.fetchall())


def main() -> int:
    args = parse_args()
    setup_django(args.admin_url)
    from django.db import connection

    from influencer_ops.tenancy import db_scope
    from programs.matching import selectors as matching

    org, program = prepare(args.creators, args.rebuild)
    with db_scope(org_ids=[org.pk]):
        if args.explain:
            for plan in explain(program):
                print(plan, end="\n\n")
        ranked_s, ranked, count_s, qualified = timed_pair(
            lambda: list(matching.candidates(program=program, limit=50)),
            lambda: hard_filter_count(program),
            args.warmup,
            args.runs,
        )
        left_out_s, _, _, _ = timed_pair(
            lambda: matching.excluded(program=program, limit=50),
            lambda: None,
            args.warmup,
            args.runs,
        )
    server = connection.cursor().connection.info.server_version
    print(f"PostgreSQL {server // 10000}.{server % 10000}, {args.creators:,} creators")
    print(
        f"creators passing the hard filters: {qualified:,}; top score {ranked[0].match_score:.1f}"
    )
    print(f"(a) candidates(limit=50), evaluated: {ranked_s * 1000:8.1f} ms (median of {args.runs})")
    print(f"(b) hard-filter count(*):            {count_s * 1000:8.1f} ms (median of {args.runs})")
    print(f"ratio a/b: {ranked_s / count_s:.2f} (target ≤ 3)")
    print(f"(for information) excluded(limit=50): {left_out_s * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
