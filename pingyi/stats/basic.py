"""The 基本情况统计表: the organization department's fixed table (statistics.md).

One row per county (or per kind of chief post), then 合计; each count followed by
its share. The counts that need a person's career (tenure at the post level,
years of township service) walk their posts and 简历 lines, so the table loads
the cohort's cadres once (tens of thousands at most) and counts in Python; the
counting itself (`count_row`) is pure, so it is tested on hand-made people.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from pingyi.org.models import Post, ResumeEntry, Unit
from pingyi.org.vocab import TOWNSHIP_KINDS, Degree, Education

from .cohort import HAN, SECRETARY_TITLES, Selection
from .numbers import mean, pct, shown

PARTY = ("中共党员", "中共预备党员")
GRASSROOTS_MONTHS = 24  # 具有2年以上基层工作经历: 以上 includes the number

# (group label, [(key, column label)]); a group of one key without a label stands alone.
GROUPS = [
    (None, [("female", "女")]),
    (None, [("ethnic_minority", "少数民族")]),
    (None, [("party_members", "中共党员")]),
    (None, [("non_party_members", "非中共党员")]),
    ("学历", [("edu_graduate", "研究生"), ("edu_bachelor", "大学本科"), ("edu_college", "大学专科"),
             ("edu_secondary", "中专"), ("edu_high_school_or_below", "高中及以下")]),
    ("学位", [("degree_doctor", "博士"), ("degree_master", "硕士"), ("degree_bachelor", "学士")]),
    ("年龄", [("age_35_or_under", "35岁及以下"), ("age_36_40", "36岁至40岁"), ("age_41_45", "41岁至45岁"),
             ("age_46_50", "46岁至50岁"), ("age_51_54", "51岁至54岁"), ("age_55_59", "55岁至59岁"),
             ("age_60_or_over", "60岁及以上")]),
    ("任现职务层次年限", [("tenure_under_1y", "不满1年"), ("tenure_1_3y", "1年至不满3年"),
                  ("tenure_3_5y", "3年至不满5年"), ("tenure_5_10y", "5年至不满10年"),
                  ("tenure_10y_or_more", "10年及以上")]),
    (None, [("grassroots_2y_or_more", "具有2年以上基层工作经历")]),
]  # fmt: skip
KEYS = [key for _group, columns in GROUPS for key, _label in columns]
AGE_BANDS = [("age_35_or_under", None, 35), ("age_36_40", 36, 40), ("age_41_45", 41, 45),
             ("age_46_50", 46, 50), ("age_51_54", 51, 54), ("age_55_59", 55, 59),
             ("age_60_or_over", 60, None)]  # fmt: skip
TENURE_BANDS = [("tenure_under_1y", None, 11), ("tenure_1_3y", 12, 35), ("tenure_3_5y", 36, 59),
                ("tenure_5_10y", 60, 119), ("tenure_10y_or_more", 120, None)]  # fmt: skip

# A 简历 line's first part names a township-level unit when 乡/镇/街道 is followed by one of its
# organs or a township title (青山镇党委副书记, 文昌街道办事处科员, 柳营乡乡长), so that 镇江市 or
# 县乡镇企业局 are not read as townships.
_TOWNSHIP_LINE = re.compile(
    r"(?:乡|镇|街道)(?:党委|党工委|人民政府|政府|办事处|人大|纪委|纪工委|武装部|副?乡长|副?镇长|科员|办事员|干事)"
)


@dataclass(frozen=True)
class Person:
    birth: dt.date
    gender: str = "男"
    ethnicity: str = HAN
    political_status: str = ""
    education: int | None = None  # highest of 全日制 and 在职
    degree: int | None = None  # highest of 全日制 and 在职
    tenure_months: int | None = None  # at the post level; None: holds no such post on the date
    township_months: int = 0


def months_between(start: dt.date, end: dt.date) -> int:
    """Completed months from start's month to end's month."""
    return 12 * (end.year - start.year) + end.month - start.month


def age(birth: dt.date, as_of: dt.date) -> int:
    return as_of.year - birth.year - (1 if as_of.month < birth.month else 0)


def _within(value: int, low: int | None, high: int | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def count_row(people: list[Person], as_of: dt.date) -> dict:
    """Every key of the table, each count with its `_pct`, plus `count` and `mean_age`."""
    counts = dict.fromkeys(KEYS, 0)
    ages = 0
    for p in people:
        years = age(p.birth, as_of)
        ages += years
        counts["female"] += p.gender == "女"
        counts["ethnic_minority"] += p.ethnicity != HAN
        party = p.political_status in PARTY
        counts["party_members" if party else "non_party_members"] += 1
        counts[_education_key(p.education)] += 1
        if p.degree in _DEGREE_KEYS:
            counts[_DEGREE_KEYS[p.degree]] += 1
        for key, low, high in AGE_BANDS:
            if _within(years, low, high):
                counts[key] += 1
        if p.tenure_months is not None:
            for key, low, high in TENURE_BANDS:
                if _within(p.tenure_months, low, high):
                    counts[key] += 1
        counts["grassroots_2y_or_more"] += p.township_months >= GRASSROOTS_MONTHS
    n = len(people)
    row = {"count": n, "mean_age": mean(ages, n)}
    for key in KEYS:
        row[key] = counts[key]
        row[f"{key}_pct"] = pct(counts[key], n)
    return row


_DEGREE_KEYS = {
    Degree.DOCTOR: "degree_doctor",
    Degree.MASTER: "degree_master",
    Degree.BACHELOR: "degree_bachelor",
}


def _education_key(level: int | None) -> str:
    if level is not None and level >= Education.MASTER:
        return "edu_graduate"
    return {
        Education.BACHELOR: "edu_bachelor",
        Education.JUNIOR_COLLEGE: "edu_college",
        Education.SECONDARY: "edu_secondary",
    }.get(level, "edu_high_school_or_below")


def tenure_start(spells: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> dt.date | None:
    """The start of the earliest post of the level held without a break up to the date.

    Spells are (start, end) of the posts of the level; a post ending in the month
    another begins, or later, joins it without a break (the 免职 month is the
    successor's first month).
    """
    month = as_of.replace(day=1)
    held = [s for s, e in spells if s <= as_of and (e is None or e > month)]
    if not held:
        return None
    begin = min(held)
    while True:
        earlier = [
            s for s, e in spells if s < begin and e is not None and e.replace(day=1) >= begin.replace(day=1)
        ]
        if not earlier or min(earlier) >= begin:
            return begin
        begin = min(earlier)


def service_months(spells: list[tuple[dt.date, dt.date | None]], as_of: dt.date) -> int:
    """Months covered by the spells up to the date, each month once (posts and 简历 overlap)."""
    ref = as_of.year * 12 + as_of.month - 1
    covered: set[int] = set()
    for start, end in spells:
        if start is None or start > as_of:
            continue
        first = start.year * 12 + start.month - 1
        last = ref if end is None else min(ref, end.year * 12 + end.month - 1)
        covered.update(range(first, last))
    return len(covered)


def is_township_line(text: str) -> bool:
    first = re.split(r"[、，,；;]", text, maxsplit=1)[0]
    return bool(_TOWNSHIP_LINE.search(first))


@dataclass
class Table:
    selection: Selection
    rows: list[tuple[str, dict]]  # (label, count_row), the last one 合计
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


def _people(selection: Selection) -> dict[int, Person]:
    as_of = selection.as_of
    cadres = list(
        selection.cadres().values(
            "id", "birth", "gender", "ethnicity", "political_status", "education_fulltime",
            "education_inservice", "degree_fulltime", "degree_inservice",
        )
    )  # fmt: skip
    ids = [c["id"] for c in cadres]
    level = defaultdict(list)
    township = defaultdict(list)
    level_field = "is_county_team" if selection.cohort == "county_teams" else "is_chief"
    for p in Post.objects.filter(cadre_id__in=ids, start__lte=as_of).values(
        "cadre_id", "start", "end", level_field, "unit__kind"
    ):
        if p[level_field]:
            level[p["cadre_id"]].append((p["start"], p["end"]))
        if p["unit__kind"] in TOWNSHIP_KINDS:
            township[p["cadre_id"]].append((p["start"], p["end"]))
    for e in ResumeEntry.objects.filter(cadre_id__in=ids, status="ok", start__lte=as_of).values(
        "cadre_id", "start", "end", "text"
    ):
        if is_township_line(e["text"]):
            township[e["cadre_id"]].append((e["start"], e["end"]))
    people = {}
    for c in cadres:
        begin = tenure_start(level[c["id"]], as_of)
        people[c["id"]] = Person(
            birth=c["birth"],
            gender=c["gender"],
            ethnicity=c["ethnicity"],
            political_status=c["political_status"],
            education=max(filter(None, (c["education_fulltime"], c["education_inservice"])), default=None),
            degree=max(filter(None, (c["degree_fulltime"], c["degree_inservice"])), default=None),
            tenure_months=None if begin is None else months_between(begin, as_of),
            township_months=service_months(township[c["id"]], as_of),
        )
    return people


def basic_table(selection: Selection) -> Table:
    """Rows per county for the whole city; per kind of chief post inside a county; then 合计."""
    people = _people(selection)
    as_of = selection.as_of
    rows: list[tuple[str, dict]] = []
    by = "类别"
    if selection.review is None and (selection.scope is None or selection.scope.parent_id is None):
        by = "县（市、区）"
        county_field = "unit_id" if selection.cohort == "county_teams" else "unit__parent_id"
        first: dict[int, int] = {}
        for cadre_id, county in selection.posts().order_by("id").values_list("cadre_id", county_field):
            first.setdefault(cadre_id, county)
        groups = defaultdict(list)
        for pk, person in people.items():
            groups[first.get(pk)].append(person)
        for unit in Unit.objects.filter(pk__in=[k for k in groups if k]).order_by("code"):
            rows.append((unit.name, count_row(groups[unit.pk], as_of)))
    elif selection.review is None and selection.cohort == "chiefs":
        held = selection.posts()
        for label, posts in (
            ("党（工）委书记", held.filter(title__in=SECRETARY_TITLES)),
            ("乡镇长、街道办事处主任", held.exclude(title__in=SECRETARY_TITLES)),
        ):
            ids = set(posts.values_list("cadre_id", flat=True))
            rows.append((label, count_row([people[pk] for pk in ids if pk in people], as_of)))
    rows.append(("合计", count_row(list(people.values()), as_of)))
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
