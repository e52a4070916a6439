"""Pause Python's cycle collector while an import builds hundreds of thousands of objects.

Reading, matching and writing 10,000 cadres makes some half a million short-lived lists, dicts
and rows, all freed by reference counting. Each burst of allocations triggers the collector, and
every few bursts a full collection walks the whole heap of the process (Django, the registry
loaded for matching, the rows read so far) and finds nothing: measured on bench/import_roster,
a third of the CPU time of reading the 信息提取表. Pausing is safe for what the import builds, which
holds no reference cycles; any cyclic garbage waits for the next collection after the pause.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_resume = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Usable as a decorator; nests, and across threads the collector resumes when the last
    pause ends (and only if it was running when the first began)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
