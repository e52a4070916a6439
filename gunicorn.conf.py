"""gunicorn in production: `gunicorn pingyi.wsgi` from this directory reads this file.

Sync workers, one process per request in flight: the ballot submission path is
Python-bound, and threads of one process take turns on the GIL, so on a small
server gthread workers spent more CPU per ballot (bench/ballots_load.py on 2 cores:
about 6–8 ms of worker CPU against 5–6 ms) and had a longer latency tail. Sync workers need a
buffering proxy in front for slow clients, which nginx is (see README).

No access log (gunicorn's default, kept on purpose): ballot codes travel only in
POST bodies, but nothing about who voted when should be written down either.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
worker_class = "sync"
# WEB_CONCURRENCY is gunicorn's own variable. One worker per core, at least two: with
# PostgreSQL on the same 2-core server, every extra worker added about 0.8 ms of CPU
# per ballot (context switches), so 2 workers answered 225–250 ballots/s and 4 about 200.
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, os.cpu_count() or 1)))
