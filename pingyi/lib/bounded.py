"""Run the parsing of an untrusted upload in a child process with a time and memory budget.

A compressed file can be honest about its size and still take minutes and gigabytes to read (a
workbook declaring millions of shared strings, a .docx whose document.xml inflates to 95 MB, a PDF
of 30,000 pages). Checks before reading catch what can be seen from outside; this catches the rest:
the parser runs in a forked child whose address space and CPU time are limited, and which is
killed when the wall-clock budget runs out. The web worker waits at most that long and answers
with a Chinese reason; nothing was written, because parsers only read.

The child must not touch the database (parsers are pure) and leaves with os._exit, so the parent's
connections and files are left as they were. Where fork is not available, or inside a child
already, the function runs in-process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .limits import PARSE_MEMORY_MB, PARSE_SECONDS


class BudgetExceeded(ValueError):
    """The file took more time or memory to read than any honest file of its kind; str(e) is Chinese."""


@dataclass
class _Failure:
    exception: BaseException | None
    text: str


_IN_CHILD = False


def run(func: Callable[..., Any], *args, seconds: float = PARSE_SECONDS, memory_mb: int = PARSE_MEMORY_MB):
    """func(*args) in a child process; its exception is raised here as it was raised there."""
    if _IN_CHILD or "fork" not in multiprocessing.get_all_start_methods():
        return func(*args)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, func, args, seconds, memory_mb), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise BudgetExceeded(f"文件处理超过 {seconds:g} 秒仍未完成，内容异常，系统拒绝处理。")
        try:
            outcome = pickle.loads(receive.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            # The child died without answering: killed by its memory or CPU limit.
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
    # Below the web workers' priority: while a file is read, ballots and pages go first.
    with contextlib.suppress(OSError):
        os.nice(10)
    # On top of what the forked process already maps (a Django worker maps hundreds of MB of
    # address space it never touches), so the budget is what the parser itself may add.
    limit = _mapped_bytes() + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(seconds) + 1
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
