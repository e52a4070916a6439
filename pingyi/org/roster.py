"""The roster workbook (spec/roster.md): its columns, and rows read into checked values.

Reading is pure (no database); `roster_plan` matches the rows against the
registry and `actions.do_import_roster` writes them.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from pingyi.lib import xlsx, yearmonth

from . import idcard
from .vocab import (
    ETHNIC_GROUPS,
    POLITICAL_STATUSES,
    POLITICAL_SYNONYMS,
    Degree,
    Education,
    Gender,
    UnitKind,
    degree_from_text,
    education_from_text,
    is_party_school,
)

UNIT_SHEET = "单位"
CADRE_SHEET = "干部名册"
TITLE_SEPARATOR = "、"

EDUCATION_LABELS = [c.label for c in reversed(Education)]
DEGREE_LABELS = [c.label for c in reversed(Degree)]
C = xlsx.ColumnSpec
YM = "格式 YYYY.MM，例如 1968.07"

UNIT_COLUMNS = [
    C("区划代码", width=16, text=True, comment="12位统计用区划代码"),
    C("单位名称", width=16),
    C("类型", width=8, choices=list(UnitKind.values)),
    C("上级区划代码", width=16, text=True, comment="市级单位留空"),
    C("常住人口", width=12),
]
UNIT_REQUIRED = ["区划代码", "单位名称", "类型", "上级区划代码"]

CADRE_COLUMNS = [
    C("姓名", width=10),
    C("性别", width=6, choices=list(Gender.values)),
    C("民族", width=8, choices=ETHNIC_GROUPS),
    C("出生年月", width=10, text=True, comment=YM),
    C("籍贯", width=12),
    C("政治面貌", width=12, choices=POLITICAL_STATUSES),
    C("入党时间", width=10, text=True, comment=YM),
    C("参加工作时间", width=12, text=True, comment=YM),
    C("全日制学历", width=12, choices=EDUCATION_LABELS),
    C("全日制学位", width=10, choices=DEGREE_LABELS),
    C("全日制毕业院校及专业", width=24),
    C("在职学历", width=12, choices=EDUCATION_LABELS),
    C("在职学位", width=10, choices=DEGREE_LABELS),
    C("在职毕业院校及专业", width=24),
    C("单位", width=16, comment="单位名称；重名时写作 上级名称/名称，例如 东城区/青山镇"),
    C("现任职务", width=18, comment="多个职务用顿号（、）分隔"),
    C("任现职时间", width=10, text=True, comment=YM),
    C("身份证号", width=20, text=True),
    C("简历", width=60, wrap=True, comment="每行一段：YYYY.MM--YYYY.MM  单位职务；现职止时间留空"),
]
# Django's Choices.values builds a new list at every call; a row check asks for them each row.
GENDERS = list(Gender.values)
UNIT_KINDS = list(UnitKind.values)

CADRE_REQUIRED = ["姓名", "性别", "民族", "出生年月", "单位", "现任职务", "任现职时间"]


def _optional(columns, required):
    return [c.name for c in columns if c.name not in required]


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    population: int | None


@dataclass
class CadreRow:
    row: int
    values: dict  # Cadre field name -> value, as the model stores it
    unit_ref: str
    titles: list[str]
    post_start: dt.date
    sheet: str = CADRE_SHEET
    # Where a problem with the unit is reported: (sheet, row, column) when not this row's 单位 cell.
    unit_where: tuple[str, int, str] | None = None
    # Other names of the same unit (a block title's full name): all that match must agree.
    unit_alternatives: list[str] = field(default_factory=list)
    # False for a block title, whose other cells may say anything (干部名册, a date).
    unit_alternatives_required: bool = True
    # 东城区青山镇党委书记、镇长: unit and titles in one text, split against the registry.
    post_text: str = ""
    # (year, result) of 年度考核, or None when the file says nothing about them.
    assessments: list[tuple[int, str]] | None = None
    # A 任免审批表's photo and family (readers.lrmx.LrmxRow), None for other layouts.
    lrmx: object = None
    # Posts held before, with their 免职 month (the 信息提取表's 已免 A02 rows).
    former_posts: list["FormerPost"] = field(default_factory=list)


@dataclass
class FormerPost:
    """A post that has ended: its organ is matched against the registry like a current unit."""

    unit_ref: str
    title: str
    start: dt.date
    end: dt.date
    where: tuple[str, int, str]  # (sheet, row, column) of the organ, for a problem with the unit


@dataclass
class ParsedRoster:
    units: list[UnitRow] = field(default_factory=list)
    cadres: list[CadreRow] = field(default_factory=list)
    problems: list[xlsx.CellProblem] = field(default_factory=list)
    layout: str = "own"  # readers.LAYOUTS
    # Per sheet read: how its columns were placed (readers.SheetMapping), for the preview.
    mappings: list = field(default_factory=list)
    sheet_order: list[str] = field(default_factory=lambda: [UNIT_SHEET, CADRE_SHEET])


class _Row:
    """Reads one sheet row, collecting a problem per bad cell instead of stopping."""

    def __init__(
        self, sheet: str, number: int, cells: dict, problems: list, flagged: set, *, where=None, lenient=False
    ):
        self.sheet, self.number, self.cells, self.problems = sheet, number, cells, problems
        self.flagged = flagged
        # column -> (sheet, row, column) for a value taken from another sheet (信息提取表).
        self.where = where or {}
        # Real rosters write 197001, 19700115 and typed numbers such as 1970.01.
        self.lenient = lenient

    def problem(self, column: str, reason: str):
        sheet, number, shown_column = self.where.get(column, (self.sheet, self.number, column))
        # A cell the reader already refused (a formula, say) gets one message, not two.
        if (sheet, number, shown_column) not in self.flagged:
            self.problems.append(xlsx.CellProblem(sheet, number, shown_column, reason))

    def text(self, column: str, required=False, max_length=100) -> str:
        value = self.cells.get(column)
        # Most cells are text or empty: those first (this runs for every cell of every row).
        if value.__class__ is str:
            text = value.strip()
        elif value is None:
            text = ""
        elif isinstance(value, dt.date):  # a datetime too
            text = yearmonth.fmt(value)
        else:
            text = str(value).strip()
        if required and not text:
            self.problem(column, "必填，不能为空")
        elif len(text) > max_length:
            self.problem(column, f"超过{max_length}个字符")
        return text

    def choice(self, column: str, allowed, synonyms=None, required=False) -> str:
        text = self.text(column, required)
        text = (synonyms or {}).get(text, text)
        if text and text not in allowed:
            shown = "、".join(allowed) if len(allowed) <= 15 else "下拉列表中的值"
            self.problem(column, f"「{text}」不是有效值，应为{shown}")
        return text

    def month(self, column: str, required=False) -> dt.date | None:
        value = self.cells.get(column)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(column, "必填，不能为空")
            return None
        try:
            return yearmonth.parse_lenient(value) if self.lenient else yearmonth.parse(value)
        except yearmonth.YearMonthError as exc:
            self.problem(column, str(exc))
            return None

    def code(self, column: str, required=False) -> str:
        value = self.cells.get(column)
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.problem(column, "必填，不能为空")
        elif text and not re.fullmatch(r"\d{12}", text):
            self.problem(column, f"「{text}」应为12位数字")
        return text


def read_roster(data: bytes, max_bytes: int) -> ParsedRoster:
    """Raises xlsx.WorkbookError for a file that is not a usable roster at all."""
    sheets, problems = xlsx.read_workbook(
        data,
        required={UNIT_SHEET: UNIT_REQUIRED, CADRE_SHEET: CADRE_REQUIRED},
        optional={
            UNIT_SHEET: _optional(UNIT_COLUMNS, UNIT_REQUIRED),
            CADRE_SHEET: _optional(CADRE_COLUMNS, CADRE_REQUIRED),
        },
        max_bytes=max_bytes,
    )
    parsed = ParsedRoster(problems=list(problems))
    parsed.mappings = [
        {
            "sheet": name,
            "header_rows": [1, 1],
            "columns": [
                {"letter": get_column_letter(sheet.positions[c] + 1), "header": c, "column": c}
                for c in sheet.columns
            ],
        }
        for name, sheet in sheets.items()
    ]
    flagged = {(p.sheet, p.row, p.column) for p in problems}
    for number, cells in sheets[UNIT_SHEET].rows:
        parsed.units.append(_unit_row(_Row(UNIT_SHEET, number, cells, parsed.problems, flagged)))
    for number, cells in sheets[CADRE_SHEET].rows:
        parsed.cadres.append(_cadre_row(_Row(CADRE_SHEET, number, cells, parsed.problems, flagged)))
    return parsed


def _unit_row(r: _Row) -> UnitRow:
    kind = r.choice("类型", UNIT_KINDS, required=True)
    parent_code = r.code("上级区划代码")
    if kind and kind != UnitKind.CITY and not parent_code:
        r.problem("上级区划代码", "除市级单位外必填")
    population = r.cells.get("常住人口")
    if population is not None and (
        not isinstance(population, int) or isinstance(population, bool) or population < 0
    ):
        r.problem("常住人口", f"「{population}」应为不小于0的整数")
        population = None
    return UnitRow(
        row=r.number,
        code=r.code("区划代码", required=True),
        name=r.text("单位名称", required=True, max_length=60),
        kind=kind,
        parent_code=parent_code or None,
        population=population,
    )


def _education(r: _Row, prefix: str) -> tuple[int | None, int | None]:
    degree_text = r.text(f"{prefix}学位")
    degree = degree_from_text(degree_text) if degree_text else None
    if r.lenient and degree_text and degree is None and (match := _DEGREE_TAIL.search(degree_text)):
        degree = degree_from_text(match[1])  # 法学学士, 管理学硕士学位
    if degree_text and degree is None:
        r.problem(f"{prefix}学位", f"「{degree_text}」不是有效值，应为博士、硕士或学士")
    education_text = r.text(f"{prefix}学历")
    if r.lenient and not degree_text and (split := split_education(education_text)):
        # The vendor's roster writes 学历 and 学位 in one cell: 大学\n工学学士.
        education_text, degree_text = split
        degree = degree_from_text(degree_text)
    if prefix == "全日制" and is_party_school(education_text):
        r.problem("全日制学历", f"「{education_text}」是党校学历，属于在职教育，请填在“在职学历”一栏")
        return None, degree
    education = education_from_text(education_text, degree) if education_text else None
    if education_text and education is None:
        r.problem(f"{prefix}学历", f"「{education_text}」不是有效值，应为{'、'.join(EDUCATION_LABELS)}")
    return education, degree


def cadre_row(
    sheet: str, number: int, cells: dict, problems: list, *, where=None, lenient=True, flagged=frozenset()
) -> CadreRow:
    """A row of another layout, its cells already named as our columns (readers)."""
    row = _cadre_row(_Row(sheet, number, cells, problems, set(flagged), where=where, lenient=lenient))
    row.sheet = sheet
    return row


def split_titles(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[、,，;；\n]", text) if t.strip()]


def _cadre_row(r: _Row) -> CadreRow:
    birth = r.month("出生年月", required=True)
    if birth and not dt.date(1930, 1, 1) <= birth <= dt.date.today():
        r.problem("出生年月", f"{yearmonth.fmt(birth)} 不在合理范围内")
    education_fulltime, degree_fulltime = _education(r, "全日制")
    education_inservice, degree_inservice = _education(r, "在职")
    id_number = r.text("身份证号").upper() or None
    if isinstance(r.cells.get("身份证号"), int | float):
        r.problem("身份证号", "被 Excel 当作数字，末尾几位可能已丢失；请将该列设为文本格式后重新填写")
    elif id_number and (reason := idcard.problem(id_number, birth)):
        r.problem("身份证号", reason)
    titles_text = r.text("现任职务", required=True, max_length=200)
    titles = split_titles(titles_text)
    name = r.text("姓名", required=True, max_length=40)
    if r.lenient:
        name = "".join(name.split())  # the vendor pads two-character names for alignment: 赵  磊
    values = {
        "name": name,
        "gender": r.choice("性别", GENDERS, required=True),
        "ethnicity": r.choice("民族", ETHNIC_GROUPS, required=True),
        "birth": birth,
        "native_place": r.text("籍贯", max_length=40),
        "political_status": r.choice("政治面貌", POLITICAL_STATUSES, POLITICAL_SYNONYMS),
        "party_joined": r.month("入党时间"),
        "work_started": r.month("参加工作时间"),
        "education_fulltime": education_fulltime,
        "degree_fulltime": degree_fulltime,
        "school_fulltime": r.text("全日制毕业院校及专业"),
        "education_inservice": education_inservice,
        "degree_inservice": degree_inservice,
        "school_inservice": r.text("在职毕业院校及专业"),
        "id_number": id_number,
        "resume": _resume_text(r.text("简历", max_length=5000)),
    }
    return CadreRow(
        row=r.number,
        values=values,
        unit_ref=r.text("单位", required=True, max_length=130),
        titles=titles,
        post_start=r.month("任现职时间", required=True),
    )


_DEGREE_TAIL = re.compile(r"(博士|硕士|学士)(?:学位)?$")


def split_education(text: str) -> tuple[str, str] | None:
    """`大学\n工学学士` → (大学, 学士); None when the cell holds only a 学历."""
    parts = [p for p in re.split(r"[\s/、，,]+", text) if p]
    if len(parts) == 2 and (match := _DEGREE_TAIL.search(parts[1])):
        return parts[0], match[1]
    return None


def _resume_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
