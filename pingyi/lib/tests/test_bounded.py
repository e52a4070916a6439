"""lib/bounded: a parser that runs too long or grows too big is stopped, and says so in Chinese."""

import concurrent.futures
import multiprocessing
import time

import pytest

from pingyi.lib import bounded, hostile_files, xlsx


def forever():
    while True:
        pass


def hungry():
    return bytearray(3 * 1024 * 1024 * 1024)  # 3 GB


def refuse():
    raise xlsx.WorkbookError("第 3 行：出生年月不是有效的年月")


def answer(x, y):
    return {"sum": x + y}


def test_the_result_comes_back_from_the_child():
    assert bounded.run(answer, 2, 3) == {"sum": 5}


def test_an_endless_parser_is_stopped_at_its_time_budget():
    started = time.monotonic()
    with pytest.raises(bounded.BudgetExceeded, match="文件处理超过 1 秒仍未完成"):
        bounded.run(forever, seconds=1)
    assert time.monotonic() - started < 4  # a CPU second, two on the clock at most, and the fork


def test_the_time_budget_counts_the_parsers_own_cpu_seconds():
    # With the clock out of the way, the CPU limit alone stops it and the reason is the time.
    started = time.monotonic()
    with pytest.raises(bounded.BudgetExceeded, match="文件处理超过 1 秒仍未完成"):
        bounded.run(forever, seconds=1, wall=60)
    assert time.monotonic() - started < 60


def test_an_honest_reader_waiting_past_its_cpu_budget_is_not_refused():
    # A child starved by a busy server spends its time waiting, not computing: the clock allows twice.
    assert bounded.run(nap, 1.5, seconds=1) == 1.5


def test_a_reader_kept_waiting_past_the_clock_is_told_the_site_is_busy_not_that_the_file_is_bad():
    # The clock ran out while the child hardly computed (on a loaded server it waits for a core):
    # the organizer is asked to try again, not told the file is abnormal.
    with pytest.raises(bounded.Busy, match="系统正忙，文件在 2 秒内未能读完（并非文件有误）"):
        bounded.run(nap, 30, seconds=1, wall=2)


def test_the_reader_is_not_forked_from_the_web_worker():
    # A child forked from the worker would make the worker copy its heap page by page while the
    # child lives (lib/parse_server.py): readers come from a server process of their own.
    import os

    assert bounded.run(os.getppid) not in (os.getpid(), os.getppid())


def test_the_reader_runs_only_on_cpu_time_the_site_leaves_unused():
    import os

    assert bounded.run(os.sched_getscheduler, 0) == os.SCHED_IDLE


def test_a_parser_that_grows_past_its_memory_budget_is_stopped():
    with pytest.raises(bounded.BudgetExceeded, match="文件处理所需内存超过 256 MB"):
        bounded.run(hungry, memory_mb=256)


def test_the_parsers_own_error_reaches_the_caller_unchanged():
    with pytest.raises(xlsx.WorkbookError, match="第 3 行：出生年月不是有效的年月"):
        bounded.run(refuse)


def test_a_workbook_declaring_millions_of_shared_strings_is_refused_at_once():
    data = hostile_files.strings_bomb(1_400_000)
    assert len(data) < 1024 * 1024  # well under the upload limit
    started = time.monotonic()
    with pytest.raises(xlsx.WorkbookError, match=r"「xl/sharedStrings\.xml」压缩比异常"):
        xlsx.read_workbook(data, {"干部名册": ["姓名"]})
    assert time.monotonic() - started < 1


def nap(seconds):
    time.sleep(seconds)
    return seconds


@pytest.fixture
def one_slot(tmp_path, monkeypatch):
    monkeypatch.setattr(bounded, "SLOT_DIR", str(tmp_path / "slots"))
    monkeypatch.setattr(bounded, "PARSE_SLOTS", 1)
    monkeypatch.setattr(bounded, "PARSE_QUEUE_SECONDS", 0.5)


def test_a_second_file_waits_for_the_first_and_is_then_read(one_slot):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(bounded.run, nap, 0.3)
        time.sleep(0.1)
        started = time.monotonic()
        second = pool.submit(bounded.run, answer, 1, 1)
        assert second.result() == {"sum": 2}
        waited = time.monotonic() - started
    assert first.result() == 0.3
    assert waited >= 0.1  # it did not run beside the first


def test_a_file_finding_every_slot_taken_past_the_wait_is_told_to_try_again(one_slot):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(bounded.run, nap, 1.5)
        time.sleep(0.1)
        with pytest.raises(bounded.Busy, match=r"系统正在处理其他上传的文件，已等待 0\.5 秒，请稍后再试"):
            bounded.run(answer, 1, 1)
        assert first.result() == 1.5
    assert bounded.run(answer, 2, 2) == {"sum": 4}  # the slot is free again


def test_the_slots_are_shared_by_every_worker_process(one_slot):
    # A gunicorn worker is another process: it holds the slot while this one waits in vain.
    ready = multiprocessing.get_context("fork").Event()
    holder = multiprocessing.get_context("fork").Process(target=_hold_slot, args=(ready,))
    holder.start()
    try:
        assert ready.wait(5)
        with pytest.raises(bounded.Busy):
            bounded.run(answer, 1, 1)
    finally:
        holder.kill()  # dies holding the slot: the kernel releases its lock
        holder.join()
    assert bounded.run(answer, 3, 4) == {"sum": 7}


def _hold_slot(ready):
    with bounded._slot():
        ready.set()
        time.sleep(60)


def test_a_budget_exceeded_in_one_file_frees_its_slot(one_slot):
    with pytest.raises(bounded.BudgetExceeded, match="文件处理超过 1 秒"):
        bounded.run(forever, seconds=1)
    assert bounded.run(answer, 5, 5) == {"sum": 10}
