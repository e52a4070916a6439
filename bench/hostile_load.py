"""The ugly case: phone ballots while hostile files are uploaded at the same time; print JSON.

    .venv/bin/python bench/hostile_load.py                 # PostgreSQL, gunicorn.conf.py's workers
    .venv/bin/python bench/hostile_load.py --worker-class sync --threads 1    # for comparison

Server and ballots as in bench/ballots_load.py (2,000 ballots from 50 concurrent clients, the
production settings). Meanwhile two more clients, logged in as an organizer, upload hostile files
until the ballots are done: each sends one, waits for its answer, and sends the next a second
after it sent the last (`--flood`: at once), so two hostile uploads are in flight most of the time:

- `docx_bomb`: a 0.1 MB .docx whose document.xml inflates to 95 MB (to 查重, /dupcheck/);
- `strings_bomb`: a 60 KB .xlsx declaring 1.4 million shared strings (to the roster import);
- `slow_workbook`: a real .xlsx of 50,000 rows × 12 distinct random texts, within every limit,
  long to read (to the roster import);
- `nested_html`: a page nested 20,000 deep (to 查重).

Reported, for the ballots alone and then beside the uploads (back to back, same server settings):
the ballots' rate and latency (the targets of ballots_load: ≥ 200/s, p99 ≤ 300 ms, no errors), the
web workers' CPU and page faults per ballot (little affected by whatever else the machine runs,
unlike latency), the load average, and per hostile file how many were sent, the answers' status
codes and the longest wait. No 500 may appear, and every hostile answer must come within the parse
budget (lib/limits).
"""

import argparse
import asyncio
import http.client
import io
import json
import os
import random
import runpy
import secrets
import string
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import ballots_load as ballots  # noqa: E402
from benchlib import ensure_pg_database  # noqa: E402

from pingyi.lib import hostile_files  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/pingyi_bench_hostile")


def slow_workbook() -> bytes:
    """50,000 rows of 12 distinct random texts: a real workbook, within every limit, long to read."""
    import openpyxl

    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("干部名册")
    sheet.append(["姓名", "出生年月", *[f"备注{i}" for i in range(10)]])
    for _ in range(50_000):
        sheet.append(["".join(rng.choices(alphabet, k=8)) for _ in range(12)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HOSTILE = [
    ("docx_bomb", "/dupcheck/", "file", "报告.docx", hostile_files.docx_bomb),
    ("strings_bomb", "/roster/", "file", "名册.xlsx", hostile_files.strings_bomb),
    ("slow_workbook", "/roster/", "file", "名册.xlsx", slow_workbook),
    ("nested_html", "/dupcheck/", "file", "page.html", lambda: hostile_files.nested_html(20_000, "正文")),
]


def organizer_session() -> tuple[str, str]:
    """A session of the prepared organizer and a CSRF secret, as a browser would hold them."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from pingyi.accounts.models import User

    user = User.objects.get(username="organizer")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key, secrets.token_hex(16)


def _multipart(field: str, filename: str, data: bytes, csrf: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _hostile_client(port, session, csrf, files, stop: threading.Event, seen: dict, pause: float):
    i, took = 0, 0.0
    while not stop.is_set():
        if i and pause:
            stop.wait(max(0.0, pause - took))
        name, url, field, filename, data = files[i % len(files)]
        i += 1
        body, content_type = _multipart(field, filename, data, csrf)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            connection.request("POST", url, body=body, headers={
                "Content-Type": content_type, "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "Host": f"127.0.0.1:{port}", "Referer": f"http://127.0.0.1:{port}{url}",
            })  # fmt: skip
            status = connection.getresponse().status
        except OSError as exc:
            status = f"error: {exc}"
        finally:
            connection.close()
        took = time.perf_counter() - started
        entry = seen.setdefault(name, {"sent": 0, "statuses": {}, "longest_s": 0.0})
        entry["sent"] += 1
        entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
        entry["longest_s"] = round(max(entry["longest_s"], took), 2)


def _workers(server_pid: int) -> list[int]:
    with open(f"/proc/{server_pid}/task/{server_pid}/children") as children:
        return [int(pid) for pid in children.read().split()]


def _worker_counters(pids: list[int]) -> tuple[float, int]:
    """CPU seconds and minor page faults of the web workers so far (not of their readers).

    Both depend little on what else the machine runs, unlike the ballots' latency: a reader forked
    from a worker shows here as the worker copying its pages (faults) and spending CPU on it.
    """
    cpu, faults = 0.0, 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        faults += int(fields[7])
        cpu += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu, faults


def run_one(database_url: str, overrides: list[str], pause: float, uploaders: int = 2, only=()) -> dict:
    codes = ballots.prepare(database_url)
    session, csrf = organizer_session()
    files = [(name, url, field, filename, make()) for name, url, field, filename, make in HOSTILE
             if not only or name in only]  # fmt: skip
    rng = random.Random(5)
    port = ballots.free_port()
    requests = [ballots._request(port, urllib.parse.urlencode(ballots.ballot_form(c, rng))) for c in codes]
    config = {**runpy.run_path(str(ballots.ROOT / "gunicorn.conf.py"))}
    config.update((k[2:].replace("-", "_"), v) for k, v in zip(overrides[::2], overrides[1::2], strict=True))
    command = [str(ballots.ROOT / ".venv/bin/gunicorn"), "-c", str(ballots.ROOT / "gunicorn.conf.py"),
               "pingyi.wsgi", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", *overrides]  # fmt: skip
    env = ballots._env(database_url)
    server = subprocess.Popen(command, cwd=ballots.ROOT, env=env, stdout=subprocess.DEVNULL)
    stop, seen = threading.Event(), {}
    try:
        ballots._wait(port, server.pid, int(config["workers"]))
        asyncio.run(ballots._warm(port, int(config["workers"])))
        hostile = [
            threading.Thread(
                target=_hostile_client,
                args=(
                    port,
                    session,
                    csrf,
                    files[k % len(files) :] + files[: k % len(files)],
                    stop,
                    seen,
                    pause,
                ),
            )
            for k in range(uploaders)
        ]
        for thread in hostile:
            thread.start()
        time.sleep(1.0)  # the first hostile files are being read when the ballots start
        workers = _workers(server.pid)
        cpu0, faults0 = _worker_counters(workers)
        t0 = time.perf_counter()
        latencies, acknowledged, errors = asyncio.run(ballots._load(port, requests))
        wall = time.perf_counter() - t0
        cpu1, faults1 = _worker_counters(workers)
        stop.set()
        for thread in hostile:
            thread.join(180)
    finally:
        server.terminate()
        server.wait(30)
    latencies.sort()
    p99 = ballots._percentile(latencies, 99)
    rate = acknowledged / wall
    no_500 = all(
        not s.startswith("5") and not s.startswith("error") for v in seen.values() for s in v["statuses"]
    )
    return {
        "database": database_url.split(":", 1)[0],
        "server": f"gunicorn, {config['workers']} {config['worker_class']} workers × {config.get('threads', 1)} threads",
        "ballots": {"acknowledged": acknowledged, "errors": len(errors), "error_samples": errors[:3],
                    "ballots_per_second": round(rate, 1), "latency_ms_p50": round(1000 * ballots._percentile(latencies, 50), 1),
                    "latency_ms_p99": round(1000 * p99, 1), "latency_ms_max": round(1000 * latencies[-1], 1)},
        "workers": {"cpu_ms_per_ballot": round(1000 * (cpu1 - cpu0) / len(requests), 2),
                    "page_faults_per_ballot": round((faults1 - faults0) / len(requests), 1)},
        "load_average_1min": round(os.getloadavg()[0], 2),
        "hostile_pace": "back to back" if not pause else f"one per client every {pause:g} s",
        "hostile": seen,
        "meets_target": rate >= 200 and p99 <= 0.3 and not errors and no_500,
    }  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url")
    parser.add_argument("--worker-class")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--flood", action="store_true", help="each hostile client sends the next at once")
    parser.add_argument("--uploaders", type=int, default=2, help="hostile clients (0: the ballots alone)")
    parser.add_argument("--only", action="append", default=[], help="this hostile file only (repeatable)")
    args = parser.parse_args()
    overrides = []
    for option in ("worker_class", "workers", "threads"):
        if getattr(args, option) is not None:
            overrides += ["--" + option.replace("_", "-"), str(getattr(args, option))]
    if args.database_url:
        result = run_one(args.database_url, overrides, 0.0 if args.flood else 1.0, args.uploaders, args.only)
        print(json.dumps(result, ensure_ascii=False))
        return
    ensure_pg_database(PG_URL)
    runs = {}
    # The same ballots alone, then beside the uploads, back to back: on a shared machine the
    # difference says more than either figure.
    for label, uploaders in (("ballots_alone", 0), ("with_hostile_uploads", args.uploaders)):
        out = subprocess.run(
            [sys.executable, __file__, "--database-url", PG_URL, "--uploaders", str(uploaders),
             *overrides, *(["--flood"] if args.flood else []), *(f"--only={name}" for name in args.only)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs[label] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"bench": "hostile_load", "target": "ballots ≥ 200/s, p99 ≤ 300 ms, no 500", **runs},
                     ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
