"""gunicorn in production: `gunicorn pingyi.wsgi` from this directory reads this file.

Threaded workers (gthread), 4 threads each. A request that waits — above all one whose uploaded
file is being read in a bounded child process (lib/bounded, 15 s of CPU, 30 s at most) — must not hold a whole
worker while phone ballots queue behind it. Measured on 2 cores with PostgreSQL (2026-12-03,
bench/ballots_load.py and bench/hostile_load.py, idle machine):

    2,000 ballots, 50 clients             sync 2×1: 570/s, p99 101 ms   gthread 2×4: 622/s, p99 177 ms
    the same while two clients upload     sync 2×1: 407/s, p99 345 ms   gthread 2×4: 520/s, p99 209 ms
    hostile files (bench/hostile_load)

On 2026-12-04 (bench/hostile_load.py, which now runs the ballots alone and then beside the uploads,
back to back; readers forked by a forkserver at idle priority), eight pairs on the quiet machine:
p99 alone 144–742 ms, beside the uploads 177–543 ms (3 of the last 6 pairs within 300 ms); the
workers' CPU per ballot 2.1–3.9 ms alone and 2.3–4.8 ms beside them, varying as much between runs
as between the two halves of one. The uploads' own cost in the workers is now small; this VM's
speed is not steady enough to call the 300 ms target met or missed by a margin.

An earlier measurement (before ballots were written in SQL) found gthread dearer per ballot;
now both spend about 2 ms of worker CPU per ballot. Sync workers would miss the p99 target of
300 ms as soon as uploads run beside a vote. Slow clients are buffered by nginx in front (README).

No access log (gunicorn's default, kept on purpose): ballot codes travel only in
POST bodies, but nothing about who voted when should be written down either.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# WEB_CONCURRENCY is gunicorn's own variable. One worker per core, at least two: with
# PostgreSQL on the same 2-core server, every extra worker added about 0.8 ms of CPU
# per ballot (context switches), so 2 workers answered 225–250 ballots/s and 4 about 200.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, os.cpu_count() or 1)))


def post_worker_init(worker):
    # Each worker's upload readers are forked from a small server process (lib/parse_server.py);
    # starting it now spares the first upload a second.
    from pingyi.lib import bounded

    bounded.start_server()
