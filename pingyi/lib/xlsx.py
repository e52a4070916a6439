"""Read and write the .xlsx workbooks users upload and download.

Kept free of Django so imports and tests stay cheap. Everything a user can get
wrong about a file surfaces as `WorkbookError` (the whole file is unusable) or
`CellProblem` (one cell is unusable), both worded in Chinese for the user.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from posixpath import join, normpath
from xml.etree import ElementTree

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation

from . import bounded, limits

MB = 1024 * 1024
MAX_TEXT = 2000
MAX_ROWS = 100_000
# Declared entry sizes bound what zipfile will ever inflate, so summing them is a sound guard.
MAX_UNZIPPED = 200 * MB
OPTIONS_SHEET = "选项"
INSTRUCTIONS_SHEET = "填写说明"
DROPDOWN_ROWS = 1000

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# An OLE directory stores stream names in UTF-16LE.
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_OLE_WORD = "WordDocument".encode("utf-16-le")
_MERGE_RE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')

SAVE_AS = "请在 Excel 中“另存为” .xlsx 格式后再上传。"
EMPTY = "文件为空。"
NOT_XLSX = "该文件不是 Excel 工作簿（.xlsx）。" + SAVE_AS
OLD_XLS = "该文件是旧版 Excel 格式（.xls），系统无法读取。" + SAVE_AS
ENCRYPTED = "工作簿已设置打开密码，系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再上传。"
WORD = "该文件是 Word 文档，不是 Excel 工作簿。请上传 .xlsx 格式的 Excel 文件。"
POWERPOINT = "该文件是 PowerPoint 演示文稿，不是 Excel 工作簿。请上传 .xlsx 格式的 Excel 文件。"
BOMB = "文件内容异常（解压后体积过大），系统拒绝处理。请检查文件后重新上传。"
CORRUPT = "无法读取该工作簿：文件已损坏或格式不正确。"
NO_ROWS = "工作簿中没有任何数据行。"
FORMULA = "含有公式，请改为直接填写数值"
TOO_LONG = f"内容过长（超过{MAX_TEXT}个字符）"


class WorkbookError(Exception):
    """A problem with the file as a whole; str(e) is a Chinese sentence for the user."""


@dataclass(frozen=True)
class CellProblem:
    sheet: str  # 工作表
    row: int  # Excel row number, 1-based (header is row 1)
    column: str  # 列名 (header text)
    reason: str


@dataclass
class Sheet:
    name: str
    # Known (required + optional) columns present in the file, in file order.
    columns: list[str]
    # Every required and optional column is a key; absent columns and problem cells are None.
    rows: list[tuple[int, dict[str, object]]]
    # Known column -> its 0-based position in the file.
    positions: dict[str, int] = field(default_factory=dict)


def _quote(names) -> str:
    return "".join(f"「{name}」" for name in names)


def _mb(size: int) -> str:
    # Round up so a file just over the limit never reads as equal to it.
    return f"{math.ceil(size * 10 / MB) / 10:g}"


def _guarded(call, *args):
    """Run one openpyxl/zipfile/XML call; whatever it raises means the file is broken."""
    try:
        return call(*args)
    except Exception as exc:
        raise WorkbookError(CORRUPT) from exc


def _guarded_rows(ws):
    # Read-only sheets parse lazily, so broken XML can surface at any row.
    rows = ws.iter_rows(min_row=1)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:
            raise WorkbookError(CORRUPT) from exc
        yield row


def _open_archive(data: bytes, max_bytes: int) -> zipfile.ZipFile:
    if not data:
        raise WorkbookError(EMPTY)
    if len(data) > max_bytes:
        raise WorkbookError(f"文件过大（{_mb(len(data))} MB），上限为 {_mb(max_bytes)} MB。")
    if data.startswith(_OLE_MAGIC):
        # Excel wraps a password-protected .xlsx in an OLE container, like an old .xls.
        if _OLE_ENCRYPTED in data:
            raise WorkbookError(ENCRYPTED)
        raise WorkbookError(WORD if _OLE_WORD in data else OLD_XLS)
    if not data.startswith(b"PK"):
        raise WorkbookError(NOT_XLSX)
    try:
        archive = limits.check_zip(data, what="工作簿")
    except limits.LimitError as exc:
        raise WorkbookError(str(exc) if zipfile.is_zipfile(BytesIO(data)) else CORRUPT) from exc
    if sum(info.file_size for info in archive.infolist()) > min(20 * max_bytes, MAX_UNZIPPED):
        raise WorkbookError(BOMB)
    names = archive.namelist()
    if "word/document.xml" in names:
        raise WorkbookError(WORD)
    if any(name.startswith("ppt/") for name in names):
        raise WorkbookError(POWERPOINT)
    if "xl/workbook.xml" not in names:
        raise WorkbookError(NOT_XLSX)
    return archive


def sheet_names(data: bytes) -> list[str]:
    """The sheet names of an .xlsx, read from xl/workbook.xml alone; [] for anything else."""
    try:
        return [name.strip() for name in _sheet_parts(zipfile.ZipFile(BytesIO(data)))]
    except Exception:
        return []


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part, following xl/workbook.xml and its relationships."""
    rels, book = (
        _guarded(ElementTree.fromstring, _guarded(archive.read, part))
        for part in ("xl/_rels/workbook.xml.rels", "xl/workbook.xml")
    )
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts = {}
    for sheet in (element for element in book.iter() if element.tag.endswith("}sheet")):
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        parts[sheet.get("name", "")] = target[1:] if target.startswith("/") else normpath(join("xl", target))
    return parts


def _check_header_merges(archive: zipfile.ZipFile, part: str | None, sheet: str) -> None:
    # ReadOnlyWorksheet has no merged_cells, so look at the raw XML; a regex over
    # bytes is much cheaper than parsing sheetData, which can be tens of MB.
    if part is None or part not in archive.namelist():
        return
    xml = _guarded(archive.read, part)
    start = xml.find(b"mergeCell")
    if start < 0:
        return
    refs = [ref.decode("latin-1") for ref in _MERGE_RE.findall(xml, start - 10)]
    header = [ref for ref in refs if _guarded(range_boundaries, ref)[1] == 1]
    if header:
        raise WorkbookError(f"工作表「{sheet}」表头有合并单元格（{'、'.join(header)}），请取消合并后再上传。")


def _cell_value(cell) -> tuple[object, str | None]:
    """(clean value, problem reason or None)."""
    if cell.data_type == "f":
        return None, FORMULA
    value = cell.value
    if cell.data_type == "e":
        return None, f"单元格为错误值 {value}"
    if isinstance(value, str):
        # str.strip() already covers \u3000 and \xa0; zero-width marks come from web pastes.
        value = value.strip().strip("\u200b\ufeff").strip()
        if len(value) > MAX_TEXT:
            return None, TOO_LONG
        return value or None, None
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    return value, None


def _read_sheet(ws, name: str, required: list[str], optional: list[str]):
    # Some producers write a wrong <dimension>, which would make openpyxl cut columns/rows.
    ws.reset_dimensions()
    return _read_rows(_guarded_rows(ws), _cell_value, name, required, optional)


def _plain_value(value) -> tuple[object, str | None]:
    """A value as python-calamine gives it (no formulas or errors: those files go to openpyxl)."""
    if isinstance(value, str):
        value = value.strip().strip("\u200b\ufeff").strip()
        if len(value) > MAX_TEXT:
            return None, TOO_LONG
        return value or None, None
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    return value, None


def _read_rows(rows, clean, name: str, required: list[str], optional: list[str]):
    """The known columns of a sheet whose header is row 1; `clean` turns a cell into (value, problem)."""
    known = set(required) | set(optional)
    positions: dict[str, int] = {}
    for idx, cell in enumerate(next(rows, ())):
        text = str(clean(cell)[0] or "")
        if text not in known:
            continue
        if text in positions:
            first, second = (f"{get_column_letter(i + 1)}1" for i in (positions[text], idx))
            raise WorkbookError(
                f"工作表「{name}」中列「{text}」出现了两次（{first} 和 {second}），"
                "请删除或改名其中一列后再上传。"
            )
        positions[text] = idx
    missing = [column for column in required if column not in positions]
    if missing:
        raise WorkbookError(f"工作表「{name}」缺少列{_quote(missing)}。")

    result = Sheet(name=name, columns=sorted(positions, key=positions.get), rows=[], positions=positions)
    problems: list[CellProblem] = []
    for row_number, row in enumerate(rows, start=2):
        values: dict[str, object] = dict.fromkeys([*required, *optional])
        blank = True
        for column, idx in positions.items():
            if idx >= len(row):
                continue
            value, reason = clean(row[idx])
            if reason:
                problems.append(CellProblem(name, row_number, column, reason))
            elif value is None:
                continue
            values[column] = value
            blank = False
        if blank:
            continue
        if len(result.rows) >= MAX_ROWS:
            raise WorkbookError(f"工作表「{name}」的数据超过 {MAX_ROWS} 行，请拆分成多个文件后分别上传。")
        result.rows.append((row_number, values))
    return result, problems


def read_workbook(
    data: bytes,
    required: dict[str, list[str]],
    *,
    optional: dict[str, list[str]] | None = None,
    max_bytes: int = 8 * MB,
) -> tuple[dict[str, Sheet], list[CellProblem]]:
    """Read the named sheets; a sheet named only in `optional` is read when present.

    The archive is checked here, then read in a child process within lib/limits' time and memory
    budget (lib/bounded): a workbook can pass every size check and still take minutes to read."""
    _open_archive(data, max_bytes)
    try:
        return bounded.run(_read_checked, data, required, optional or {}, max_bytes)
    except bounded.BudgetExceeded as exc:
        raise WorkbookError(str(exc)) from None


# A formula (<f>, <f t="shared" …/>, with or without a namespace prefix) or an error cell
# (t="e"): only openpyxl tells them apart. Plain substring scans, several times faster than one
# regex over a sheet of tens of MB; a false alarm only sends the file down openpyxl's path.
_FORMULA_OR_ERROR = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b't="e"')


def _has_formula_or_error(xml: bytes) -> bool:
    return any(mark in xml for mark in _FORMULA_OR_ERROR)


def _read_checked(data: bytes, required, optional, max_bytes: int):
    archive = _open_archive(data, max_bytes)
    plain = _read_plain(archive, data, required, optional)
    if plain is not None:
        return plain
    wb = _guarded(lambda: openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False))
    try:
        # wb.worksheets leaves out chart sheets, which have no cells to read.
        by_name = {ws.title.strip(): ws for ws in reversed(wb.worksheets)}
        missing = [name for name in required if name.strip() not in by_name]
        if missing:
            existing = _quote(wb.sheetnames) or "（无）"
            raise WorkbookError(f"缺少工作表{_quote(missing)}。现有工作表：{existing}。")
        parts = _sheet_parts(archive)
        sheets: dict[str, Sheet] = {}
        problems: list[CellProblem] = []
        for name in dict.fromkeys([*required, *optional]):
            ws = by_name.get(name.strip())
            if ws is None:
                continue
            _check_header_merges(archive, parts.get(ws.title), name)
            sheets[name], found = _read_sheet(ws, name, required.get(name, []), optional.get(name, []))
            problems.extend(found)
    finally:
        wb.close()
    if required and not any(sheets[name].rows for name in required):
        raise WorkbookError(NO_ROWS)
    return sheets, problems


def _read_plain(archive: zipfile.ZipFile, data: bytes, required, optional):
    """The fast path: sheets without any formula or error cell, read by python-calamine (several
    times faster than openpyxl), to the same result. None when openpyxl must read the file."""
    import python_calamine

    parts = _sheet_parts(archive)
    by_name = {name.strip(): name for name in reversed(list(parts))}
    if any(name.strip() not in by_name for name in required):
        return None  # openpyxl's path says which sheets are missing
    wanted = [n for n in dict.fromkeys([*required, *optional]) if n.strip() in by_name]
    for name in wanted:
        part = parts[by_name[name.strip()]]
        if part not in archive.namelist() or _has_formula_or_error(_guarded(archive.read, part)):
            return None
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(BytesIO(data))
    except Exception:
        return None
    sheets: dict[str, Sheet] = {}
    problems: list[CellProblem] = []
    try:
        for name in wanted:
            _check_header_merges(archive, parts[by_name[name.strip()]], name)
            grid = _guarded(workbook.get_sheet_by_name, by_name[name.strip()])
            rows = iter(_guarded(lambda g=grid: g.to_python(skip_empty_area=False)))
            sheets[name], found = _read_rows(
                rows, _plain_value, name, required.get(name, []), optional.get(name, [])
            )
            problems.extend(found)
    finally:
        workbook.close()
    if required and not any(sheets[name].rows for name in required):
        raise WorkbookError(NO_ROWS)
    return sheets, problems


@dataclass
class ColumnSpec:
    name: str  # header text
    width: float = 14
    choices: list[str] | None = None  # closed list → dropdown (data validation)
    text: bool = False  # force text format '@' so Excel keeps leading zeros/precision
    comment: str | None = None  # optional header note, e.g. format hints
    wrap: bool = False  # wrap text (long resumes with newlines)


@dataclass
class SheetSpec:
    name: str
    columns: list[ColumnSpec]
    rows: list[list[object]]  # values in column order
    # A merged two-row header, as official statistics tables have: (label, span) over the
    # columns in order; a group of span 1 without a label keeps its column's name on both rows.
    groups: list[tuple[str | None, int]] | None = None
    title: str | None = None  # a bold row merged across the columns above the header, as such tables have


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E7E6E6")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(ws, value: object, *, text: bool = False, wrap: bool = False, header: bool = False):
    if value is None:
        return None
    if text and not isinstance(value, str):
        value = str(value)
    if isinstance(value, str):
        # openpyxl refuses control characters (pasted from Word) instead of dropping them.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # ...and would store "=..." as a formula and "#N/A" as an error; user text is neither.
        risky = value.startswith("=") or value in ERROR_CODES
    else:
        # General format would show a 12-digit code as 3.30102E+11.
        risky = isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**11
    if not (risky or text or wrap or header):
        # A bare value skips building a Cell, which is most of the cost of a big export.
        return value
    cell = WriteOnlyCell(ws, value)
    if cell.data_type in ("f", "e"):
        cell.data_type = "s"
    if text:
        cell.number_format = "@"
    elif risky and isinstance(value, int):
        cell.number_format = "0"
    if wrap:
        cell.alignment = _WRAP
    if header:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    return cell


def _write_sheet(ws, spec: SheetSpec, lists: dict[tuple[str, ...], str]) -> None:
    # Write-only sheets emit <cols> and validations around the streamed rows, but
    # column dimensions must be set before the first append.
    above = 1 if spec.title else 0
    top = above + (2 if spec.groups else 1)  # the last header row
    last_row = len(spec.rows) + top
    for idx, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(idx)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            # Rows the user adds later must stay text too, or "1968.10" becomes 1968.1.
            dimension.number_format = "@"
        if column.wrap:
            dimension.alignment = _WRAP
        if column.choices:
            source = lists[tuple(column.choices)]
            # No leading "=": the file format stores formulas without the "=" that Excel's
            # dialog shows, and Excel itself saves them that way.
            validation = DataValidation(
                type="list",
                formula1=f"{OPTIONS_SHEET}!${source}$2:${source}${len(column.choices) + 1}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择",
            )
            validation.add(f"{letter}{top + 1}:{letter}{max(last_row, DROPDOWN_ROWS)}")
            ws.data_validations.append(validation)
    ws.freeze_panes = f"A{top + 1}"
    used = f"A{top}:{get_column_letter(max(len(spec.columns), 1))}{last_row}"
    ws.auto_filter.ref = used
    # openpyxl's writer emits <dimension> only if the sheet can compute it; without
    # one, every read-only load of our own export scans the whole sheet an extra time.
    ws.calculate_dimension = lambda: used

    if spec.title:
        ws.append([_cell(ws, spec.title, header=True)])
        ws.merged_cells.add(f"A1:{get_column_letter(max(len(spec.columns), 1))}1")
    if spec.groups:
        _write_groups(ws, spec, above + 1)
    header = []
    for column in spec.columns:
        cell = _cell(ws, column.name, header=True)
        if column.comment:
            cell.comment = Comment(column.comment, "系统", width=240, height=120)
        header.append(cell)
    ws.append(header)
    for values in spec.rows:
        ws.append(
            [
                _cell(ws, value, text=column.text, wrap=column.wrap)
                for value, column in zip(values, spec.columns, strict=True)
            ]
        )


def _write_groups(ws, spec: SheetSpec, row: int) -> None:
    if sum(span for _label, span in spec.groups) != len(spec.columns):
        raise ValueError(f"{spec.name}: header groups do not cover the columns")
    cells, first = [], 1
    for label, span in spec.groups:
        last = first + span - 1
        if label is None and span == 1:
            cells.append(_cell(ws, spec.columns[first - 1].name, header=True))
            ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(first)}{row + 1}")
        else:
            cells += [_cell(ws, label or "", header=True)] + [
                _cell(ws, "", header=True) for _ in range(span - 1)
            ]
            if span > 1:
                ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")
        first = last + 1
    ws.append(cells)


def write_workbook(sheets: list[SheetSpec], *, instructions: list[str] | None = None) -> bytes:
    # write_only streams rows yet still supports validations, comments, panes and filters.
    wb = openpyxl.Workbook(write_only=True)
    if instructions:
        ws = wb.create_sheet(INSTRUCTIONS_SHEET)
        ws.column_dimensions["A"].width = 100
        for line in instructions:
            ws.append([_cell(ws, line, wrap=True)])

    # One hidden column per distinct list: inline list formulas over 255 characters break Excel.
    lists: dict[tuple[str, ...], str] = {}
    titles: list[str] = []
    for spec in sheets:
        for column in spec.columns:
            if column.choices and tuple(column.choices) not in lists:
                lists[tuple(column.choices)] = get_column_letter(len(lists) + 1)
                titles.append(column.name)

    for number, spec in enumerate(sheets):
        ws = wb.create_sheet(spec.name)
        if number == 0:
            ws.sheet_view.tabSelected = True
            wb.active = 1 if instructions else 0
        _write_sheet(ws, spec, lists)

    if lists:
        ws = wb.create_sheet(OPTIONS_SHEET)
        ws.sheet_state = "hidden"
        ws.append([_cell(ws, title) for title in titles])
        choices = list(lists)
        for idx in range(max(map(len, choices))):
            ws.append([_cell(ws, c[idx], text=True) if idx < len(c) else None for c in choices])

    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
