"""Header names as real rosters write them, and where the header is.

A header cell is compared after removing every space and line break, `*`
(required marks) and bracketed remarks (`（未核对原件）`), and is then looked up
among our column names and their synonyms. The header is the first of the
first rows that names enough known columns; a group cell merged across
columns over a second header row (全日制教育 over 学历 | 毕业院校及专业) names
its columns together with the row below (全日制学历, 全日制毕业院校及专业).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from pingyi.lib.grid import Grid

HEADER_SCAN_ROWS = 12

_REMARK = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_NOISE = re.compile(r"[\s\u3000*＊:：]")


def normal(text) -> str:
    """`姓  名`, `出生\\n年月`, `*身份证号（未核对原件）` → 姓名, 出生年月, 身份证号."""
    if text is None:
        return ""
    text = _REMARK.sub("", str(text))
    return _NOISE.sub("", text).strip("\u200b\ufeff")


# Our column → the other names real files give it (normalised).
SYNONYMS = {
    "姓名": ["姓名"],
    "性别": ["性别"],
    "民族": ["民族"],
    "出生年月": ["出生年月", "出生日期", "出生年月日", "出生时间"],
    "籍贯": ["籍贯"],
    "政治面貌": ["政治面貌"],
    "入党时间": ["入党时间", "入党日期", "入党年月"],
    "参加工作时间": ["参加工作时间", "参加工作日期", "参加工作年月", "工作时间"],
    "全日制学历": ["全日制学历", "全日制教育学历", "全日制学历学位"],
    "全日制学位": ["全日制学位", "全日制教育学位"],
    "全日制毕业院校及专业": ["全日制毕业院校及专业", "全日制毕业院校系及专业", "全日制教育毕业院校及专业",
                             "全日制毕业院校", "全日制院校及专业"],
    "在职学历": ["在职学历", "在职教育学历", "在职学历学位"],
    "在职学位": ["在职学位", "在职教育学位"],
    "在职毕业院校及专业": ["在职毕业院校及专业", "在职毕业院校系及专业", "在职教育毕业院校及专业",
                           "在职毕业院校", "在职院校及专业"],
    "单位": ["单位", "工作单位", "所在单位", "现工作单位"],
    "现任职务": ["现任职务", "职务", "现职务", "现任职务名称"],
    "现工作单位及职务": ["现工作单位及职务全称", "现工作单位及职务", "工作单位及职务", "现任职务全称",
                         "单位及职务"],
    "任现职时间": ["任现职时间", "任现职务时间", "现职时间", "任职时间"],
    "身份证号": ["身份证号", "身份证号码", "证件号码", "公民身份号码", "公民身份证号码", "身份证"],
    "简历": ["简历"],
}  # fmt: skip
LOOKUP = {name: column for column, names in SYNONYMS.items() for name in names}


@dataclass
class Column:
    index: int  # 0-based
    header: str  # the file's text, group and sub-header joined by a space
    column: str  # our column, "" when not placed

    @property
    def letter(self) -> str:
        return get_column_letter(self.index + 1)


@dataclass
class SheetMapping:
    sheet: str
    header_first: int  # Excel row numbers
    header_last: int
    columns: list[Column] = field(default_factory=list)

    def positions(self) -> dict[str, int]:
        return {c.column: c.index for c in self.columns if c.column}

    def as_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "header_rows": [self.header_first, self.header_last],
            "columns": [{"letter": c.letter, "header": c.header, "column": c.column} for c in self.columns],
        }


def place(text: str, lookup=LOOKUP) -> str:
    return lookup.get(normal(text), "")


def _merged_over(grid: Grid, row: int) -> dict[int, tuple[int, int, int]]:
    """Columns covered by a merged range that starts in `row`: col -> (first_col, last_col, last_row)."""
    covered = {}
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 == row:
            for c in range(c0, c1 + 1):
                covered[c] = (c0, c1, r1)
    return covered


def _group_name(group: str, sub: str) -> str:
    """全日制教育 over 学历 → 全日制学历; 学历学位 over 全日制教育 → 全日制学历学位 (both orders occur)."""
    group, sub = normal(group).removesuffix("教育"), normal(sub)
    if sub.removesuffix("教育") in ("全日制", "在职"):
        return sub.removesuffix("教育") + group
    return group + sub


def header_at(grid: Grid, row: int, lookup=LOOKUP) -> SheetMapping:
    """The columns of a header starting in `row` (0-based), with a second row when it has groups."""
    merged = _merged_over(grid, row)
    width = len(grid.rows[row]) if row < len(grid.rows) else 0
    two_rows = any(c1 > c0 for c0, c1, _ in merged.values()) or any(r1 > row for _, _, r1 in merged.values())
    sub_row = row + 1 if two_rows and row + 1 < len(grid.rows) else None
    if sub_row is not None:
        width = max(width, len(grid.rows[sub_row]))
    mapping = SheetMapping(grid.name, row + 1, (sub_row if sub_row is not None else row) + 1)
    for col in range(width):
        c0, c1, _ = merged.get(col, (col, col, row))
        top = grid.cell(row, c0)
        sub = grid.cell(sub_row, col) if sub_row is not None else None
        if sub is not None and c1 > c0:
            header = f"{normal(top)} {normal(sub)}"
            column = lookup.get(_group_name(top, sub), "") or place(sub, lookup)
        elif top is not None and c0 == col:
            header = str(top)
            column = place(top, lookup)
        elif sub is not None:
            header = str(sub)
            column = place(sub, lookup)
        else:
            continue
        mapping.columns.append(Column(col, " ".join(str(header).split()), column))
    return mapping


def find_header(grid: Grid, needed=("姓名",), lookup=LOOKUP, minimum=3) -> SheetMapping | None:
    """The first row of the first rows that places `needed` and at least `minimum` columns."""
    for row in range(min(HEADER_SCAN_ROWS, len(grid.rows))):
        if not any(grid.rows[row]):
            continue
        # The needed columns are named in the row itself, not only below a title merged over it.
        if not all(n in {place(v, lookup) for v in grid.rows[row]} for n in needed):
            continue
        mapping = header_at(grid, row, lookup)
        placed = {c.column for c in mapping.columns if c.column}
        if all(n in placed for n in needed) and len(placed) >= minimum:
            return mapping
    return None


def apply_overrides(mapping: SheetMapping, overrides: dict[str, str] | None, known) -> None:
    """The organizer's corrections: column letter -> our column ("" to leave the column out)."""
    if not overrides:
        return
    for column in mapping.columns:
        if column.letter in overrides:
            wanted = overrides[column.letter]
            column.column = wanted if wanted in known else ""


def duplicates(mapping: SheetMapping) -> list[str]:
    seen, twice = {}, []
    for c in mapping.columns:
        if c.column and c.column in seen:
            twice.append(f"列「{c.column}」出现了两次（{seen[c.column]} 列和 {c.letter} 列）")
        elif c.column:
            seen[c.column] = c.letter
    return twice
