"""lib/bounded: a parser that runs too long or grows too big is stopped, and says so in Chinese."""

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
    assert time.monotonic() - started < 3


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
