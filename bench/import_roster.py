"""Import a generated 10,000-cadre roster into a fresh database; print JSON.

    .venv/bin/python bench/import_roster.py [--cadres 10000] [--database-url URL]

Every layout (issue 15): our own workbook, the vendor's block .xls and the 信息提取表 with
10,000 cadres each, and 1,000 .lrmx files in a zip; each import (read, check and match,
write) timed by phase in wall and CPU seconds, --runs times (best, median, worst), then imported
again (unchanged). Target: ≤ 5 s each on this 2-core machine, on SQLite and PostgreSQL.
`--profile` prints where the time goes (cProfile, by own time).
The database is a new SQLite file unless --database-url names another.
"""

import argparse
import io
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 5
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


LAYOUTS = ("own", "block", "extract", "lrmx")


def as_people(cadres: list[list]) -> list[dict]:
    from pingyi.org.roster import CADRE_COLUMNS

    names = [c.name for c in CADRE_COLUMNS]
    people = []
    for values in cadres:
        person = dict(zip(names, values, strict=True))
        year = int(person["出生年月"][:4])
        person["考核"] = [(2023, "称职"), (2024, "优秀")]
        # The 简历's open line starts at 任现职时间, as a 任免审批表 writes it.
        person["简历"] = (
            person["简历"].rsplit("\n", 1)[0]
            + f"\n{person['任现职时间']}--  {person['单位']}{person['现任职务']}"
        )
        person["出生年月"] = f"{year}.{person['出生年月'][5:]}"
        people.append(person)
    return people


def build(layout: str, units, cadres, lrmx_count: int) -> tuple[bytes, int]:
    """The file of one layout for the generated people, and how many people it holds."""
    from pingyi.lib import xlsx
    from pingyi.org.readers import lrmx
    from pingyi.org.roster import CADRE_COLUMNS, CADRE_SHEET, UNIT_COLUMNS, UNIT_SHEET
    from pingyi.org.tests.realfiles import block_xls, extract_workbook, lrmx_file

    if layout == "own":
        sheets = [
            xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, units),
            xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, cadres),
        ]
        return xlsx.write_workbook(sheets), len(cadres)
    people = as_people(cadres)
    if layout == "block":
        return block_xls(people, page_rows=25), len(people)
    if layout == "extract":
        return extract_workbook(people), len(people)
    people = people[:lrmx_count]
    return lrmx.pack(
        [(f"{n:05d}_{p['姓名']}.lrmx", lrmx_file(p, seed=n)) for n, p in enumerate(people)]
    ), len(people)


def _clock() -> tuple[float, float, float]:
    """(wall, CPU of this process, CPU of its children that have ended) in seconds. On a machine
    shared with others' test runs, the CPU time is the steadier figure."""
    times = os.times()
    return time.perf_counter(), times.user + times.system, times.children_user + times.children_system


def _read_counted(data: bytes, max_bytes: int, overrides):
    """readers.read_any, and the CPU seconds of the process it ran in: the reader's child, whose
    count starts at zero when it is forked, whether from this process or from a fork server (whose
    children this process's clock does not see)."""
    from pingyi.org import readers

    parsed = readers.read_any(data, max_bytes, overrides)
    times = os.times()
    return parsed, times.user + times.system


def _import_once(data: bytes, args, profiler=None) -> tuple[dict, dict, object]:
    """One import into a registry without cadres: wall and CPU seconds per phase."""
    from django.conf import settings
    from django.db import transaction

    from pingyi.lib import bounded
    from pingyi.org import actions, readers
    from pingyi.org.roster_plan import plan_roster

    wall, cpu = {}, {}
    w0, c0, k0 = _clock()
    # As actions.plan_import does: in a child with a time and memory budget (lib/bounded),
    # unless profiling, which must see the reading in this process.
    if profiler:
        parsed, reader_cpu = readers.read_any(data, settings.ROSTER_MAX_BYTES, None), 0.0
    else:
        parsed, reader_cpu = bounded.run(_read_counted, data, settings.ROSTER_MAX_BYTES, None)
    w1, c1, k1 = _clock()
    # A child of this process is counted whole once reaped (with sending its answer and exiting);
    # one forked elsewhere only by its own count.
    wall["read"], cpu["read"] = w1 - w0, c1 - c0 + max(k1 - k0, reader_cpu)
    plan = plan_roster(parsed, None)
    w2, c2, k2 = _clock()
    wall["check_and_match"], cpu["check_and_match"] = w2 - w1, c2 - c1 + k2 - k1
    if not plan.ok:
        sys.exit("\n".join(f"{p.sheet}/{p.row}/{p.column}/{p.reason}" for p in plan.problems[:20]))
    # One transaction, as do_import_roster writes.
    with transaction.atomic():
        units_by_code = actions._apply_units(plan)
        actions._apply_cadres(plan, units_by_code)
    w3, c3, k3 = _clock()
    wall["write"], cpu["write"] = w3 - w2, c3 - c2 + k3 - k2
    return wall, cpu, plan


def _spread(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "best": round(ordered[0], 2),
        "median": round(ordered[len(ordered) // 2], 2),
        "worst": round(ordered[-1], 2),
    }


def run_layout(layout: str, units, cadres, args) -> dict:
    """Import into a registry holding only the units, --runs times; then import again (unchanged)."""
    import cProfile
    import pstats

    from django.conf import settings

    from pingyi.org import actions
    from pingyi.org.models import Cadre, Post, ResumeEntry, Unit

    if layout != "own" and not Unit.objects.exists():
        actions.do_import_roster(_units_only(units), None)
    t0 = time.perf_counter()
    data, people = build(layout, units, cadres, args.lrmx)
    build_seconds = time.perf_counter() - t0
    settings.ROSTER_MAX_BYTES = max(settings.ROSTER_MAX_BYTES, len(data) + 1)
    runs = []
    for _ in range(args.runs):
        Cadre.objects.all().delete()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        wall, cpu, plan = _import_once(data, args, profiler)
        if profiler:
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
            print(f"== {layout}\n{out.getvalue()}", file=sys.stderr)
        runs.append((wall, cpu))
    totals = [sum(wall.values()) for wall, _ in runs]
    best = min(range(len(runs)), key=totals.__getitem__)
    stored = {
        "cadres": Cadre.objects.count(),
        "posts": Post.objects.count(),
        "resume_entries": ResumeEntry.objects.count(),
    }
    t0 = time.perf_counter()
    again = actions.do_import_roster(data, None)
    reimport_seconds = time.perf_counter() - t0
    return {
        "people": people,
        "file_bytes": len(data),
        "file_build_seconds": round(build_seconds, 2),
        "runs": len(runs),
        "import_seconds": _spread(totals),
        "import_cpu_seconds": _spread([sum(cpu.values()) for _, cpu in runs]),
        # Where the time goes, in the fastest run (wall, and CPU of this process and the reader's child).
        "phases_seconds": {k: round(v, 2) for k, v in runs[best][0].items()},
        "phases_cpu_seconds": {k: round(v, 2) for k, v in runs[best][1].items()},
        "phases_seconds_each_run": {k: [round(w[k], 2) for w, _ in runs] for k in runs[0][0]},
        "rows_per_second": round(people / min(totals)),
        "reimport_unchanged_seconds": round(reimport_seconds, 2),
        "reimport_counts": again.counts()["干部名册"],
        "stored": stored,
        "created": plan.counts()["干部名册"]["new"],
        "target_seconds": TARGET,
        "meets_target": min(totals) <= TARGET,
    }


def _units_only(units) -> bytes:
    from pingyi.lib import xlsx
    from pingyi.org.roster import CADRE_COLUMNS, CADRE_SHEET, UNIT_COLUMNS, UNIT_SHEET

    return xlsx.write_workbook(
        [xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, units), xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, [])]
    )


def _run_or_say(layout: str, units, cadres, args) -> dict:
    """One layout's figures, or why it could not be measured: on a machine loaded by others the
    bounded reader can run out of its wall-clock budget, and the other layouts still count."""
    from pingyi.lib import bounded

    try:
        return run_layout(layout, units, cadres, args)
    except bounded.BudgetExceeded as exc:
        return {"error": str(exc), "load_average": [round(x, 1) for x in os.getloadavg()]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=10_000)
    parser.add_argument("--lrmx", type=int, default=1_000, help="how many .lrmx files in the zip")
    parser.add_argument("--layout", choices=[*LAYOUTS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=3, help="imports per layout (best and spread)")
    parser.add_argument("--profile", action="store_true", help="cProfile each import to stderr")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pingyi-bench-")
    if args.database_url and args.database_url.startswith("postgres"):
        from benchlib import ensure_pg_database

        ensure_pg_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # As in production (settings.production): with DEBUG on, Django keeps and formats every
    # query (a tenth of the write time on SQLite), which no server does.
    settings.DEBUG = False

    call_command("flush" if args.database_url else "migrate", interactive=False, verbosity=0)
    if args.database_url:
        call_command("migrate", verbosity=0)
    units, cadres = generate(args.cadres)
    layouts = LAYOUTS if args.layout == "all" else (args.layout,)
    result = {
        "bench": "import_roster",
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "units": len(units),
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        "layouts": {layout: _run_or_say(layout, units, cadres, args) for layout in layouts},
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    from django.db import connections

    connections.close_all()
    shutil.rmtree(tmp, ignore_errors=True)  # the SQLite file, some 13 MB a run


if __name__ == "__main__":
    main()
