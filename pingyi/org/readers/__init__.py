"""Rosters in the layouts real organisation departments hold, read into the rows the planner knows.

Each layout is recognised by itself (docs/spec/roster.md, "Other layouts"):

- `own`: our template and export (.xlsx with sheets 单位 and 干部名册, header in row 1),
  known by its two sheets and read strictly by `roster.read_roster` (openpyxl, which
  alone tells formula and error cells apart);
- `block`: the vendor's 干部名册 (.xls or .xlsx), a block per unit under a title row;
- `flat`: any one-sheet list with a 单位 (or 现工作单位及职务全称) column;
- `extract`: the 干部大数据信息提取表 V2018.11 (A01人员, A02职务, A08学历学位, A15考核).

Pure: no database. The organizer may correct how columns were placed
(`overrides`: sheet -> column letter -> our column, "" to leave it out).
"""

from __future__ import annotations

from pingyi.lib import gcpause
from pingyi.lib import grid as grids
from pingyi.lib.xlsx import WorkbookError, sheet_names

from ..roster import CADRE_SHEET, UNIT_SHEET, ParsedRoster, read_roster
from . import extract, lrmx, vendor
from .columns import LOOKUP, SYNONYMS, SheetMapping, apply_overrides, duplicates, find_header

LAYOUTS = {
    "own": "本系统名册模板（单位、干部名册两个工作表）",
    "block": "干部名册（干部管理信息系统导出，按单位分块）",
    "flat": "干部名册（一览表，含单位列）",
    "extract": "干部大数据信息提取表（V2018.11）",
    "lrmx": "干部任免审批表（.lrmx）",
}
SHEET_REQUIRED = ["姓名", "性别", "民族", "出生年月", "现任职务", "任现职时间"]
# The columns an organizer may assign a file's column to, per layout.
CADRE_TARGETS = list(SYNONYMS)
UNRECOGNISED = (
    "未能识别该工作簿的格式：没有找到含「姓名」「现任职务」等列的表头。"
    "系统可读取本系统模板、干部管理信息系统导出的干部名册（.xls）和干部大数据信息提取表。"
)


def targets(layout: str, sheet: str) -> list[str]:
    if layout == "extract":
        return list(dict.fromkeys(extract.LOOKUPS.get(_extract_sheet(sheet), LOOKUP).values()))
    return CADRE_TARGETS


def _extract_sheet(name: str) -> str:
    wanted = grids.normal_sheet_name(name)
    return next((s for s in extract.SHEETS if s == wanted), name)


@gcpause.paused()
def read_any(data: bytes, max_bytes: int, overrides: dict | None = None) -> ParsedRoster:
    """Raises WorkbookError for a file that is no roster in any layout we know."""
    overrides = overrides or {}
    if lrmx.is_lrmx_batch(data):
        return lrmx.read_lrmx(lrmx.unzip("上传的文件", data, prefix=False))
    # Our own layout is known by its two sheets, without reading the cells twice.
    if {UNIT_SHEET, CADRE_SHEET} <= set(sheet_names(data)):
        parsed = read_roster(data, max_bytes)
        parsed.layout = "own"
        return parsed
    book = grids.read_book(data, max_bytes)
    parsed, mappings = ParsedRoster(sheet_order=[]), []
    try:
        _read_other(book, overrides, parsed, mappings)
    except WorkbookError as exc:
        if not mappings:
            raise
        raise MappingError(str(exc), parsed.layout, mappings) from exc
    parsed.mappings = [m.as_json() for m in mappings]
    parsed.sheet_order = [m.sheet for m in mappings]
    if not parsed.cadres and not parsed.problems:
        raise WorkbookError("工作簿中没有任何干部数据行。")
    return parsed


class MappingError(WorkbookError):
    """The file's columns do not make a roster as placed; the user may correct the placement."""

    correctable = True

    def __init__(self, message: str, layout: str, mappings: list[SheetMapping]):
        super().__init__(message)
        self.details = {"layout": layout, "mappings": [m.as_json() for m in mappings]}

    def __reduce__(self):
        # Read in a child process (lib/bounded), it must cross back whole.
        return _mapping_error, (str(self), self.details)


def _mapping_error(message: str, details: dict) -> MappingError:
    error = MappingError(message, details["layout"], [])
    error.details = details
    return error


def _read_other(book: grids.Book, overrides: dict, parsed: ParsedRoster, mappings: list) -> None:
    if extract.is_extract(book):
        parsed.layout = "extract"
        parsed.cadres = extract.read_extract(book, overrides, parsed.problems, mappings)
        return
    for sheet in book.sheets:
        mapping = find_header(sheet)
        if mapping is None:
            continue
        apply_overrides(mapping, overrides.get(sheet.name), set(CADRE_TARGETS))
        mappings.append(mapping)
        placed = mapping.positions()
        parsed.layout = "flat" if "单位" in placed or "现工作单位及职务" in placed else "block"
        if twice := duplicates(mapping):
            raise WorkbookError(f"工作表「{sheet.name}」中" + "；".join(twice) + "，请修正列的对应关系。")
        missing = [c for c in SHEET_REQUIRED if c not in placed]
        if parsed.layout == "flat" and "现工作单位及职务" in placed:
            missing = [c for c in missing if c != "现任职务"]
        if missing:
            raise WorkbookError(f"工作表「{sheet.name}」缺少列" + "".join(f"「{c}」" for c in missing) + "。")
        if parsed.layout == "flat":
            parsed.cadres = vendor.read_flat(sheet, mapping, parsed.problems)
        else:
            parsed.cadres = vendor.read_blocks(sheet, mapping, parsed.problems)
        return
    raise WorkbookError(UNRECOGNISED)
