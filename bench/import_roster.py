"""Import a generated 10,000-cadre roster into a fresh database; print JSON.

    .venv/bin/python bench/import_roster.py [--cadres 10000] [--database-url URL]

Target (issue 2): the whole import ≤ 15 s on SQLite on a 2-core machine.
The database is a new SQLite file unless --database-url names another.
"""

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌海波宁鹏飞辉林峰晨阳光宇浩然"


def generate(count: int, seed: int = 7):
    from pingyi.org.idcard import check_digit

    rng = random.Random(seed)
    units = [["379900000000", "示例市", "市", None, 5_000_000]]
    townships = []
    for c in range(1, 11):
        county = f"3799{c:02d}000000"
        units.append([county, f"第{c}县", "县", "379900000000", 500_000])
        for t in range(1, 51):
            code = f"3799{c:02d}{100 + t:03d}000"
            units.append([code, f"第{c}县第{t}镇", "镇", county, 30_000])
            townships.append(f"第{c}县第{t}镇")
    cadres, seen = [], set()
    while len(cadres) < count:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        year, month = rng.randint(1962, 1998), rng.randint(1, 12)
        if (name, year, month) in seen:
            continue
        seen.add((name, year, month))
        unit = rng.choice(townships)
        # The block of 1,000 in the address code keeps every number unique.
        first17 = (
            f"3799{len(cadres) // 1000:02d}{year}{month:02d}{rng.randint(1, 28):02d}{len(cadres) % 1000:03d}"
        )
        start = rng.randint(2016, 2025)
        resume = "\n".join(
            [
                f"{year + 18}.09--{year + 22}.07  示例大学某专业学习",
                f"{year + 22}.07--{start - 4}.01  {unit}科员",
                f"{start - 4}.01--{start}.03  {unit}副镇长",
                f"{start}.03--  {unit}{'镇长' if len(cadres) % 2 else '副镇长'}",
            ]
        )
        cadres.append(
            [name, rng.choice("男男男女"), "汉族", f"{year}.{month:02d}", "本省示例市", "中共党员",
             f"{year + 21}.06", f"{year + 22}.07", "大学本科", "学士", "示例大学某专业",
             "硕士研究生", None, "省委党校", unit, "镇长" if len(cadres) % 2 else "副镇长",
             f"{start}.03", first17 + check_digit(first17), resume]
        )  # fmt: skip
    return units, cadres


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pingyi-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from pingyi.lib import xlsx
    from pingyi.org.actions import RosterRejected, do_import_roster
    from pingyi.org.models import Cadre, Post, ResumeEntry
    from pingyi.org.roster import CADRE_COLUMNS, CADRE_SHEET, UNIT_COLUMNS, UNIT_SHEET

    call_command("flush" if args.database_url else "migrate", interactive=False, verbosity=0)
    if args.database_url:
        call_command("migrate", verbosity=0)
    units, cadres = generate(args.cadres)
    t0 = time.perf_counter()
    data = xlsx.write_workbook(
        [xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, units), xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, cadres)]
    )
    write_seconds = time.perf_counter() - t0
    settings.ROSTER_MAX_BYTES = max(settings.ROSTER_MAX_BYTES, len(data) + 1)

    t0 = time.perf_counter()
    try:
        plan = do_import_roster(data, None)
    except RosterRejected as exc:
        sys.exit("\n".join(f"{p.sheet}/{p.row}/{p.column}/{p.reason}" for p in exc.plan.problems[:20]))
    import_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = do_import_roster(data, None)
    reimport_seconds = time.perf_counter() - t0
    result = {
        "bench": "import_roster",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "cadres": args.cadres,
        "units": len(units),
        "workbook_bytes": len(data),
        "workbook_write_seconds": round(write_seconds, 2),
        "import_seconds": round(import_seconds, 2),
        "rows_per_second": round(args.cadres / import_seconds),
        "reimport_unchanged_seconds": round(reimport_seconds, 2),
        "reimport_counts": again.counts()["干部名册"],
        "stored": {
            "cadres": Cadre.objects.count(),
            "posts": Post.objects.count(),
            "resume_entries": ResumeEntry.objects.count(),
        },
        "created": plan.counts()["干部名册"]["new"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "target_seconds": 15,
        "meets_target": import_seconds <= 15,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
