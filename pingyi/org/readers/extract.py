"""The 干部大数据信息提取表 (V2018.11): one sheet per record set, joined by 身份证号.

`A01人员` gives the person, `A02职务` the posts (在任 ones are the current posts;
their 任职机构名称 is the unit), `A08学历学位` the education (the highest of each
教育类别), `A15考核` the yearly appraisals. Each sheet has a merged title row
above its header. A person is joined by 身份证号, or by 姓名 when a sheet leaves
the number out. `B01单位` describes the units with the vendor's own codes; the
units themselves come from our registry, so it is not read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from pingyi.lib import yearmonth
from pingyi.lib.grid import Book, Grid, cell_problem
from pingyi.lib.xlsx import CellProblem, WorkbookError

from ..roster import CadreRow, FormerPost, cadre_row
from ..vocab import education_from_text, is_party_school
from .columns import LOOKUP, SheetMapping, apply_overrides, duplicates, find_header

PERSON, POSTS, EDUCATION, APPRAISALS = "A01人员", "A02职务", "A08学历学位", "A15考核"
SHEETS = [PERSON, POSTS, EDUCATION, APPRAISALS]

_COMMON = {"姓名": "姓名", "身份证号": "身份证号", "身份证号码": "身份证号", "公民身份号码": "身份证号"}
LOOKUPS = {
    PERSON: LOOKUP,
    POSTS: {**_COMMON, "任职机构名称": "任职机构名称", "任职机构": "任职机构名称", "职务名称": "职务名称",
            "任职时间": "任职时间", "任职日期": "任职时间", "任职状态": "任职状态", "免职时间": "免职时间"},
    EDUCATION: {**_COMMON, "学历名称": "学历", "学历": "学历", "学位名称": "学位", "学位": "学位",
                "教育类别": "教育类别", "学校名称": "院校", "毕业院校": "院校", "学校单位名称": "院校",
                "毕业学校": "院校", "所学专业名称": "专业", "所学专业": "专业", "专业": "专业"},
    APPRAISALS: {**_COMMON, "考核结论": "考核结论", "考核结果": "考核结论", "考核年度": "考核年度",
                 "年度": "考核年度"},
}  # fmt: skip
REQUIRED = {
    PERSON: ["姓名", "性别", "民族", "出生年月"],
    POSTS: ["姓名", "任职机构名称", "职务名称", "任职时间", "任职状态"],
    EDUCATION: ["姓名", "学历", "教育类别"],
    APPRAISALS: ["姓名", "考核结论", "考核年度"],
}


_YEAR = re.compile(r"^\s*(\d{4})")


def is_extract(book: Book) -> bool:
    return book.sheet(PERSON) is not None


def _sheet_rows(grid: Grid, mapping: SheetMapping, problems: list, flagged: set) -> list[tuple[int, dict]]:
    """(Excel row number, placed column -> value) of every row holding anything in a placed column,
    or an unreadable cell there (reported here, once)."""
    positions = list(mapping.positions().items())
    if not positions:
        return []
    names = [column for column, _ in positions]
    first = mapping.header_last
    body = grid.rows[first:]
    # Tens of thousands of rows: taken a column at a time (one comprehension each, short rows
    # padded) and put together a row at a time by zip, in C.
    columns = [[row[col] if col < len(row) else None for row in body] for _, col in positions]
    unreadable = _unreadable(grid, first, positions, problems, flagged)
    width = len(names)
    return [
        (first + 1 + i, dict(zip(names, values, strict=True)))
        for i, values in enumerate(zip(*columns, strict=True))
        if values.count(None) < width or i in unreadable
    ]


def _unreadable(grid: Grid, first: int, positions: list, problems: list, flagged: set) -> set[int]:
    """Report the placed cells below the header that could not be read (too long, an error value),
    row by row in the order of the columns; return their rows (0-based, counted from `first`)."""
    if not grid.too_long and not grid.errors:
        return set()
    order = {col: k for k, (_, col) in enumerate(positions)}
    cells = sorted(
        {
            (r, order[c], c)
            for r, c in (*grid.too_long, *grid.errors)
            if first <= r < len(grid.rows) and c in order
        }
    )
    rows = set()
    for r, k, col in cells:
        column = positions[k][0]
        problems.append(CellProblem(grid.name, r + 1, column, cell_problem(grid, r, col)))
        flagged.add((grid.name, r + 1, column))
        rows.add(r - first)
    return rows


def _key(cells: dict):
    number = str(cells.get("身份证号") or "").strip().upper()
    return number or ("name", str(cells.get("姓名") or "").strip())


def _mapping(book: Book, sheet: str, overrides: dict, seen: list) -> tuple[Grid | None, SheetMapping | None]:
    grid = book.sheet(sheet)
    if grid is None:
        return None, None
    lookup = LOOKUPS[sheet]
    mapping = find_header(grid, needed=("姓名",), lookup=lookup, minimum=2)
    if mapping is None:
        raise WorkbookError(f"工作表「{grid.name}」的前几行中找不到表头（应有「姓名」等列）。")
    apply_overrides(mapping, overrides.get(grid.name), set(lookup.values()))
    seen.append(mapping)
    if twice := duplicates(mapping):
        raise WorkbookError(f"工作表「{grid.name}」中" + "；".join(twice) + "，请修正列的对应关系。")
    missing = [c for c in REQUIRED[sheet] if c not in mapping.positions()]
    if missing:
        raise WorkbookError(f"工作表「{grid.name}」缺少列" + "".join(f"「{c}」" for c in missing) + "。")
    return grid, mapping


def read_extract(book: Book, overrides: dict, problems: list, mappings: list) -> list[CadreRow]:
    """`mappings` receives each sheet's column placement as it is found, so that a file refused
    for its columns can still show how they were placed."""
    grids = {}
    for sheet in SHEETS:
        grid, mapping = _mapping(book, sheet, overrides, mappings)
        if grid is not None:
            grids[sheet] = (grid, mapping)
    by_sheet = {sheet: defaultdict(list) for sheet in SHEETS[1:]}
    people = {}
    person_grid, person_mapping = grids[PERSON]
    flagged: set = set()  # cells already refused (an error value, too long): one message each
    person_rows = _sheet_rows(person_grid, person_mapping, problems, flagged)
    person_keys = [_key(cells) for _, cells in person_rows]
    for (number, _cells), key in zip(person_rows, person_keys, strict=True):
        if key in people:
            problems.append(CellProblem(person_grid.name, number, "身份证号", f"与第{people[key]}行是同一人"))
        else:
            people[key] = number
    for sheet in SHEETS[1:]:
        if sheet not in grids:
            continue
        grid, mapping = grids[sheet]
        for number, cells in _sheet_rows(grid, mapping, problems, flagged):
            key = _key(cells)
            if key not in people:
                who = cells.get("身份证号") or cells.get("姓名") or "（空）"
                problems.append(
                    CellProblem(grid.name, number, "姓名", f"「{who}」不在「{person_grid.name}」中")
                )
                continue
            by_sheet[sheet][key].append((number, cells))
    names = {sheet: grids[sheet][0].name for sheet in grids}
    rows = []
    this_month = yearmonth.month_start(dt.date.today())
    for (number, cells), key in zip(person_rows, person_keys, strict=True):
        if people[key] != number:
            continue
        related = {s: by_sheet[s][key] for s in SHEETS[1:]}
        rows.append(_person(names, number, cells, related, problems, flagged, this_month))
    return rows


def _person(
    names: dict, number: int, cells: dict, related: dict, problems: list, flagged: set, this_month: dt.date
) -> CadreRow:
    person = names[PERSON]
    cells = dict(cells)
    where = {}
    # Current posts: 在任 (or no 状态 and no 免职时间).
    current = [
        (n, c)
        for n, c in related[POSTS]
        if str(c.get("任职状态") or "").strip() == "在任" or (not c.get("任职状态") and not c.get("免职时间"))
    ]
    organs = []
    if current:
        for _n, c in current:
            organ = str(c.get("任职机构名称") or "").strip()
            if organ and organ not in organs:
                organs.append(organ)
        latest = max(current, key=lambda nc: str(nc[1].get("任职时间") or ""))
        cells["现任职务"] = "、".join(str(c.get("职务名称") or "") for _, c in current)
        cells["任现职时间"] = latest[1].get("任职时间")
        cells["单位"] = organs[0] if organs else None
        where["现任职务"] = (names[POSTS], current[0][0], "职务名称")
        where["任现职时间"] = (names[POSTS], latest[0], "任职时间")
        where["单位"] = (names[POSTS], current[0][0], "任职机构名称")
    post_text = ""
    if not current:
        post_text = str(cells.get("现工作单位及职务") or "").strip()
        if post_text:
            cells["单位"], cells["现任职务"] = "-", "-"
        for column in ("单位", "现任职务", "任现职时间"):
            where[column] = (person, number, f"{column}（「{names.get(POSTS, POSTS)}」中无在任职务）")
    by_category = {"全日制": [], "在职": []}
    for nc in related[EDUCATION]:
        by_category["全日制" if "全日制" in str(nc[1].get("教育类别") or "") else "在职"].append(nc)
    for category, rows in by_category.items():
        if not rows:
            continue
        n, best = max(rows, key=_level)
        cells[f"{category}学历"] = best.get("学历")
        cells[f"{category}学位"] = best.get("学位")
        school = " ".join(str(best[k]) for k in ("院校", "专业") if best.get(k))
        cells[f"{category}毕业院校及专业"] = school or None
        for suffix, column in (("学历", "学历"), ("学位", "学位"), ("毕业院校及专业", "院校")):
            where[f"{category}{suffix}"] = (names[EDUCATION], n, column)
    row = cadre_row(person, number, cells, problems, where=where, flagged=flagged)
    if post_text:
        row.unit_ref, row.titles, row.post_text = "", [], post_text
        row.unit_where = (person, number, "现工作单位及职务全称")
    else:
        row.unit_alternatives = organs[1:]
        row.unit_where = where.get("单位", (person, number, "任职机构名称"))
    if POSTS in names:
        row.former_posts = _former_posts(
            names[POSTS], related[POSTS], _Unflagged(problems, flagged), this_month
        )
    if APPRAISALS in names:
        problems = _Unflagged(problems, flagged)
        row.assessments = []
        seen = {}
        for n, c in related[APPRAISALS]:
            year = _YEAR.match(str(c.get("考核年度") or ""))
            result = str(c.get("考核结论") or "").strip()
            if not year:
                problems.append(CellProblem(names[APPRAISALS], n, "考核年度", "应为四位年份，例如 2023"))
            elif not result:
                problems.append(CellProblem(names[APPRAISALS], n, "考核结论", "必填，不能为空"))
            elif len(result) > 20:
                problems.append(CellProblem(names[APPRAISALS], n, "考核结论", "超过20个字符"))
            elif int(year[1]) in seen:
                problems.append(
                    CellProblem(names[APPRAISALS], n, "考核年度", f"与第{seen[int(year[1])]}行年度重复")
                )
            else:
                seen[int(year[1])] = n
                row.assessments.append((int(year[1]), result))
        row.assessments.sort()
    return row


def _level(nc) -> int:
    """How high an A08 row's 学历 is: the closed list's order, a 党校 wording we cannot place just
    above nothing."""
    text = str(nc[1].get("学历") or "")
    return education_from_text(text) or (0 if not is_party_school(text) else 1)


class _Unflagged(list):
    """The problems list, taking no second message for a cell already refused."""

    def __init__(self, problems: list, flagged: set):
        super().__init__()
        self.problems, self.flagged = problems, flagged

    def append(self, problem: CellProblem) -> None:
        if (problem.sheet, problem.row, problem.column) not in self.flagged:
            self.problems.append(problem)


def _is_former(cells: dict) -> bool:
    status = str(cells.get("任职状态") or "").strip()
    return status == "已免" or (not status and bool(cells.get("免职时间")))


def _former_posts(sheet: str, rows: list, problems: list, this_month: dt.date) -> list[FormerPost]:
    """The 已免 rows (or those with a 免职时间 and no 状态) as ended posts. A row without its
    免职时间 is left out: an end month would be a guess, and the 简历 keeps the career."""
    result = []
    for n, c in rows:
        if not _is_former(c) or c.get("免职时间") in (None, ""):
            continue
        organ, title = str(c.get("任职机构名称") or "").strip(), str(c.get("职务名称") or "").strip()
        dates = {}
        for column in ("任职时间", "免职时间"):
            value = c.get(column)
            if value is None or str(value).strip() == "":
                problems.append(CellProblem(sheet, n, column, "必填，不能为空（已免职务）"))
                continue
            try:
                dates[column] = yearmonth.parse_lenient(value)
            except yearmonth.YearMonthError as exc:
                problems.append(CellProblem(sheet, n, column, str(exc)))
        for column, text, limit in (("任职机构名称", organ, 100), ("职务名称", title, 60)):
            if not text:
                problems.append(CellProblem(sheet, n, column, "必填，不能为空（已免职务）"))
            elif len(text) > limit:
                problems.append(CellProblem(sheet, n, column, f"超过{limit}个字符"))
        if len(dates) < 2 or not organ or not title or len(organ) > 100 or len(title) > 60:
            continue
        start, end = dates["任职时间"], dates["免职时间"]
        if end < start:
            problems.append(
                CellProblem(sheet, n, "免职时间", f"{yearmonth.fmt(end)} 早于任职时间 {yearmonth.fmt(start)}")
            )
        elif end > this_month:
            problems.append(
                CellProblem(sheet, n, "免职时间", f"{yearmonth.fmt(end)} 晚于本月，已免职务应已结束")
            )
        else:
            result.append(FormerPost(organ, title, start, end, (sheet, n, "任职机构名称")))
    return result
