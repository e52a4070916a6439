"""Duplicate check at scale: 20,000 generated duty reports in the index; print JSON.

    .venv/bin/python bench/dupcheck.py                      # SQLite and PostgreSQL, one after the other
    .venv/bin/python bench/dupcheck.py --reports 5000       # a smaller index
    .venv/bin/python bench/dupcheck.py --database-url URL   # one database only
    .venv/bin/python bench/dupcheck.py --database-url URL --reuse-index   # checks only, against the
                                                            # index a run with the same size and seed left

Measured (issue 6, issue 20): index build rate (documents/s, and per CPU second of this process;
on PostgreSQL also of the server backend, read from /proc) of all but the last 500 reports indexed
in batches of 500 inside `actions.bulk_indexing()` (an import: the fingerprint table keyed once at
the end), and of the last 500 as one ordinary batch into the whole index (`index_incremental_*`),
(CPU seconds of its worker processes included), index size per document (rows and bytes, `index_bytes_per_document`: fingerprint, corpus
fingerprint and corpus-line tables with their indexes), the load average while it ran,
check latency p50/p95 of a new report against the whole index (target p95 ≤ 200 ms), and accuracy
on new reports with planted copies (13–500 characters from indexed reports, some in reordered
pieces, punctuation swapped between half and full width): recall of planted characters (target
≥ 0.98) and falsely flagged characters in unrelated new reports (target ≤ 1%).

The reports are built from a vocabulary of set phrases (shared by thousands of reports, as real
ones are) and sentences with figures, place names and projects (what makes each report its own).
"""

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchlib import ensure_pg_database  # noqa: E402

from pingyi.dupcheck.samples import report, spin, unit_name  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pingyi_bench_dupcheck")

# ------------------------------------------------------------------------------------------------
# Generated reports
# ------------------------------------------------------------------------------------------------

HALF = str.maketrans("，：；（）！？", ",:;()!?")
FULL = str.maketrans(",:;()!?", "，：；（）！？")


def _figure_char(ch: str) -> bool:
    return ch.isdigit() or ch == "."


def _whole(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so that it cuts no figure in two: people copy figures whole."""
    while start > 0 and _figure_char(text[start - 1]) and _figure_char(text[start]):
        start -= 1
    while end < len(text) and _figure_char(text[end - 1]) and _figure_char(text[end]):
        end += 1
    return start, end


def plant(
    rng: random.Random, base: str, sources: list[str], spun: float = 0.0
) -> tuple[str, list[tuple[int, int]]]:
    """Insert pieces of `sources` into `base` at sentence ends; the planted ranges in the result.

    With `spun`, each piece is reworded first (samples.spin: that share of its characters replaced,
    synonyms first), and neither reordered nor its punctuation swapped.
    """
    pieces = []
    for source in sources:
        length = round(10 ** rng.uniform(1.114, 2.699))  # 13 … 500, log-uniform
        length = min(length, len(source) - 1)
        start = rng.randrange(0, len(source) - length)
        start, end = _whole(source, start, start + length)
        text = source[start:end]
        if spun:
            pieces.append(spin(rng, text, spun))
        elif rng.random() < 0.5:
            text = text.translate(HALF if rng.random() < 0.7 else FULL)
        if rng.random() < 0.3 and len(text) >= 40:
            # Reordered: the second half goes first, each half planted in its own place.
            half = _whole(text, len(text) // 2, len(text) // 2)[0] or len(text) // 2
            pieces += [text[half:], text[:half]]
        else:
            pieces.append(text)
    ends = [i + 1 for i, ch in enumerate(base) if ch == "。"]
    spots = sorted(rng.sample(ends, min(len(pieces), len(ends))))
    out, planted, last, shift = [], [], 0, 0
    for spot, piece in zip(spots, pieces, strict=False):
        out.append(base[last:spot])
        begin = spot + shift
        out.append(piece)
        planted.append((begin, begin + len(piece)))
        shift += len(piece)
        last = spot
    out.append(base[last:])
    return "".join(out), planted


# ------------------------------------------------------------------------------------------------
# One database
# ------------------------------------------------------------------------------------------------


def _sizes(connection) -> dict:
    """Bytes on disk of the index tables (with their indexes) and of the stored documents."""
    tables = [
        "dupcheck_fingerprint",
        "dupcheck_corpusfingerprint",
        "dupcheck_corpusline",
        "dupcheck_document",
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            out = {}
            for t in tables:
                cursor.execute("SELECT pg_total_relation_size(%s)", [t])
                out[t] = cursor.fetchone()[0]
            return out
        cursor.execute("SELECT name, tbl_name FROM sqlite_master")
        owner = dict(cursor.fetchall())
        try:
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
        except Exception:
            return {}  # SQLite built without the dbstat table
        out = dict.fromkeys(tables, 0)
        for name, size in cursor.fetchall():
            if owner.get(name) in out:
                out[owner[name]] += size
        return out


class _ServerCpu:
    """CPU seconds of the PostgreSQL backend serving this connection (same machine: /proc), else None.

    A parallel index build's worker processes are not in it."""

    def __init__(self, connection):
        self.path = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.path = f"/proc/{cursor.fetchone()[0]}/stat"

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        try:
            with open(self.path) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (bulk_indexing's workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


# The last reports of the index are indexed one batch the ordinary way (not in bulk).
INCREMENTAL = 500
BUCKETS = [(13, 30), (31, 100), (101, 500)]
SPUN_RATES = (0.05, 0.10, 0.15)


def _quantile(sorted_values: list[float], q: float) -> float:
    """Nearest rank."""
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def run_one(
    database_url: str, total: int, checks: int, seed: int, reuse: bool = False, spun_checks: int = 60
) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pingyi.dupcheck import engine
    from pingyi.dupcheck.actions import bulk_indexing, do_check_text, do_index_texts
    from pingyi.dupcheck.models import Document, Fingerprint

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    reuse = reuse and Document.objects.filter(kind="report").count() == total
    if not reuse:
        call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(seed)
    years = [2021, 2022, 2023, 2024]
    units = total // len(years) + 1
    t0 = time.perf_counter()
    texts = [report(rng, unit_name(i % units), years[i // units]) for i in range(total)]
    generate_seconds = time.perf_counter() - t0
    chars = sum(len(t) for t in texts)

    # Indexed in batches as an import of many reports would (actions.bulk_indexing: the fingerprint
    # table keyed once at the end), then the last INCREMENTAL reports one batch the ordinary way, into
    # the whole index, as a round's reports arrive. The machine may be shared: the load average is
    # recorded beside the times, and the CPU seconds this process spent (all of the work on SQLite;
    # on PostgreSQL the server backend's are read from /proc and reported beside them).
    load_before = os.getloadavg()
    server = _ServerCpu(connection)
    t0, cpu0, server0 = time.perf_counter(), _cpu(), server.seconds()
    batch = 500
    bulk_total = total - INCREMENTAL if total > 2 * INCREMENTAL else total
    if not reuse:
        with bulk_indexing():
            for i in range(0, bulk_total, batch):
                items = [
                    (f"报告{j}", texts[j], unit_name(j % units)) for j in range(i, min(bulk_total, i + batch))
                ]
                do_index_texts(items, kind="report", refresh=False)
    index_seconds = time.perf_counter() - t0
    index_cpu_seconds = _cpu() - cpu0  # the bulk build's worker processes included
    index_server_cpu = server.seconds() - server0 if server0 is not None else None
    load_indexed = os.getloadavg()
    t0, cpu0, server0 = time.perf_counter(), time.process_time(), server.seconds()
    if not reuse and bulk_total < total:
        items = [(f"报告{j}", texts[j], unit_name(j % units)) for j in range(bulk_total, total)]
        do_index_texts(items, kind="report", refresh=False)
    incremental_seconds = time.perf_counter() - t0
    incremental_cpu_seconds = time.process_time() - cpu0
    incremental_server_cpu = server.seconds() - server0 if server0 is not None else None
    if connection.vendor == "postgresql" and not reuse:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load
    fingerprint_rows = Fingerprint.objects.count()
    sizes = _sizes(connection)

    # New reports by units not in the index: half unrelated, half with planted copies.
    fresh_units = [unit_name(units + 10 + i) for i in range(checks)]
    latencies = []
    planted = {bucket: [0, 0, 0] for bucket in BUCKETS}  # characters, flagged, found in any class
    clean_chars = clean_flagged = 0
    for i in range(checks):
        base = report(rng, fresh_units[i], 2025)
        planted_ranges = []
        if i % 2:
            sources = [texts[rng.randrange(total)] for _ in range(rng.randint(1, 4))]
            text, planted_ranges = plant(rng, base, sources)
        else:
            text = base
        t0 = time.perf_counter()
        result = do_check_text(title=f"新报告{i}", text=text)
        latencies.append(time.perf_counter() - t0)
        flagged, found = bytearray(len(text)), bytearray(len(text))
        for p in result.passages:
            found[p["start"] : p["end"]] = b"\x01" * (p["end"] - p["start"])
            if p["class"] in engine.COUNTED_IN_TOTAL:
                flagged[p["start"] : p["end"]] = b"\x01" * (p["end"] - p["start"])
        counted = engine.prepare(text).counted
        for a, b in planted_ranges:
            bucket = next(bk for bk in BUCKETS if b - a <= bk[1] or bk is BUCKETS[-1])
            planted[bucket][0] += sum(counted[a:b])
            planted[bucket][1] += sum(1 for k in range(a, b) if counted[k] and flagged[k])
            planted[bucket][2] += sum(1 for k in range(a, b) if counted[k] and found[k])
        if not planted_ranges:
            clean_chars += sum(counted)
            clean_flagged += sum(1 for k in range(len(text)) if counted[k] and flagged[k])
    # Reworded (伪原创) copies: pieces of indexed reports with 5, 10 and 15 % of their characters
    # replaced, planted in new reports; recall of their characters in counted passages.
    spun = {}
    for rate in SPUN_RATES:
        spun_chars = flagged_chars = reworded_chars = 0
        for i in range(spun_checks):
            base = report(rng, fresh_units[i % len(fresh_units)], 2026)
            sources = [texts[rng.randrange(total)] for _ in range(rng.randint(1, 4))]
            text, planted_ranges = plant(rng, base, sources, spun=rate)
            t0 = time.perf_counter()
            result = do_check_text(title=f"改写{rate}-{i}", text=text)
            latencies.append(time.perf_counter() - t0)
            flagged, reworded = bytearray(len(text)), bytearray(len(text))
            for p in result.passages:
                if p["class"] in engine.COUNTED_IN_TOTAL:
                    flagged[p["start"] : p["end"]] = b"\x01" * (p["end"] - p["start"])
                    if p["reworded"]:
                        reworded[p["start"] : p["end"]] = b"\x01" * (p["end"] - p["start"])
            counted = engine.prepare(text).counted
            for a, b in planted_ranges:
                spun_chars += sum(counted[a:b])
                flagged_chars += sum(1 for k in range(a, b) if counted[k] and flagged[k])
                reworded_chars += sum(1 for k in range(a, b) if counted[k] and reworded[k])
        spun[f"{round(rate * 100)}%"] = {
            "planted_chars": spun_chars,
            "recall": round(flagged_chars / spun_chars, 4),
            "marked_reworded": round(reworded_chars / spun_chars, 4),
        }
    spun_recall = spun["10%"]["recall"]
    latencies.sort()
    p95 = _quantile(latencies, 0.95)
    index_bytes = sum(
        sizes.get(t, 0) for t in ("dupcheck_fingerprint", "dupcheck_corpusfingerprint", "dupcheck_corpusline")
    )
    planted_chars = sum(v[0] for v in planted.values())
    recall = sum(v[1] for v in planted.values()) / planted_chars
    false_rate = clean_flagged / clean_chars
    return {
        "database": connection.vendor,
        "reports": total,
        "mean_report_chars": round(chars / total),
        "generate_seconds": round(generate_seconds, 1),
        "index_reused": reuse,
        "index_seconds": None if reuse else round(index_seconds, 1),
        "index_bulk_docs": None if reuse else bulk_total,
        "index_docs_per_second": None if reuse else round(bulk_total / index_seconds, 1),
        "index_docs_per_cpu_second": None if reuse else round(bulk_total / index_cpu_seconds, 1),
        # On PostgreSQL: the server backend's CPU seconds, and reports per CPU second of both together.
        "index_server_cpu_seconds": None if reuse or index_server_cpu is None else round(index_server_cpu, 1),
        "index_docs_per_cpu_second_with_server": None
        if reuse or index_server_cpu is None
        else round(bulk_total / (index_cpu_seconds + index_server_cpu), 1),
        "index_incremental_docs": None if reuse else total - bulk_total,
        "index_incremental_docs_per_second": None
        if reuse or bulk_total == total
        else round((total - bulk_total) / incremental_seconds, 1),
        "index_incremental_docs_per_cpu_second": None
        if reuse or bulk_total == total
        else round((total - bulk_total) / (incremental_cpu_seconds + (incremental_server_cpu or 0)), 1),
        "fingerprint_rows": fingerprint_rows,
        "index_rows_per_document": round(fingerprint_rows / total, 1),
        "index_bytes": index_bytes,
        "index_bytes_per_document": round(index_bytes / total),
        "document_bytes_per_document": round(sizes.get("dupcheck_document", 0) / total),
        "checks": checks,
        "check_ms_p50": round(_quantile(latencies, 0.5) * 1000, 1),
        "check_ms_p95": round(p95 * 1000, 1),
        "check_ms_max": round(latencies[-1] * 1000, 1),
        "planted_chars": planted_chars,
        "recall_planted": round(recall, 4),
        "recall_planted_by_length": {
            f"{lo}-{hi}": round(v[1] / v[0], 4) if v[0] else None for (lo, hi), v in planted.items()
        },
        # Planted characters the check reported at all, set phrases (class common) included.
        "recall_planted_any_class": round(sum(v[2] for v in planted.values()) / planted_chars, 4),
        "unrelated_chars": clean_chars,
        "false_flag_rate": round(false_rate, 5),
        "spun_checks_per_rate": spun_checks,
        "recall_spun": spun,
        "targets": {
            "index_docs_per_second": 500,
            "check_ms_p95": 200,
            "recall_planted": 0.98,
            "recall_spun_10%": 0.95,
            "false_flag_rate": 0.01,
        },
        "meets_targets": p95 <= 0.2
        and recall >= 0.98
        and spun_recall >= 0.95
        and false_rate <= 0.01
        and (reuse or bulk_total / index_seconds >= 500),
        "total_seconds": round(time.perf_counter() - started, 1),
        # 1, 5 and 15 minute load averages before indexing, after it, and at the end (cores: os.cpu_count()).
        "load_average": {
            "before_index": [round(x, 2) for x in load_before],
            "after_index": [round(x, 2) for x in load_indexed],
            "end": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        },
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--reports", type=int, default=20_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--spun-checks", type=int, default=60, help="new reports with reworded copies, per rate"
    )
    parser.add_argument(
        "--reuse-index", action="store_true",
        help="with --database-url: keep the index a run with the same --reports and --seed left, measure checks",
    )  # fmt: skip
    args = parser.parse_args()
    if args.database_url:
        result = run_one(
            args.database_url, args.reports, args.checks, args.seed, reuse=args.reuse_index,
            spun_checks=args.spun_checks,
        )  # fmt: skip
        print(json.dumps(result, ensure_ascii=False))
        return
    results = []
    tmp = tempfile.mkdtemp(prefix="pingyi-bench-")
    sqlite = f"sqlite:///{tmp}/dupcheck.sqlite3"
    ensure_pg_database(PG_URL)
    for url in (sqlite, PG_URL):
        out = subprocess.run(
            [sys.executable, __file__, "--database-url", url, "--reports", str(args.reports),
             "--checks", str(args.checks), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for leftover in Path(tmp).glob("dupcheck.sqlite3*"):
        leftover.unlink()
    print(json.dumps({"bench": "dupcheck", "results": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
