"""One full 队伍结构分析 over 100,000 generated cadres; print JSON.

    .venv/bin/python bench/cohort_stats.py            # SQLite and PostgreSQL, side by side
    .venv/bin/python bench/cohort_stats.py --database-url URL

The city: 20 counties × 250 townships, two chiefs each (10,000 in the default
cohort), nine-member county teams with 简历, and 89,820 other cadres; a tenth of
the chiefs had an earlier chief post in another township, ending the month the
current one began (so the 基本情况统计表's tenure walks back over it). "One full
analysis" is what the page computes: the figures, the ethnicity table, the
per-county comparison, the pipeline, the 基本情况统计表 (per county and 合计) and
the changes against the same day a year before (both sides recomputed from the
posts). Target (issues 3 and 19): ≤ 1 s on each database.
"""

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchlib import ensure_pg_database  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pingyi_bench")
AS_OF = dt.date(2026, 11, 1)


def populate(total: int, seed: int = 11):
    from pingyi.org.actions import new_post, rebuild_resume_entries
    from pingyi.org.models import Cadre, Post, Unit

    rng = random.Random(seed)
    city = Unit.objects.create(code="379900000000", name="示例市", kind="市", path="379900000000/")
    counties, townships = [], []
    for c in range(1, 21):
        code = f"3799{c:02d}000000"
        counties.append(Unit(code=code, name=f"第{c}县", kind="县", parent=city, path=f"{city.path}{code}/"))
    Unit.objects.bulk_create(counties)
    for county in counties:
        for t in range(1, 251):
            code = county.code[:6] + f"{100 + t:03d}000"
            townships.append(Unit(code=code, name=f"{county.name}第{t}镇", kind="镇", parent=county,
                                  path=f"{county.path}{code}/"))  # fmt: skip
    Unit.objects.bulk_create(townships, batch_size=1000)

    def person(unit, born_from, born_to):
        year = rng.randint(born_from, born_to)
        return Cadre(
            name=f"干部{rng.randint(0, 10**9)}", gender=rng.choice("男男男女"),
            ethnicity=rng.choice(["汉族"] * 15 + ["回族", "满族"]), birth=dt.date(year, rng.randint(1, 12), 1),
            education_fulltime=rng.choice([3, 4, 4, 4, 5]), education_inservice=rng.choice([None, 4, 5, 5]),
            unit=unit,
        )  # fmt: skip

    chiefs = [(person(t, 1966, 1995), t, title) for t in townships for title in ("党委书记", "镇长")]
    team = [(person(c, 1966, 1982), c, title) for c in counties
            for title in ("县委书记", "县长", "县委副书记", "县委常委", "县委常委", "县委常委", "副县长", "副县长", "副县长")]  # fmt: skip
    others = [
        (person(rng.choice(townships), 1962, 2000), None, "副镇长")
        for _ in range(total - len(chiefs) - len(team))
    ]
    everyone = chiefs + team + others
    Cadre.objects.bulk_create([c for c, _, _ in everyone], batch_size=2000)
    posts = []
    for cadre, unit, title in everyone:
        start = dt.date(rng.choice([2016, 2019, 2021, 2021, 2021]), rng.randint(1, 12), 1)
        posts.append(new_post(cadre, unit or cadre.unit, title, start))
    # Earlier chief posts for a tenth of the chiefs: a run of posts without a break.
    for (cadre, _unit, title), post in zip(chiefs[::10], posts[: len(chiefs) : 10], strict=True):
        town = rng.choice(townships)
        posts.append(
            new_post(cadre, town, title, dt.date(post.start.year - 3, post.start.month, 1), post.start)
        )
    Post.objects.bulk_create(posts, batch_size=2000)
    for cadre, unit, _title in team:
        if rng.random() < 0.6:
            town = rng.choice([t for t in townships if t.parent_id == unit.pk][:20])
            cadre.resume = f"2015.01--2021.09  {unit.name}{town.name}党委书记\n2021.09--  {unit.name}委常委"
    rebuild_resume_entries([c for c, _, _ in team if c.resume])
    Cadre.objects.bulk_update([c for c, _, _ in team if c.resume], ["resume"])


def run_one(database_url: str, total: int) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pingyi.stats.cohort import Selection
    from pingyi.stats.report import analyse

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    populate(total)
    populate_seconds = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        result = analyse(Selection(AS_OF))
        runs.append(time.perf_counter() - t0)
    return {
        "database": connection.vendor,
        "cadres": total,
        "cohort_count": result.figures["count"],
        "counties_compared": len(result.counties),
        "team_members": result.pipeline["team_members"],
        "basic_table_rows": len(result.basic.rows),
        "tenure_10y_or_more": result.basic.total["tenure_10y_or_more"],
        "grassroots_2y_or_more": result.basic.total["grassroots_2y_or_more"],
        "changes_since": result.comparison.since.isoformat(),
        "change_sentence": result.comparison.sentence,
        "populate_seconds": round(populate_seconds, 1),
        "analysis_seconds_first": round(runs[0], 3),
        "analysis_seconds_best": round(min(runs), 3),
        "analysis_seconds_median": round(sorted(runs)[len(runs) // 2], 3),
        "target_seconds": 1.0,
        "meets_target": max(runs) <= 1.0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--cadres", type=int, default=100_000)
    args = parser.parse_args()
    if args.database_url:
        print(json.dumps(run_one(args.database_url, args.cadres), ensure_ascii=False))
        return
    results = []
    sqlite = f"sqlite:///{tempfile.mkdtemp(prefix='pingyi-bench-')}/stats.sqlite3"
    ensure_pg_database(PG_URL)
    for url in (sqlite, PG_URL):
        out = subprocess.run(
            [sys.executable, __file__, "--database-url", url, "--cadres", str(args.cadres)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(json.dumps({"bench": "cohort_stats", "results": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
