"""Any workbook as plain grids of cell values: .xls (BIFF8) and .xlsx alike.

Rosters as organisation departments really hold them come from the vendor's
system as old `.xls` files, with titles, merged two-row headers and blocks, so
they cannot be read as "header in row 1". This module only turns the file into
sheets of values and merged ranges; `pingyi.org.readers` finds the layout.

python-calamine (Rust's calamine) reads both formats, is maintained, and is
several times faster than openpyxl or xlrd; xlrd 2 no longer reads .xlsx and
openpyxl never read .xls. Kept free of Django.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

import python_calamine

from . import biff
from .xlsx import (
    _OLE_ENCRYPTED,
    _OLE_MAGIC,
    _OLE_WORD,
    BOMB,
    CORRUPT,
    EMPTY,
    ENCRYPTED,
    MAX_TEXT,
    MAX_UNZIPPED,
    POWERPOINT,
    TOO_LONG,
    WORD,
    WorkbookError,
    _mb,
    _sheet_parts,
)

NOT_EXCEL = "该文件不是 Excel 工作簿（.xls 或 .xlsx）。"
MAX_ROWS = 200_000


@dataclass
class Grid:
    name: str
    # rows[i][j] is the cell at Excel row i+1, column j+1: a stripped str, int, float, date or None.
    rows: list[list[object]]
    # ((first_row, first_col), (last_row, last_col)), 0-based and inclusive, as calamine gives them.
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    # Cells longer than MAX_TEXT, kept out of `rows`: (row, col) 0-based.
    too_long: set[tuple[int, int]] = field(default_factory=set)
    # Cells holding an error (#N/A, #DIV/0!, typed or a formula's result), which calamine reads
    # as empty: (row, col) 0-based → the error as Excel shows it. A formula with a value is read
    # as that value (calamine gives the last calculated result, what Excel shows and prints).
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def cell(self, row: int, col: int):
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None


@dataclass
class Book:
    format: str  # "xls" or "xlsx"
    sheets: list[Grid]

    def sheet(self, name: str) -> Grid | None:
        wanted = normal_sheet_name(name)
        return next((g for g in self.sheets if normal_sheet_name(g.name) == wanted), None)


def normal_sheet_name(name: str) -> str:
    return "".join(name.split())


def sniff(data: bytes) -> str:
    """'xls' or 'xlsx'; raises WorkbookError for anything else (with the reason)."""
    if not data:
        raise WorkbookError(EMPTY)
    if data.startswith(_OLE_MAGIC):
        if _OLE_ENCRYPTED in data:
            raise WorkbookError(ENCRYPTED)
        if _OLE_WORD in data:
            raise WorkbookError(WORD)
        return "xls"
    if not data.startswith(b"PK"):
        raise WorkbookError(NOT_EXCEL)
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except Exception as exc:
        raise WorkbookError(CORRUPT) from exc
    names = archive.namelist()
    if "word/document.xml" in names:
        raise WorkbookError(WORD)
    if any(name.startswith("ppt/") for name in names):
        raise WorkbookError(POWERPOINT)
    if "xl/workbook.xml" not in names:
        raise WorkbookError(NOT_EXCEL)
    # Declared entry sizes bound what the reader inflates, so summing them is a sound guard.
    if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
        raise WorkbookError(BOMB)
    return "xlsx"


_INVISIBLE = "\u200b\ufeff"


def _clean(value):
    if isinstance(value, str):
        value = value.strip().strip("\u200b\ufeff").strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, bool):
        return value
    if value == "":
        return None
    return value


def read_book(data: bytes, max_bytes: int) -> Book:
    if len(data) > max_bytes:
        raise WorkbookError(f"文件过大（{_mb(len(data))} MB），上限为 {_mb(max_bytes)} MB。")
    kind = sniff(data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise WorkbookError(ENCRYPTED) from exc
    except Exception as exc:
        raise WorkbookError(CORRUPT) from exc
    sheets = []
    errors = _error_cells(kind, data)
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.height > MAX_ROWS:
                raise WorkbookError(f"工作表「{meta.name}」超过 {MAX_ROWS} 行，请拆分后分别上传。")
            grid = Grid(meta.name, [], list(sheet.merged_cell_ranges or []), errors=errors.get(meta.name, {}))
            for r, raw in enumerate(sheet.to_python(skip_empty_area=False)):
                # _clean inlined for the common cases: this runs for every cell of every sheet.
                row = [
                    (v.strip() or None) if v.__class__ is str else _clean(v) if v.__class__ is not int else v
                    for v in raw
                ]
                for c, value in enumerate(row):
                    if value.__class__ is str:
                        if len(value) > MAX_TEXT:
                            grid.too_long.add((r, c))
                            row[c] = None
                        elif value[0] in _INVISIBLE or value[-1] in _INVISIBLE:
                            row[c] = _clean(value)
                while row and row[-1] is None:
                    row.pop()
                grid.rows.append(row)
            sheets.append(grid)
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(CORRUPT) from exc
    finally:
        workbook.close()
    return Book(kind, sheets)


ERROR_CELL = "单元格是错误值 {}（公式无法计算或引用无效），请改为实际内容"


def cell_problem(grid: Grid, row: int, col: int) -> str | None:
    """Why a cell kept out of `rows` cannot be read (0-based), or None for a readable one."""
    if (row, col) in grid.too_long:
        return TOO_LONG
    if (row, col) in grid.errors:
        return ERROR_CELL.format(grid.errors[(row, col)])
    return None


_XLSX_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_XLSX_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_XLSX_CLOSE = re.compile(rb"</(?:\w+:)?c>")
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def _error_cells(kind: str, data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """sheet name → error cells. calamine has read the file already, so one our walker cannot
    follow is not refused for that: its errors go unseen, as before."""
    try:
        return biff.error_cells(data) if kind == "xls" else _xlsx_error_cells(data)
    except (biff.NotBiff, struct.error, zipfile.BadZipFile, KeyError, ValueError, IndexError):
        return {}


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _xlsx_error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    archive = zipfile.ZipFile(BytesIO(data))
    names = set(archive.namelist())
    result = {}
    for name, part in _sheet_parts(archive).items():
        if part not in names:
            continue
        xml = archive.read(part)
        if b't="e"' not in xml:
            continue
        cells = {}
        for match in _XLSX_CELL.finditer(xml):
            attributes = match[1]
            if b't="e"' not in attributes or not (ref := _XLSX_REF.search(attributes)):
                continue
            value = b""
            if not match[2]:
                close = _XLSX_CLOSE.search(xml, match.end())
                found = _XLSX_VALUE.search(xml, match.end(), close.start() if close else len(xml))
                value = found[1] if found else b""
            cells[(int(ref[2]) - 1, _column_index(ref[1]))] = value.decode("utf-8", "replace") or "#错误"
        if cells:
            result[name] = cells
    return result
