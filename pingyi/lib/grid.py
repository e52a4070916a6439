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
import zipfile
from dataclasses import dataclass, field
from io import BytesIO

import python_calamine

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
    WORD,
    WorkbookError,
    _mb,
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
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.height > MAX_ROWS:
                raise WorkbookError(f"工作表「{meta.name}」超过 {MAX_ROWS} 行，请拆分后分别上传。")
            grid = Grid(meta.name, [], list(sheet.merged_cell_ranges or []))
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
