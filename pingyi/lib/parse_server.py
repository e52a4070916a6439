"""What the server that starts upload readers (lib/bounded) loads once, before any reader runs.

Readers are forked from this small process rather than from a web worker: a forked worker's
hundreds of MB of Python objects are shared copy-on-write, and every object the worker then touches
(a reference count is a write) is copied while the reader lives. Measured on a worker-sized process
(200 MB): 40 requests cost 30–75 % more CPU while a child forked from it was alive (15,000–23,000
page faults, against 50–400 alone); with the child forked from this server, 110–150 faults.

Django is set up here so that readers may use the project's modules; they must not use the
database. The readers' modules are imported here so that each child starts with them loaded.
"""

import os

if os.environ.get("DJANGO_SETTINGS_MODULE"):
    import django

    django.setup()

    import pingyi.dupcheck.extract
    import pingyi.lib.xlsx
    import pingyi.org.readers
    import pingyi.reviews.extract  # noqa: F401
