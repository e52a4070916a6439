"""lib/grid: cells as the readers see them, whatever the file's quirks."""

from pingyi.lib import grid
from pingyi.lib.tests.test_xlsx import make_xlsx
from pingyi.lib.xlsx import MAX_TEXT, TOO_LONG


def _xlsx(rows: list[list]) -> bytes:
    return make_xlsx({"名单": rows})


def test_cells_are_stripped_of_spaces_and_zero_width_marks_at_their_edges_and_rows_end_at_their_last_value():
    data = _xlsx([
        ["姓名", "出生年月", "备注", None],
        ["\u200b张三 ", " 1970.01\ufeff", "甲\u200b乙", None],
        ["\ufeff", 1970.0, "  ", None],
    ])  # fmt: skip
    rows = grid.read_book(data, 10**7).sheet("名单").rows
    assert rows == [["姓名", "出生年月", "备注"], ["张三", "1970.01", "甲\u200b乙"], [None, 1970]]


def test_an_over_long_text_is_kept_out_of_the_rows_and_named_as_too_long():
    data = _xlsx([["姓名", "简历"], ["李四", "经历" * MAX_TEXT], ["王五", "短"]])
    sheet = grid.read_book(data, 10**7).sheet("名单")
    assert sheet.rows == [["姓名", "简历"], ["李四"], ["王五", "短"]]
    assert grid.cell_problem(sheet, 1, 1) == TOO_LONG
    assert grid.cell_problem(sheet, 2, 1) is None
