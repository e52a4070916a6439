"""The indicator workbook: one row per township and year, one column per raw indicator.

Reading is pure (cells → checked numbers and problems); `plan_values` matches the rows against
the registry and the stored values; `actions.do_import_values` writes all of them or none.
The export has the same layout as the template, so an exported file imports unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pingyi.lib import xlsx
from pingyi.lib.xlsx import CellProblem
from pingyi.org.models import Unit

from .models import DECIMAL_PLACES, MAX_DIGITS, Indicator, IndicatorValue

SHEET = "指标数据"
CODE, NAME, YEAR = "区划代码", "单位名称", "年度"
REQUIRED = [CODE, NAME, YEAR]
FIRST_YEAR = 2000
BLANKS = {"—", "-", "－", "/", "无"}
QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)
LIMIT = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES)
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"

INSTRUCTIONS = [
    "乡镇（街道）发展指标数据导入说明",
    "1. 每行填写一个乡镇（街道）一个年度的数据；「区划代码」「单位名称」「年度」必填，区划代码为12位数字。",
    "2. 每个指标一列，列名中括号内为计量单位；只填写原始数据，每万人口指标和各项比率由系统计算。",
    "3. 数值直接填写数字，不要填写公式；最多保留4位小数，多余部分四舍五入。空白单元格表示“不修改”，不会清除已有数据。",
    "4. 上传后系统先检查整个文件：任何一处有误，全部不导入，并逐条列出工作表、行号、列名和原因。",
    "5. 乡镇填报员导入的数据为“待审核”，经组织部审核后计入分析；组织部管理员导入的数据直接生效。",
]


def latest_year() -> int:
    return dt.date.today().year


def columns(indicators: list[Indicator]) -> list[xlsx.ColumnSpec]:
    specs = [
        xlsx.ColumnSpec(CODE, width=16, text=True, comment="12位统计用区划代码"),
        xlsx.ColumnSpec(NAME, width=16),
        xlsx.ColumnSpec(YEAR, width=8, comment="四位年份，例如 2025"),
    ]
    for indicator in indicators:
        note = "；".join(filter(None, [f"代码 {indicator.key}", indicator.note]))
        specs.append(
            xlsx.ColumnSpec(indicator.label, width=max(12, len(indicator.label) * 1.6), comment=note)
        )
    return specs


def raw_indicators() -> list[Indicator]:
    return list(Indicator.objects.active().stored())


def _cell(value: Decimal | None):
    if value is None:
        return None
    # Stored with four places; written as the plain number Excel shows (12 not 12.0000).
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def workbook(townships, year: int, *, with_values: bool) -> bytes:
    """The template (no values) or the export (the latest entered values) for one year."""
    indicators = raw_indicators()
    values = {}
    if with_values:
        rows = IndicatorValue.objects.filter(unit__in=townships, year=year, indicator__in=indicators)
        values = {(v.unit_id, v.indicator_id): v.value for v in rows}
    data = [[t.code, t.name, year, *[_cell(values.get((t.pk, i.pk))) for i in indicators]] for t in townships]
    return xlsx.write_workbook([xlsx.SheetSpec(SHEET, columns(indicators), data)], instructions=INSTRUCTIONS)


def parse_number(value, indicator: Indicator) -> tuple[Decimal | None, str | None]:
    """A cell or form field → (Decimal rounded to four places, or None for blank; problem)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"「{value}」不是数值"
    if isinstance(value, str):
        text = value.strip()
        if text in BLANKS or not text:
            return None, None
        text = re.sub(r"[,，\s]", "", text)
        if indicator.unit == "%" and text.endswith(("%", "％")):
            text = text[:-1]
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None, f"「{value}」不是数值"
    elif isinstance(value, int | float | Decimal):
        # str() of a float is its shortest exact spelling: 0.1 stays 0.1.
        number = Decimal(str(value))
    else:
        return None, f"「{value}」不是数值"
    if not number.is_finite():
        return None, f"「{value}」不是数值"
    if number < 0:
        return None, f"「{value}」不能为负数"
    if number >= LIMIT:
        return None, f"「{value}」超出可填写的范围"
    if indicator.unit == "%" and number > 100:
        return None, f"「{value}」是百分比，不能大于100"
    return number.quantize(QUANTUM, rounding=ROUND_HALF_UP), None


@dataclass
class ValueRow:
    row: int
    code: str
    name: str
    year: int | None
    values: dict[int, Decimal]  # indicator id → value; blank cells are absent


@dataclass
class ParsedValues:
    rows: list[ValueRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)  # the columns present
    problems: list[CellProblem] = field(default_factory=list)


def read_values(data: bytes, max_bytes: int) -> ParsedValues:
    """Raises xlsx.WorkbookError for a file that is not a usable indicator workbook at all."""
    indicators = raw_indicators()
    by_label = {i.label: i for i in indicators}
    sheets, problems = xlsx.read_workbook(
        data, required={SHEET: REQUIRED}, optional={SHEET: list(by_label)}, max_bytes=max_bytes
    )
    sheet = sheets[SHEET]
    present = [by_label[c] for c in sheet.columns if c in by_label]
    if not present:
        raise xlsx.WorkbookError(f"工作表「{SHEET}」中没有任何指标列。请使用系统下载的导入模板填写。")
    parsed = ParsedValues(indicators=present, problems=list(problems))
    flagged = {(p.sheet, p.row, p.column) for p in problems}

    def problem(row, column, reason):
        if (SHEET, row, column) not in flagged:
            parsed.problems.append(CellProblem(SHEET, row, column, reason))

    for number, cells in sheet.rows:
        code = "" if cells[CODE] is None else str(cells[CODE]).strip()
        if not code:
            problem(number, CODE, "必填，不能为空")
        elif not re.fullmatch(r"\d{12}", code):
            problem(number, CODE, f"「{code}」应为12位数字")
        name = "" if cells[NAME] is None else str(cells[NAME]).strip()
        if not name:
            problem(number, NAME, "必填，不能为空")
        year = _year(cells[YEAR], lambda reason, n=number: problem(n, YEAR, reason))
        values = {}
        for indicator in present:
            value, reason = parse_number(cells[indicator.label], indicator)
            if reason:
                problem(number, indicator.label, reason)
            elif value is not None:
                values[indicator.pk] = value
        _check_rates(values, present, lambda column, reason, n=number: problem(n, column, reason))
        parsed.rows.append(ValueRow(number, code, name, year, values))
    return parsed


def _year(value, problem) -> int | None:
    if value is None or value == "":
        problem("必填，不能为空")
        return None
    text = str(value).strip().removesuffix("年")
    if not re.fullmatch(r"\d{4}", text):
        problem(f"「{value}」应为四位年份，例如 2025")
        return None
    year = int(text)
    if not FIRST_YEAR <= year <= latest_year():
        problem(f"{year} 不在 {FIRST_YEAR}—{latest_year()} 之间")
        return None
    return year


def _check_rates(values: dict[int, Decimal], present: list[Indicator], problem) -> None:
    """A part cannot exceed its whole: 按期办结件数 ≤ 应按期办结件数 and the like."""
    by_pk = {i.pk: i for i in present}
    for derived in Indicator.objects.active().filter(derivation="rate"):
        part, whole = values.get(derived.numerator_id), values.get(derived.denominator_id)
        if part is not None and whole is not None and part > whole:
            problem(by_pk[derived.numerator_id].label, f"不能大于「{by_pk[derived.denominator_id].label}」")


@dataclass
class CellChange:
    row: int
    unit_id: int
    indicator_id: int
    year: int
    old: Decimal | None
    new: Decimal
    status: str


@dataclass
class ValuePlan:
    changes: list[CellChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    rows: int = 0
    labels: dict[int, str] = field(default_factory=dict)  # indicator id → column
    units: dict[int, str] = field(default_factory=dict)  # unit id → name

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict:
        return {s: sum(1 for c in self.changes if c.status == s) for s in (NEW, CHANGED, UNCHANGED)}

    def summary(self, limit: int = 500) -> dict:
        listed = [c for c in self.changes if c.status != UNCHANGED]
        return {
            "rows": self.rows,
            "counts": self.counts(),
            "problem_count": len(self.problems),
            "problems": [
                {"sheet": p.sheet, "row": p.row, "column": p.column, "reason": p.reason}
                for p in self.problems[:limit]
            ],
            "change_count": len(listed),
            "changes": [
                {"row": c.row, "unit": self.units[c.unit_id], "year": c.year,
                 "indicator": self.labels[c.indicator_id], "status": c.status,
                 "old": _shown(c.old), "new": _shown(c.new)}
                for c in listed[:limit]
            ],
        }  # fmt: skip


def _shown(value: Decimal | None) -> str:
    if value is None:
        return ""
    normal = value.normalize()
    return f"{normal:f}"


def plan_values(parsed: ParsedValues, editable_townships) -> ValuePlan:
    """`editable_townships`: the township-level units the user may enter values for."""
    plan = ValuePlan(problems=list(parsed.problems), rows=len(parsed.rows))
    plan.labels = {i.pk: i.label for i in parsed.indicators}
    codes = {r.code for r in parsed.rows if r.code}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    editable = set(editable_townships.filter(code__in=codes).values_list("pk", flat=True))
    seen: dict[tuple[int, int], int] = {}
    good_rows = []
    for row in parsed.rows:

        def problem(column, reason, row=row):
            plan.problems.append(CellProblem(SHEET, row.row, column, reason))

        unit = units.get(row.code)
        if row.code and unit is None:
            problem(CODE, f"系统中没有区划代码为 {row.code} 的单位")
            continue
        if unit is None:
            continue
        if not unit.is_township:
            problem(CODE, f"「{unit.name}」是{unit.kind}级单位，只能填报乡镇（街道）的数据")
            continue
        if unit.pk not in editable:
            problem(CODE, f"「{unit.name}」不在您的填报范围内")
            continue
        if row.name and row.name != unit.name:
            problem(NAME, f"「{row.name}」与区划代码 {row.code} 的单位「{unit.name}」不符")
        if row.year is None:
            continue
        key = (unit.pk, row.year)
        if key in seen:
            problem(YEAR, f"与第{seen[key]}行重复（同一单位同一年度）")
            continue
        seen[key] = row.row
        plan.units[unit.pk] = unit.name
        good_rows.append((row, unit))
    current = {}
    for year, unit_ids in _batches(good_rows):
        for v in IndicatorValue.objects.filter(unit_id__in=unit_ids, year=year):
            current[(v.unit_id, v.indicator_id, year)] = v.value
    for row, unit in good_rows:
        for indicator_id, value in row.values.items():
            key = (unit.pk, indicator_id, row.year)
            status = NEW if key not in current else UNCHANGED if current[key] == value else CHANGED
            plan.changes.append(
                CellChange(row.row, unit.pk, indicator_id, row.year, current.get(key), value, status)
            )
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _batches(rows):
    by_year: dict[int, list[int]] = {}
    for row, unit in rows:
        by_year.setdefault(row.year, []).append(unit.pk)
    return by_year.items()
