"""Every bad file is built here, in the test, so no binary fixtures live in the repository."""

import datetime
import io
import os
import zipfile

import docx
import openpyxl
import pytest

from pingyi.lib import bounded, xlsx
from pingyi.lib.xlsx import (
    CellProblem,
    ColumnSpec,
    SheetSpec,
    WorkbookError,
    read_workbook,
    write_workbook,
)

ROSTER = {"干部名册": ["姓名", "出生年月"]}


def make_xlsx(sheets: dict[str, list[list]], merge: dict[str, str] | None = None) -> bytes:
    """A workbook as a user's Excel would hand it over: plain cells, no styling."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if merge and name in merge:
            ws.merge_cells(merge[name])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def error_of(data: bytes, required=ROSTER, **kwargs) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_workbook(data, required, **kwargs)
    return str(caught.value)


# Reading: what is accepted


def test_reads_values_and_normalises_them():
    when = datetime.datetime(2024, 3, 1, 9, 30)
    data = make_xlsx(
        {
            "干部名册": [
                ["姓名", "出生年月", "编码", "得分", "日期", "在职", "备注"],
                ["  张三\u3000", "1968.07", 330102001001.0, 92.5, when, True, "忽略"],
                ["\xa0李四 ", "", 7, None, None, False, None],
            ]
        }
    )
    sheets, problems = read_workbook(
        data, ROSTER, optional={"干部名册": ["编码", "得分", "日期", "在职", "缺席"]}
    )
    assert problems == []
    sheet = sheets["干部名册"]
    assert sheet.name == "干部名册"
    assert sheet.columns == ["姓名", "出生年月", "编码", "得分", "日期", "在职"]
    first, second = sheet.rows
    assert first == (
        2,
        {
            "姓名": "张三",
            "出生年月": "1968.07",
            "编码": 330102001001,
            "得分": 92.5,
            "日期": when,
            "在职": True,
            "缺席": None,
        },
    )
    assert type(first[1]["编码"]) is int
    assert second[1]["姓名"] == "李四"
    assert second[1]["出生年月"] is None
    assert second[1]["在职"] is False


def test_header_whitespace_column_order_and_sheet_name_spaces_are_accepted():
    data = make_xlsx({" 干部名册 ": [["\u3000出生年月 ", " 姓名"], ["1970.01", "王五"]]})
    sheets, _ = read_workbook(data, ROSTER)
    assert sheets["干部名册"].columns == ["出生年月", "姓名"]
    assert sheets["干部名册"].rows == [(2, {"姓名": "王五", "出生年月": "1970.01"})]


def test_blank_rows_are_skipped_but_row_numbers_stay_true():
    data = make_xlsx(
        {
            "干部名册": [
                ["姓名", "出生年月"],
                ["甲", "1960.01"],
                [None, None],
                ["  ", "\u3000"],
                [],
                ["乙", "1961.02"],
            ]
        }
    )
    sheets, _ = read_workbook(data, ROSTER)
    assert [(number, row["姓名"]) for number, row in sheets["干部名册"].rows] == [
        (2, "甲"),
        (6, "乙"),
    ]


def test_extra_sheets_extra_columns_and_trailing_cells_are_ignored():
    data = make_xlsx(
        {
            "说明": [["随便写"]],
            "干部名册": [["姓名", "出生年月"], ["甲", "1960.01", "表头之外", "更远"]],
        }
    )
    sheets, _ = read_workbook(data, ROSTER)
    assert list(sheets) == ["干部名册"]
    assert sheets["干部名册"].rows == [(2, {"姓名": "甲", "出生年月": "1960.01"})]


def test_optional_sheet_is_read_when_present_and_skipped_when_absent():
    data = make_xlsx({"干部名册": [["姓名", "出生年月"], ["甲", "1960.01"]]})
    sheets, _ = read_workbook(data, ROSTER, optional={"单位": ["单位名称"]})
    assert list(sheets) == ["干部名册"]


def test_a_wrong_dimension_record_does_not_hide_columns():
    good = make_xlsx({"干部名册": [["姓名", "出生年月"], ["甲", "1960.01"]]})
    archive = zipfile.ZipFile(io.BytesIO(good))
    entries = {name: archive.read(name) for name in archive.namelist()}
    sheet = entries["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:B2"/>' in sheet
    entries["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:B2"', b'ref="A1"')
    sheets, _ = read_workbook(make_zip(entries), ROSTER)
    assert sheets["干部名册"].rows == [(2, {"姓名": "甲", "出生年月": "1960.01"})]


# Reading: problems in single cells


def test_formula_error_and_overlong_cells_are_reported_not_raised():
    data = make_xlsx(
        {
            "干部名册": [
                ["姓名", "出生年月"],
                ["甲", "=TEXT(1,0)"],
                ["乙", "#N/A"],
                ["丙", "#DIV/0!"],
                ["丁" * 2001, "1960.01"],
            ]
        }
    )
    sheets, problems = read_workbook(data, ROSTER)
    assert problems == [
        CellProblem("干部名册", 2, "出生年月", "含有公式，请改为直接填写数值"),
        CellProblem("干部名册", 3, "出生年月", "单元格为错误值 #N/A"),
        CellProblem("干部名册", 4, "出生年月", "单元格为错误值 #DIV/0!"),
        CellProblem("干部名册", 5, "姓名", "内容过长（超过2000个字符）"),
    ]
    rows = dict(sheets["干部名册"].rows)
    assert rows[2] == {"姓名": "甲", "出生年月": None}
    assert rows[5] == {"姓名": None, "出生年月": "1960.01"}


# Reading: files that are not usable at all


def test_empty_file():
    assert error_of(b"") == "文件为空。"


def test_size_limit_is_checked_before_anything_else(monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("an oversized file must be refused before it is opened")

    monkeypatch.setattr(xlsx.zipfile, "ZipFile", no_parsing)
    assert error_of(os.urandom(10 * 1024 * 1024)) == "文件过大（10 MB），上限为 8 MB。"


def test_size_just_over_the_limit_does_not_read_as_equal():
    assert "（8.1 MB），上限为 8 MB" in error_of(b"x" * (8 * 1024 * 1024 + 1))


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(100_000),
        "姓名,出生年月\n张三,1968.07\n".encode(),
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
    ],
    ids=["random", "csv", "pdf"],
)
def test_not_a_zip_is_not_a_workbook(data):
    message = error_of(data)
    assert message == xlsx.NOT_XLSX
    assert "不是 Excel 工作簿（.xlsx）" in message
    assert "另存为” .xlsx" in message


OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def test_password_protected_workbook():
    # A real encrypted .xlsx is an OLE container holding an "EncryptionInfo" stream; making
    # one needs msoffcrypto, which we do not have, so fake the magic and the stream name.
    data = OLE_MAGIC + bytes(504) + "EncryptionInfo".encode("utf-16-le") + bytes(1000)
    assert error_of(data) == (
        "工作簿已设置打开密码，系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"
    )


def test_old_xls_workbook_and_old_doc():
    data = OLE_MAGIC + bytes(504) + "Workbook".encode("utf-16-le") + bytes(1000)
    message = error_of(data)
    assert "旧版 Excel 格式（.xls）" in message
    assert ".xlsx" in message
    data = OLE_MAGIC + bytes(504) + "WordDocument".encode("utf-16-le") + bytes(1000)
    assert "Word 文档，不是 Excel 工作簿" in error_of(data)


def test_word_document():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("干部名册")
    document.save(buffer)
    assert "Word 文档，不是 Excel 工作簿" in error_of(buffer.getvalue())


def test_powerpoint_and_other_zips():
    pptx = make_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
    assert "PowerPoint 演示文稿，不是 Excel 工作簿" in error_of(pptx)
    assert error_of(make_zip({"readme.txt": b"hello"})) == xlsx.NOT_XLSX


def test_zip_bomb_is_refused_without_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        # Streamed in chunks so the test never holds 300 MB; it compresses to ~1.4 MB.
        with archive.open("xl/workbook.xml", "w") as entry:
            chunk = bytes(1024 * 1024)
            for _ in range(300):
                entry.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 8 * 1024 * 1024
    assert error_of(data) == "工作簿解压后共 300.1 MB，超过上限 200 MB，系统拒绝处理。"


def test_a_member_that_inflates_hundreds_of_times_is_refused_as_a_bomb():
    # 30 MB of zeros: within every size limit, but no honest workbook part compresses 1,000 times.
    data = make_zip({"xl/workbook.xml": bytes(30 * 1024 * 1024)})
    assert "工作簿中的「xl/workbook.xml」压缩比异常" in error_of(data)


def test_zip_bomb_limit_follows_max_bytes():
    # A random 24 KB block repeated compresses about 125 times: under the bomb ratio, so only the
    # limit relative to max_bytes (20 times) applies.
    data = make_zip({"xl/workbook.xml": os.urandom(24 * 1024) * 128})
    assert "解压后体积过大" in error_of(data, max_bytes=100 * 1024)


def test_corrupt_files():
    good = make_xlsx({"干部名册": [["姓名", "出生年月"], ["甲", "1960.01"]]})
    corrupt = "无法读取该工作簿：文件已损坏或格式不正确。"
    assert error_of(good[: len(good) // 2]) == corrupt

    archive = zipfile.ZipFile(io.BytesIO(good))
    entries = {name: archive.read(name) for name in archive.namelist()}
    assert error_of(make_zip({**entries, "xl/workbook.xml": b"<workbook"})) == corrupt

    # Broken cell data only surfaces while rows are streamed, after loading succeeded.
    sheet = entries["xl/worksheets/sheet1.xml"]
    broken = sheet.replace(b"</sheetData>", b"<row r='9'><c r='A9'><v>1</c></row></sheetData>")
    assert error_of(make_zip({**entries, "xl/worksheets/sheet1.xml": broken})) == corrupt


# Reading: workbooks with the wrong shape


def test_missing_sheet_lists_the_existing_ones():
    data = make_xlsx({"Sheet1": [["a"]], "Sheet2": [["b"]]})
    assert error_of(data, {"单位": ["单位名称"]}) == "缺少工作表「单位」。现有工作表：「Sheet1」「Sheet2」。"


def test_missing_columns_are_listed_together():
    data = make_xlsx({"干部名册": [["单位"], ["某镇"]]})
    assert error_of(data) == "工作表「干部名册」缺少列「姓名」「出生年月」。"
    data = make_xlsx({"干部名册": [["姓名"], ["甲"]]})
    assert error_of(data) == "工作表「干部名册」缺少列「出生年月」。"


def test_duplicate_headers_name_both_cells():
    data = make_xlsx({"干部名册": [["姓名", "出生年月", "单位", " 姓名 "], ["甲", "1", "x", "乙"]]})
    message = error_of(data)
    assert "列「姓名」出现了两次（A1 和 D1）" in message


def test_merged_header_cells():
    data = make_xlsx({"单位": [["单位名称", None, "类别"], ["某镇", None, "乡镇"]]}, {"单位": "A1:B1"})
    assert (
        error_of(data, {"单位": ["单位名称"]})
        == "工作表「单位」表头有合并单元格（A1:B1），请取消合并后再上传。"
    )


def test_merged_cells_below_the_header_are_fine():
    data = make_xlsx({"单位": [["单位名称", "类别"], ["某镇", "乡镇"], ["某街道", None]]}, {"单位": "B2:B3"})
    sheets, _ = read_workbook(data, {"单位": ["单位名称"]})
    assert len(sheets["单位"].rows) == 2


def test_no_data_rows_at_all():
    data = make_xlsx({"干部名册": [["姓名", "出生年月"], [None, None]], "单位": [["单位名称"]]})
    required = {**ROSTER, "单位": ["单位名称"]}
    assert error_of(data, required) == "工作簿中没有任何数据行。"


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    # Read here, not in a reader process of lib/bounded: that one would not see the lowered limit.
    monkeypatch.setattr(bounded, "_IN_CHILD", True)
    data = make_xlsx({"干部名册": [["姓名", "出生年月"]] + [["甲", "1960.01"]] * 4})
    assert "数据超过 3 行" in error_of(data)


# Writing


def _roster_spec(rows):
    return SheetSpec(
        "干部名册",
        [
            ColumnSpec("姓名"),
            ColumnSpec("性别", width=8, choices=["男", "女"]),
            ColumnSpec("出生年月", text=True, comment="格式：1968.07"),
            ColumnSpec("身份证号", width=22, text=True),
            ColumnSpec("单位编码", text=True),
            ColumnSpec("统计编码"),
            ColumnSpec("简历", width=60, wrap=True),
        ],
        rows,
    )


def test_round_trip_is_lossless():
    resume = "1986.09—1990.07 某大学学习\n1990.07—2001.03 某镇工作"
    rows = [
        ["张三", "男", "1968.07", "11010519491231002X", "001234", 330102001001, resume],
        ["=SUM(A1)", "女", "1970.10", "110105194912310021", 12, 7, "#N/A"],
        ["李四\x0b", None, None, None, None, None, None],
    ]
    data = write_workbook([_roster_spec(rows)], instructions=["请逐行填写。"])
    columns = [column.name for column in _roster_spec([]).columns]
    sheets, problems = read_workbook(data, {"干部名册": columns})
    assert problems == []
    got = [values for _, values in sheets["干部名册"].rows]
    assert got[0] == dict(zip(columns, rows[0], strict=True))
    assert got[0]["出生年月"] == "1968.07"
    assert type(got[0]["统计编码"]) is int
    assert got[1]["姓名"] == "=SUM(A1)"
    assert got[1]["出生年月"] == "1970.10"
    assert got[1]["单位编码"] == "12"
    assert got[1]["简历"] == "#N/A"
    assert got[2]["姓名"] == "李四"


def test_template_layout_dropdown_and_instructions():
    long_list = [f"选项{i:02d}乡镇街道名称" for i in range(56)]
    spec = _roster_spec([["张三", "男", "1968.07", "1", "2", 3, "x", "选项03乡镇街道名称"]])
    spec.columns.append(ColumnSpec("所在乡镇", choices=long_list))
    data = write_workbook([spec], instructions=["第一条", "第二条"])

    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["填写说明", "干部名册", "选项"]
    assert wb.active.title == "干部名册"
    assert wb["填写说明"]["A2"].value == "第二条"
    assert wb["填写说明"].column_dimensions["A"].width == 100

    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row, 1).value for row in (1, 2, 3)] == ["性别", "男", "女"]
    assert options["B57"].value == long_list[-1]

    ws = wb["干部名册"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert validations["B2:B1000"].formula1 == "选项!$A$2:$A$3"
    assert validations["H2:H1000"].formula1 == "选项!$B$2:$B$57"
    assert validations["H2:H1000"].type == "list"
    assert validations["H2:H1000"].showErrorMessage
    assert validations["H2:H1000"].error == "请从下拉列表中选择"

    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H2"
    assert ws["A1"].font.b
    assert ws["A1"].fill.fgColor.rgb.endswith("E7E6E6")
    assert ws.column_dimensions["D"].width == 22
    assert ws["C1"].comment.text == "格式：1968.07"
    assert ws["C2"].number_format == "@"
    assert ws["C2"].value == "1968.07"
    assert ws["G2"].alignment.wrap_text


def test_a_two_row_header_is_merged_as_official_tables_are():
    columns = [xlsx.ColumnSpec(name) for name in ["单位", "人数", "占比", "研究生", "占比"]]
    spec = xlsx.SheetSpec(
        "表", columns, [["东城区", 3, "30%", 1, "10%"]], groups=[(None, 1), ("女", 2), ("学历", 2)]
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.write_workbook([spec])))["表"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:A2", "B1:C1", "D1:E1"}
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["单位", "女", None, "学历", None],
        [None, "人数", "占比", "研究生", "占比"],
        ["东城区", 3, "30%", 1, "10%"],
    ]
    assert ws.freeze_panes == "A3"


def test_a_title_row_sits_above_the_merged_header():
    columns = [xlsx.ColumnSpec(name) for name in ["单位", "人数", "占比"]]
    spec = xlsx.SheetSpec(
        "表", columns, [["东城区", 3, "30%"]], groups=[(None, 1), ("女", 2)], title="基本情况统计表"
    )
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.write_workbook([spec])))["表"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:C1", "A2:A3", "B2:C2"}
    assert [row[0].value for row in ws.iter_rows()] == ["基本情况统计表", "单位", None, "东城区"]
    assert ws.freeze_panes == "A4"
