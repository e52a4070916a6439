"""2,000 ballots (12 appraisees × 4 criteria) from 50 concurrent clients; print JSON.

    .venv/bin/python bench/ballots_load.py            # PostgreSQL and SQLite, side by side
    .venv/bin/python bench/ballots_load.py --database-url URL

The production setup: gunicorn (pingyi.wsgi, production settings, 3 gthread workers × 4) on
loopback, the database named by the URL. Each client posts the final submission of
a phone ballot (the step that claims the token and stores the ballot) with a receipt
signed as the confirmation page would sign it. Targets (issue 5): ≥ 200 ballots/s,
p99 ≤ 300 ms, no errors, stored = acknowledged.
"""

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pingyi_bench_ballots")
SECRET = "bench-secret-" + "x" * 50
BALLOTS, CLIENTS, APPRAISEES, WORKERS, THREADS = 2000, 50, 12, 3, 4
LEVELS = ["好", "较好", "一般", "差", "不了解"]
CRITERIA = ["development", "livelihood", "safety", "party"]


def _env(database_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0", "DJANGO_SETTINGS_MODULE": "pingyi.settings.production", "LOG_LEVEL": "WARNING"}  # fmt: skip


def prepare(database_url: str) -> list[str]:
    """A review in 测评 with 12 appraisees and 2,000 tokens; returns the plain codes."""
    os.environ.update(_env(database_url))
    import django

    django.setup()
    from django.core.management import call_command

    from pingyi.ballots import actions
    from pingyi.reviews import actions as review_actions
    from pingyi.testing import make_cadre, make_personas, make_review, make_unit

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    city = make_unit("379900000000", "示例市", "市")
    county = make_unit("379901000000", "东城区", "区", city)
    towns = [make_unit(f"3799011{i:02d}000", f"第{i}镇", "镇", county) for i in range(1, APPRAISEES + 1)]
    people = make_personas(type("C", (), {"east": county, "qingshan": towns[0], "liuying": towns[1]})())
    cadres = [make_cadre(t, f"书记{i}") for i, t in enumerate(towns, start=1)]
    review = make_review(people.organizer, stage="meeting", appraisees=cadres)
    [group] = actions.do_save_groups(
        review, people.organizer, [{"key": "all", "label": "全体", "weight": 100, "head_count": BALLOTS}]
    )
    codes = actions.do_issue_tokens(group, people.organizer, BALLOTS)
    review_actions.do_move_stage(review, people.organizer, "appraisal")
    return codes


def ballot_form(code: str, rng: random.Random) -> dict:
    from pingyi.ballots import codes as codes_module

    receipt = codes_module.new_receipt()
    data = {
        "code": code,
        "step": "submit",
        "receipt": receipt,
        "signature": codes_module.receipt_signature(code, receipt),
    }
    top = set(rng.sample(range(APPRAISEES), 3))  # within floor(0.3 × 12) = 3 high scores
    for i in range(APPRAISEES):
        for c in CRITERIA:
            data[f"r-a{i + 1:02d}-{c}"] = "好" if i in top else rng.choice(LEVELS[1:])
    return data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_one(database_url: str) -> dict:
    codes = prepare(database_url)
    rng = random.Random(5)
    forms = [urllib.parse.urlencode(ballot_form(code, rng)) for code in codes]
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "pingyi.wsgi", "-k", "gthread", "-w", str(WORKERS), "--threads", str(THREADS),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=_env(database_url), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(port)
        latencies, acknowledged, errors = [], [], []
        lock = threading.Lock()
        queue = iter(forms)

        def client():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                with lock:
                    body = next(queue, None)
                if body is None:
                    break
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/v/", body, {"Content-Type": "application/x-www-form-urlencoded"})
                    response = conn.getresponse()
                    text = response.read().decode()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    with lock:
                        errors.append(str(exc))
                    continue
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    if response.status == 200 and 'id="receipt"' in text:
                        acknowledged.append(1)
                    else:
                        errors.append(f"HTTP {response.status}")
            conn.close()

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(10)
    from django.db import connection

    from pingyi.ballots.models import Ballot

    connection.close()
    stored = Ballot.objects.count()
    latencies.sort()
    return {
        "database": connection.vendor, "server": f"gunicorn, {WORKERS} workers × {THREADS} threads (gthread)", "clients": CLIENTS,
        "ballots_sent": len(forms), "acknowledged": len(acknowledged), "stored": stored, "errors": len(errors),
        "error_samples": errors[:3], "seconds": round(wall, 2), "ballots_per_second": round(len(acknowledged) / wall, 1),
        "latency_ms_p50": round(1000 * latencies[len(latencies) // 2], 1),
        "latency_ms_p99": round(1000 * latencies[int(len(latencies) * 0.99) - 1], 1),
        "meets_target": len(acknowledged) / wall >= 200 and latencies[int(len(latencies) * 0.99) - 1] <= 0.3
        and not errors and stored == len(acknowledged),
    }  # fmt: skip


def _wait(port: int):
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _ensure_pg_database(url: str):
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if args.database_url:
        print(json.dumps(run_one(args.database_url), ensure_ascii=False))
        return
    _ensure_pg_database(PG_URL)
    sqlite = f"sqlite:///{tempfile.mkdtemp(prefix='pingyi-bench-')}/ballots.sqlite3"
    results = []
    for url in (PG_URL, sqlite):
        out = subprocess.run(
            [sys.executable, __file__, "--database-url", url], check=True, capture_output=True, text=True
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(json.dumps({"bench": "ballots_load", "target": "≥ 200 ballots/s, p99 ≤ 300 ms", "results": results},
                     ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
