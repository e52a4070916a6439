"""Run the parsing of an untrusted upload in a child process with a time and memory budget.

A compressed file can be honest about its size and still take minutes and gigabytes to read (a
workbook declaring millions of shared strings, a .docx whose document.xml inflates to 95 MB, a PDF
of 30,000 pages). Checks before reading catch what can be seen from outside; this catches the rest:
the parser runs in a child process whose address space and CPU time are limited, and which is
killed when the wall-clock budget (twice the CPU budget) runs out. The web worker waits at most
that long and answers with a Chinese reason; nothing was written, because parsers only read.

Children are forked by a small server process (multiprocessing's forkserver, loaded with
lib/parse_server.py), not by the web worker itself: see there why. So the function and its
arguments travel pickled. The child must not touch the database (parsers are pure) and leaves
with os._exit. Where no fork is available, or inside a child already, the function runs in-process.

Only PARSE_SLOTS children run at once on the whole server, across gunicorn's workers and threads
(a lock file per slot): eight threads each reading a hostile file would otherwise take eight times
the memory budget and every core, and the phone ballots with them. A request finding every slot
taken waits up to PARSE_QUEUE_SECONDS, then is told to try again; the slot's lock is released by
the kernel even when the holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import resource
import signal
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import gcpause
from .limits import PARSE_MEMORY_MB, PARSE_QUEUE_SECONDS, PARSE_SECONDS, PARSE_SLOTS, PARSE_WALL_SECONDS


class BudgetExceeded(ValueError):
    """The file took more time or memory to read than any honest file of its kind; str(e) is Chinese."""


class Busy(BudgetExceeded):
    """Every reading slot stayed taken while the request waited; str(e) asks to try again later."""


# One directory per checkout, so two deployments (or the test runs of two checkouts) on one
# machine do not share slots. PINGYI_PARSE_SLOT_DIR may put it elsewhere (e.g. under /run).
SLOT_DIR = os.environ.get("PINGYI_PARSE_SLOT_DIR") or os.path.join(
    tempfile.gettempdir(), f"pingyi-parse-slots-{zlib.crc32(os.path.dirname(__file__).encode()):08x}"
)


@dataclass
class _Failure:
    exception: BaseException | None
    text: str


_IN_CHILD = False


def run(
    func: Callable[..., Any],
    *args,
    seconds: float = PARSE_SECONDS,
    memory_mb: int = PARSE_MEMORY_MB,
    wall: float | None = None,
):
    """func(*args) in a child process; its exception is raised here as it was raised there.

    `seconds` of CPU; `wall` on the clock (default PARSE_WALL_SECONDS / PARSE_SECONDS × seconds).
    """
    if _IN_CHILD or "forkserver" not in multiprocessing.get_all_start_methods():
        return func(*args)
    wall = seconds * PARSE_WALL_SECONDS / PARSE_SECONDS if wall is None else wall
    with _slot():
        return _run_in_child(func, args, seconds, memory_mb, wall)


@contextlib.contextmanager
def _slot(slots: int | None = None, wait: float | None = None):
    """Hold one of the server's reading slots for the duration; Busy if none frees up in time."""
    slots = PARSE_SLOTS if slots is None else slots
    wait = PARSE_QUEUE_SECONDS if wait is None else wait
    os.makedirs(SLOT_DIR, mode=0o700, exist_ok=True)
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        for number in range(slots):
            fd = os.open(os.path.join(SLOT_DIR, f"slot-{number}"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        if time.monotonic() >= deadline:
            raise Busy(f"系统正在处理其他上传的文件，已等待 {wait:g} 秒，请稍后再试。")
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def start_server():
    """Start the process readers are forked from (about a second), e.g. when a web worker boots,
    so that the first upload does not wait for it."""
    _context()
    multiprocessing.forkserver.ensure_running()


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pingyi.lib.parse_server"])
    return context


def _run_in_child(func, args, seconds, memory_mb, wall):
    context = _context()
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, func, args, seconds, memory_mb), daemon=True)
    child.start()
    send.close()
    too_long = f"文件处理超过 {seconds:g} 秒仍未完成，内容异常，系统拒绝处理。"
    try:
        if not receive.poll(wall):
            if _cpu_seconds(child.pid) < seconds / 2:
                # Out of time while waiting for a core, not while reading: the file is not at fault.
                raise Busy(f"系统正忙，文件在 {wall:g} 秒内未能读完（并非文件有误），请稍后再试。")
            raise BudgetExceeded(too_long)
        try:
            # A roster comes back as hundreds of thousands of objects with no cycles: the collector
            # would walk the whole heap several times while they are made.
            with gcpause.paused():
                outcome = pickle.loads(receive.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            # The child died without answering: killed by its CPU limit (SIGXCPU), or by memory.
            child.join(1)
            if child.exitcode == -signal.SIGXCPU:
                raise BudgetExceeded(too_long) from None
            raise BudgetExceeded(f"文件处理所需内存超过 {memory_mb} MB，内容异常，系统拒绝处理。") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if isinstance(outcome, _Failure):
        if outcome.exception is not None:
            raise outcome.exception
        raise RuntimeError(f"the parser failed in its child process:\n{outcome.text}")
    return outcome


def _child(send, func, args, seconds, memory_mb):
    global _IN_CHILD
    _IN_CHILD = True
    _yield_to_the_site()
    # On top of what the process already maps (the forkserver's Django and the readers' modules,
    # address space the parser never touches), so the budget is what the parser itself may add.
    limit = _mapped_bytes() + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = max(1, math.ceil(seconds))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OSError):
        pass  # limits we may not lower further stay as they are; the parent still times out
    try:
        outcome: Any = func(*args)
    except MemoryError:
        outcome = _Failure(
            BudgetExceeded(f"文件处理所需内存超过 {memory_mb} MB，内容异常，系统拒绝处理。"), ""
        )
    except BaseException as exc:  # every failure goes back to the parent
        outcome = _Failure(exc if _picklable(exc) else None, traceback.format_exc())
    try:
        send.send_bytes(pickle.dumps(outcome))
    except BaseException:
        send.send_bytes(pickle.dumps(_Failure(None, traceback.format_exc())))
    finally:
        send.close()
        os._exit(0)


def _yield_to_the_site():
    """Read only on CPU time the web workers leave unused: ballots and pages go first.

    At nice 10 a reader still takes about a tenth of a core a web worker wants (the scheduler's
    weights are 110 against 1024); SCHED_IDLE runs it only when no normal process wants the core.
    The wall-clock budget still ends a reading that the site's load keeps waiting (then `Busy`).
    """
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            os.nice(19)


def _cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far; infinite where it cannot be read (so: too long)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # Fields after the command name, which may hold spaces: utime and stime are 14th and 15th.
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return math.inf


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _picklable(exc: BaseException) -> bool:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return False
    return True
