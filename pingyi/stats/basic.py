"""The 基本情况统计表: the organization department's fixed table (statistics.md).

One row per county (or per kind of chief post), then 合计; each count followed by
its share. The counts of a person's record (party, education, degree, age) are
the database aggregates of cohort.figures, per county from the same grouped
query as the county comparison. The counts of a career (tenure at the post
level, months of township service) walk each person's posts and 简历 lines in
Python, with the months read from the database as numbers.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

from django.db.models import Q

from pingyi.org.models import Post, ResumeEntry
from pingyi.org.vocab import TOWNSHIP_KINDS

from .cohort import MonthIndex, Selection, county_comparison, figures
from .numbers import pct, shown

GRASSROOTS_MONTHS = 24  # 具有2年以上基层工作经历: 以上 includes the number

# (group label, [(key, column label)]); a group of one key without a label stands alone.
GROUPS = [
    (None, [("female", "女")]),
    (None, [("ethnic_minority", "少数民族")]),
    (None, [("party_members", "中共党员")]),
    (None, [("non_party_members", "非中共党员")]),
    (
        "学历",
        [
            ("edu_graduate", "研究生"),
            ("edu_bachelor", "大学本科"),
            ("edu_college", "大学专科"),
            ("edu_secondary", "中专"),
            ("edu_high_school_or_below", "高中及以下"),
        ],
    ),
    ("学位", [("degree_doctor", "博士"), ("degree_master", "硕士"), ("degree_bachelor", "学士")]),
    (
        "年龄",
        [
            ("age_35_or_under", "35岁及以下"),
            ("age_36_40", "36岁至40岁"),
            ("age_41_45", "41岁至45岁"),
            ("age_46_50", "46岁至50岁"),
            ("age_51_54", "51岁至54岁"),
            ("age_55_59", "55岁至59岁"),
            ("age_60_or_over", "60岁及以上"),
        ],
    ),
    (
        "任现职务层次年限",
        [
            ("tenure_under_1y", "不满1年"),
            ("tenure_1_3y", "1年至不满3年"),
            ("tenure_3_5y", "3年至不满5年"),
            ("tenure_5_10y", "5年至不满10年"),
            ("tenure_10y_or_more", "10年及以上"),
        ],
    ),
    (None, [("grassroots_2y_or_more", "具有2年以上基层工作经历")]),
]
KEYS = [key for _group, columns in GROUPS for key, _label in columns]
TENURE_BANDS = [
    ("tenure_under_1y", None, 11),
    ("tenure_1_3y", 12, 35),
    ("tenure_3_5y", 36, 59),
    ("tenure_5_10y", 60, 119),
    ("tenure_10y_or_more", 120, None),
]

# A 简历 line's first part names a township-level unit when 乡/镇/街道 is followed by one of its
# organs or a township title (青山镇党委副书记, 文昌街道办事处科员, 柳营乡乡长), so that 镇江市 or
# 县乡镇企业局 are not read as townships.
_TOWNSHIP_LINE = re.compile(
    r"(?:乡|镇|街道)(?:党委|党工委|人民政府|政府|办事处|人大|纪委|纪工委|武装部|副?乡长|副?镇长|副?书记|副?主任"
    r"|科员|办事员|干事)"
)


def ym(d: dt.date) -> int:
    """A month as a number, so months subtract: 12 × year + month − 1."""
    return d.year * 12 + d.month - 1


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


@cache  # pure, and ten thousand people share a few hundred (tenure, service) pairs
def career_keys(tenure_months: int | None, township_months: int) -> tuple[str, ...]:
    """The tenure band (none when no post of the level is held) and 2 years of township service."""
    keys = []
    if tenure_months is not None:
        keys += [key for key, low, high in TENURE_BANDS if _within(tenure_months, low, high)]
    if township_months >= GRASSROOTS_MONTHS:
        keys.append("grassroots_2y_or_more")
    return tuple(keys)


def tenure_start(spells: list[tuple[int, int | None]], ref: int) -> int | None:
    """The start month of the earliest post of the level held without a break up to month ref.

    Spells are (start month, end month) of the posts of the level; a post ending in
    the month another begins, or later, joins it without a break (the 免职 month is
    the successor's first month).
    """
    if len(spells) == 1:  # most people: one post, no run to walk back over
        ((s, e),) = spells
        return s if s <= ref and (e is None or e > ref) else None
    held = [s for s, e in spells if s <= ref and (e is None or e > ref)]
    if not held:
        return None
    begin = min(held)
    while True:
        earlier = [s for s, e in spells if s < begin and e is not None and e >= begin]
        if not earlier:
            return begin
        begin = min(earlier)


def service_months(spells: list[tuple[int, int | None]], ref: int) -> int:
    """Months covered by the spells before month ref, each month once (posts and 简历 overlap)."""
    if len(spells) == 1:
        ((s, e),) = spells
        return max(0, (ref if e is None else min(ref, e)) - s) if s is not None else 0
    intervals = sorted(
        (s, ref if e is None else min(ref, e)) for s, e in spells if s is not None and s <= ref
    )
    total, reached = 0, None
    for first, last in intervals:
        if reached is not None and first < reached:
            first = reached
        if last > first:
            total += last - first
            reached = last
    return total


def is_township_line(text: str) -> bool:
    first = re.split(r"[、，,；;]", text, maxsplit=1)[0]
    return bool(_TOWNSHIP_LINE.search(first))


def _months(field: str):
    return MonthIndex(field)


def careers(selection: Selection) -> dict[int, tuple[str, ...]]:
    """Each counted person's career keys, from their posts and parsed 简历 lines.

    Months come out of the database as numbers: no dates to convert for ten
    thousand people.
    """
    as_of = selection.as_of
    ref = ym(as_of)
    ids = selection.cadres().values("pk")  # a subquery: no list of ten thousand parameters
    level_field = "is_county_team" if selection.cohort == "county_teams" else "is_chief"
    level, township = defaultdict(list), defaultdict(list)
    posts = (
        Post.objects.filter(cadre_id__in=ids, start__lte=as_of)
        .filter(Q(**{level_field: True}) | Q(unit__kind__in=TOWNSHIP_KINDS))
        .annotate(s=_months("start"), e=_months("end"))
        .values_list("cadre_id", "s", "e", level_field, "unit__kind")
    )
    for cadre_id, s, e, is_level, kind in posts:
        if is_level:
            level[cadre_id].append((s, e))
        if kind in TOWNSHIP_KINDS:
            township[cadre_id].append((s, e))
    lines = (
        ResumeEntry.objects.filter(cadre_id__in=ids, status="ok", start__lte=as_of)
        .annotate(s=_months("start"), e=_months("end"))
        .values_list("cadre_id", "s", "e", "text")
    )
    for cadre_id, s, e, text in lines:
        if is_township_line(text):
            township[cadre_id].append((s, e))
    result = {}
    for pk in selection.cadres().values_list("pk", flat=True):
        begin = tenure_start(level[pk], ref)
        result[pk] = career_keys(None if begin is None else ref - begin, service_months(township[pk], ref))
    return result


@dataclass
class Table:
    selection: Selection
    rows: list[tuple[str, dict]]  # (label, row), the last one 合计
    by: str  # what the rows are: 县（市、区） or 类别

    @property
    def total(self) -> dict:
        return self.rows[-1][1]

    def html_header(self) -> tuple[list[tuple[str, int, int]], list[str]]:
        """The two header rows as (text, colspan, rowspan) cells and the second row's names."""
        groups, names, _rows = layout(self)
        top, second, i = [], [], 0
        for label, span in groups:
            if label is None and span == 1:
                top.append((names[i], 1, 2))
            else:
                top.append((label, span, 1))
                second += names[i : i + span]
            i += span
        return top, second

    def html_rows(self) -> list[list]:
        return layout(self)[2]


def _row(figures: dict, career: list[tuple[str, ...]]) -> dict:
    """A row of the table: the database's counts (cohort.figures) and the careers' counts."""
    n = figures["count"]
    counts = Counter(key for keys in career for key in keys)
    row = {"count": n, "mean_age": figures["mean_age"]}
    for key in KEYS:
        row[key] = figures[key] if key in figures else counts[key]
        row[f"{key}_pct"] = pct(row[key], n)
    return row


def basic_table(
    selection: Selection,
    *,
    total: dict | None = None,
    counties: list[dict] | None = None,
    total_only: bool = False,
) -> Table:
    """Rows per county for the whole city; per kind of chief post inside a county; then 合计.

    `total` and `counties` are cohort.figures and cohort.county_comparison of the same
    selection when the caller has them already.
    """
    career = careers(selection)
    if total is None:
        total = figures(selection.cadres(), selection.as_of)
    rows: list[tuple[str, dict]] = []
    by = "类别"
    if total_only:
        pass
    elif selection.review is None and (selection.scope is None or selection.scope.parent_id is None):
        by = "县（市、区）"
        county_field = "unit_id" if selection.cohort == "county_teams" else "unit__parent_id"
        first: dict[int, int] = {}
        for cadre_id, county in selection.posts().order_by("id").values_list("cadre_id", county_field):
            first.setdefault(cadre_id, county)
        groups = defaultdict(list)
        for pk, keys in career.items():
            groups[first.get(pk)].append(keys)
        for c in county_comparison(selection) if counties is None else counties:
            rows.append((c["unit"].name, _row(c, groups[c["unit"].pk])))
    elif selection.review is None and selection.cohort == "chiefs":
        for cohort, label in (("secretaries", "党（工）委书记"), ("heads", "乡镇长、街道办事处主任")):
            part = Selection(selection.as_of, selection.scope, cohort)
            ids = set(part.cadres().values_list("pk", flat=True))
            part_figures = figures(part.cadres(), selection.as_of)
            rows.append((label, _row(part_figures, [career[pk] for pk in ids if pk in career])))
    rows.append(("合计", _row(total, list(career.values()))))
    return Table(selection, rows, by)


def basic_figures(table: Table) -> dict:
    """The keys cohort_stats --json prints (counts only; shares are count ÷ count)."""
    return {key: table.total[key] for key in KEYS}


def _share(value) -> str:
    return f"{shown(value)}%" if value is not None else "—"


def layout(table: Table) -> tuple[list[tuple[str | None, int]], list[str], list[list]]:
    """The official layout: (header groups, column names, rows), for the page, Excel and Word.

    Each count is followed by its 占比; 平均年龄 closes the 年龄 group.
    """
    groups: list[tuple[str | None, int]] = [(None, 1), (None, 1)]
    names = [table.by, "合计"]
    for group, columns in GROUPS:
        if group is None:
            ((key, label),) = columns
            groups.append((label, 2))
            names += ["人数", "占比"]
            continue
        span = 2 * len(columns) + (1 if group == "年龄" else 0)
        groups.append((group, span))
        for _key, label in columns:
            names += [label, "占比"]
        if group == "年龄":
            names.append("平均年龄")
    rows = []
    for label, row in table.rows:
        cells = [label, row["count"]]
        for group, columns in GROUPS:
            for key, _label in columns:
                cells += [row[key], _share(row[f"{key}_pct"])]
            if group == "年龄":
                cells.append(shown(row["mean_age"]))
        rows.append(cells)
    return groups, names, rows


def word_parts(table: Table) -> list[tuple[str, list[str], list[list]]]:
    """The table cut into four for a portrait 公文 page, each repeating the row labels and 合计."""
    groups, names, rows = layout(table)
    parts = [
        ("性别、民族和政治面貌", 2, 10),
        ("学历和学位", 10, 26),
        ("年龄", 26, 41),
        ("任现职务层次年限和基层工作经历", 41, 53),
    ]
    flat = []
    for label, span in groups:
        flat += [label] * span
    result = []
    for title, first, last in parts:
        headers = [table.by, "合计"] + [
            _word_header(flat[i], names[i], names[i - 1]) for i in range(first, last)
        ]
        result.append((title, headers, [r[:2] + r[first:last] for r in rows]))
    return result


def _word_header(group: str | None, name: str, previous: str) -> str:
    if name == "人数":
        return f"{group}（人）"
    if name == "占比":
        return f"{group if previous == '人数' else previous}占比"
    return name
