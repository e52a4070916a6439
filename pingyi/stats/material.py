"""讲话素材: every figure the speech masks (seed 001), filled from the data for one round, and a
draft checked against them (statistics.md, "The speech's figures").

Each figure says where it comes from and links to the page that shows it. The draft checker
knows the speech's own wording: a figure sentence it recognises is marked 一致, 不一致 (with the
right figure) or 无法判断 (still masked, or the data have no such figure).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.urls import reverse

from pingyi.indicators.analysis import Dataset, default_year
from pingyi.indicators.analysis import fmt as indicator_fmt
from pingyi.indicators.profile import SPEECH_NAMES, speech

from .basic import basic_table
from .cohort import Selection, figures
from .numbers import shown
from .pipeline import pipeline
from .report import comparison
from .speech import _at_least, cohort_paragraph, pipeline_sentence, speakers_sentence

ORIGINALS = {
    "cohort": "目前，全市***名乡镇（街道）党政正职，平均年龄**岁，其中**%是“70后”、**人在35岁以下；"
    "全部具有本科以上学历，其中硕士研究生**人。",
    "speakers": "从今天发言的*位乡镇（街道）党（工）委书记来看，年龄最大的是68年出生的，年龄最小的是85年出生的，"
    "80后的有*位。",
    "pipeline": "目前，全市**名县（市、区）党政领导班子成员中，有**名具有乡镇党政正职任职经历，占比超过**%。"
    "2021年换届期间，新提拔进县（市、区）党政领导班子的**人中，直接从乡镇党政正职提拔的有**人，占**%。",
    "livelihood": "全市乡镇每万人口病床数、教育机构数、专任教师数和公共文化服务设施建筑面积均低于市均；"
    "农村最低生活保障人数是****人，为城镇低保人数的*倍……农村的垃圾分类处理率、污水集中处理率都远远低于城市。",
}


@dataclass
class Figure:
    key: str
    label: str  # what it is
    mask: str  # how the speech masks it (or the claim it makes)
    value: str  # the figure from the data, as the speech would write it
    source: str
    url: str


@dataclass
class Passage:
    key: str
    title: str
    original: str
    filled: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Material:
    review: object
    as_of: dt.date
    year: int  # the indicators' year
    passages: list[Passage]
    comparison: object = None  # changes.Comparison against 上年同期, or None

    @property
    def text(self) -> str:
        """Copy-all: the filled sentences, one passage a paragraph."""
        return "\n".join(p.filled for p in self.passages if p.filled)

    def value(self, key: str) -> str | None:
        for p in self.passages:
            for f in p.figures:
                if f.key == key:
                    return f.value
        return None


def _with_unit(value, unit: str) -> str:
    """45.4 → 45.4岁; no figure (an empty cohort) → — (the checker then cannot tell)."""
    return "—" if value is None else f"{shown(value)}{unit}"


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def build(review, as_of: dt.date | None = None, year: int | None = None) -> Material:
    """The round's figures on its meeting date (today when it has none)."""
    as_of = as_of or review.meeting_date or dt.date.today()
    year = year or default_year()
    stats_url = reverse("stats") + f"?as_of={as_of.isoformat()}"
    registry = f"干部名册任职记录（党政正职），截至{_date(as_of)}"
    passages = []

    selection = Selection(as_of)
    f = figures(selection.cadres(), as_of)
    table = basic_table(selection, total=f, total_only=True)
    change = comparison(selection, f, table, "year") if f["count"] else None
    paragraph = cohort_paragraph(selection, f) + (change.sentence if change else "")
    bachelor_all = f["count"] and f["bachelor_or_above"] == f["count"]
    passages.append(
        Passage(
            "cohort",
            "乡镇（街道）党政正职队伍结构",
            ORIGINALS["cohort"],
            paragraph,
            [
                Figure("count", "党政正职人数", "***名", f"{f['count']}名", registry, stats_url),
                Figure(
                    "mean_age",
                    "平均年龄",
                    "**岁",
                    _with_unit(f["mean_age"], "岁"),
                    registry + "，按周岁计至当月",
                    stats_url,
                ),
                Figure(
                    "born_1970s_pct",
                    "“70后”占比",
                    "**%",
                    _with_unit(f["born_1970s_pct"], "%"),
                    registry,
                    stats_url,
                ),
                Figure(
                    "age_35_or_under",
                    "35岁以下人数",
                    "**人",
                    f"{f['age_35_or_under']}人",
                    registry,
                    stats_url,
                ),
                Figure(
                    "bachelor_all",
                    "是否全部具有本科以上学历",
                    "全部具有本科以上学历",
                    "是"
                    if bachelor_all
                    else f"否：{f['bachelor_or_above']}人（占{shown(f['bachelor_or_above_pct'])}%）"
                    if f["count"]
                    else "—",
                    registry + "，最高学历",
                    stats_url,
                ),
                Figure(
                    "masters",
                    "硕士研究生人数",
                    "**人",
                    f"{f['masters']}人",
                    registry + "，最高学历",
                    stats_url,
                ),
            ],
        )
    )

    speakers = Selection(as_of, review=review)
    s = figures(speakers.cadres(), as_of)
    review_url = reverse("review_detail", args=[review.pk])
    roster = f"{review.label}述职人名单及其出生年月"
    oldest, youngest = s["oldest_birth"], s["youngest_birth"]
    passages.append(
        Passage(
            "speakers",
            f"{review.label}述职人",
            ORIGINALS["speakers"],
            speakers_sentence(speakers, s),
            [
                Figure("speakers", "发言人数", "*位", f"{s['count']}位", roster, review_url),
                Figure(
                    "oldest_year",
                    "年龄最大者出生年份",
                    "68年",
                    f"{oldest[2:4]}年" if oldest else "—",
                    roster,
                    review_url,
                ),
                Figure(
                    "youngest_year",
                    "年龄最小者出生年份",
                    "85年",
                    f"{youngest[2:4]}年" if youngest else "—",
                    roster,
                    review_url,
                ),
                Figure("speakers_1980s", "80后人数", "*位", f"{s['born_1980s']}位", roster, review_url),
            ],
        )
    )

    p = pipeline(selection)
    teams_url = reverse("stats") + f"?as_of={as_of.isoformat()}&cohort=county_teams"
    teams = f"县（市、区）班子成员的任职记录和简历，截至{_date(as_of)}"
    with_pct = p["with_township_chief_pct"]
    passages.append(
        Passage(
            "pipeline",
            "县（市、区）党政领导班子成员来源",
            ORIGINALS["pipeline"],
            pipeline_sentence(selection, p),
            [
                Figure("team_members", "班子成员人数", "**名", f"{p['team_members']}名", teams, teams_url),
                Figure(
                    "with_township_chief",
                    "具有乡镇党政正职任职经历",
                    "**名",
                    f"{p['with_township_chief']}名",
                    teams,
                    teams_url,
                ),
                Figure(
                    "with_township_chief_pct",
                    "其占比",
                    "超过**%",
                    f"{_at_least(with_pct)}%（{shown(with_pct)}%）" if with_pct is not None else "—",
                    teams,
                    teams_url,
                ),
                Figure(
                    "year",
                    "换届年份",
                    "2021年",
                    f"{p['year']}年",
                    teams + "（现任成员最多的首次进班子年份）",
                    teams_url,
                ),
                Figure("promoted", "换届新提拔进班子人数", "**人", f"{p['promoted']}人", teams, teams_url),
                Figure(
                    "promoted_from_township_chief",
                    "直接从乡镇党政正职提拔",
                    "**人",
                    f"{p['promoted_from_township_chief']}人",
                    teams,
                    teams_url,
                ),
                Figure(
                    "promoted_from_township_chief_pct",
                    "其占比",
                    "**%",
                    f"{shown(p['promoted_from_township_chief_pct'])}%",
                    teams,
                    teams_url,
                ),
            ],
        )
    )

    passages.append(_livelihood(year))
    return Material(review, as_of, year, passages, change)


def _livelihood(year: int) -> Passage:
    data = Dataset([year])
    sp = speech(data, year)
    overview = reverse("indicators") + f"?year={year}"
    source = f"发展指标 {year} 年度已审核数据"
    # Without a single signed-off figure the indicators' sentence would read 不低于市均: say so instead.
    if not sp or not sp["text"] or all(g.rural is None or g.city is None for g in sp["per_10k"]):
        return Passage(
            "livelihood",
            "民生短板",
            ORIGINALS["livelihood"],
            "",
            [Figure("livelihood", "民生指标", "（各项）", f"{year}年尚无已审核的指标数据", source, overview)],
        )
    items = []
    for g in sp["per_10k"]:
        ind = g.indicator
        url = reverse("indicator_table", args=[ind.key]) + f"?year={year}"
        if g.rural is None or g.city is None:
            items.append(
                Figure(f"below_{ind.key}", f"乡镇{SPEECH_NAMES[ind.key]}", "低于市均", "—", source, url)
            )
            continue
        items.append(
            Figure(
                f"below_{ind.key}",
                f"乡镇{SPEECH_NAMES[ind.key]}",
                "低于市均",
                f"{'低于' if g.rural_below else '不低于'}市均（乡镇 {indicator_fmt(g.rural, ind.decimals)}，"
                f"市均 {indicator_fmt(g.city, ind.decimals)}{ind.unit}）",
                source,
                url,
            )
        )
    dibao = data.by_key["dibao_ratio"]
    dibao_url = reverse("indicator_table", args=["dibao_ratio"]) + f"?year={year}"
    items.append(
        Figure(
            "rural_dibao",
            "农村最低生活保障人数",
            "****人",
            f"{indicator_fmt(sp['dibao']['rural'])}人",
            source,
            dibao_url,
        )
    )
    items.append(
        Figure(
            "dibao_ratio",
            "为城镇低保人数的倍数",
            "*倍",
            f"{indicator_fmt(sp['dibao']['ratio'], dibao.decimals)}倍",
            source,
            dibao_url,
        )
    )
    for key, name in (("garbage", "垃圾分类处理率"), ("sewage", "污水集中处理率")):
        g = sp[key]
        url = reverse("indicator_table", args=[g.indicator.key]) + f"?year={year}"
        items.append(
            Figure(
                f"{key}_rural",
                f"乡镇{name}（对街道）",
                "低于城市",
                f"乡镇 {indicator_fmt(g.rural, 1)}%，街道 {indicator_fmt(g.urban, 1)}%"
                f"（{'低于' if g.rural is not None and g.urban is not None and g.rural < g.urban else '不低于'}城市）",
                source,
                url,
            )
        )
    return Passage("livelihood", f"民生短板（{year}年）", ORIGINALS["livelihood"], sp["text"], items)


# ---------------------------------------------------------------------- checking a draft

NUMBER = r"(\d[\d,，]*(?:\.\d+)?|\*+)"
# (key, pattern with the stated figure as group 1, unit written after it in the right figure)
CHECKS = [
    ("count", rf"{NUMBER}名乡镇（街道）党政正职"),
    ("mean_age", rf"平均年龄{NUMBER}岁"),
    ("born_1970s_pct", rf"{NUMBER}%是“?70后"),
    ("age_35_or_under", rf"{NUMBER}人在35岁以下"),
    ("masters", rf"(?<!新增)硕士研究生{NUMBER}人"),
    ("speakers", rf"发言的{NUMBER}位"),
    ("oldest_year", rf"年龄最大的是{NUMBER}年出生"),
    ("youngest_year", rf"年龄最小的是{NUMBER}年出生"),
    ("speakers_1980s", rf"80后的有{NUMBER}位"),
    ("team_members", rf"{NUMBER}名县（市、区）党政领导班子成员"),
    ("with_township_chief", rf"有{NUMBER}名具有乡镇党政正职任职经历"),
    ("with_township_chief_pct", rf"占比超过{NUMBER}%"),
    ("year", rf"{NUMBER}年换届期间"),
    ("promoted", rf"新提拔进县（市、区）党政领导班子的{NUMBER}人"),
    ("promoted_from_township_chief", rf"直接从乡镇党政正职提拔的有{NUMBER}人"),
    ("promoted_from_township_chief_pct", rf"直接从乡镇党政正职提拔的有(?:\d+|\*+)人，占{NUMBER}%"),
    ("rural_dibao", rf"农村最低生活保障人数是{NUMBER}人"),
    ("dibao_ratio", rf"城镇低保人数的{NUMBER}倍"),
]
CLAIMS = [
    # (key, the claim as worded, what must hold)
    ("bachelor_all", "全部具有本科以上学历"),
    ("below_all", "均低于市均"),
]


@dataclass
class Finding:
    start: int
    end: int
    stated: str
    label: str
    right: str | None  # the figure from the data; None: cannot tell
    status: str  # match / differs / unknown

    @property
    def status_label(self) -> str:
        return {"match": "一致", "differs": "不一致", "unknown": "无法判断"}[self.status]


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[^\d.]", "", text))
    except InvalidOperation:
        return None


def _agrees(key: str, stated: Decimal | None, right: str) -> bool:
    if stated is None:
        return False
    if key == "with_township_chief_pct":
        # 占比超过X%: true when the exact share is above X (the page shows the share in brackets).
        share = re.search(r"（([\d.]+)%）", right)
        return share is not None and Decimal(share[1]) > stated
    if key in ("oldest_year", "youngest_year"):
        return int(stated) % 100 == int(_number(right) or -1)
    value = _number(right.split("（")[0])
    return value is not None and value == stated


def check(material: Material, draft: str) -> list[Finding]:
    """Every figure sentence of the draft the material knows, in the order of the draft."""
    labels = {f.key: f.label for p in material.passages for f in p.figures}
    findings = []
    for key, pattern in CHECKS:
        right = material.value(key)
        for m in re.finditer(pattern, draft):
            stated = m[1]
            if set(stated) == {"*"} or right is None or right == "—":
                findings.append(Finding(m.start(1), m.end(1), stated, labels.get(key, key), right, "unknown"))
                continue
            ok = _agrees(key, _number(stated), right)
            findings.append(
                Finding(m.start(1), m.end(1), stated, labels[key], right, "match" if ok else "differs")
            )
    for m in re.finditer("全部具有本科以上学历", draft):
        right = material.value("bachelor_all")
        findings.append(
            Finding(
                m.start(),
                m.end(),
                m[0],
                "是否全部具有本科以上学历",
                right,
                "match" if right == "是" else "differs",
            )
        )
    for m in re.finditer(r"均低于市均", draft):
        below = [f for p in material.passages for f in p.figures if f.key.startswith("below_")]
        if not below:
            findings.append(Finding(m.start(), m.end(), m[0], "乡镇民生指标低于市均", None, "unknown"))
            continue
        if any(f.value == "—" for f in below):
            findings.append(Finding(m.start(), m.end(), m[0], "乡镇民生指标低于市均", None, "unknown"))
            continue
        wrong = [f for f in below if not f.value.startswith("低于")]
        right = "全部低于市均" if not wrong else "、".join(f.label for f in wrong) + "不低于市均"
        findings.append(
            Finding(m.start(), m.end(), m[0], "乡镇民生指标低于市均", right, "differs" if wrong else "match")
        )
    findings += _check_changes(material, draft)
    return sorted(findings, key=lambda f: f.start)


def _change_patterns(label: str) -> list[tuple[str, int]]:
    """The report words for a change of the figure labelled so, each with the sign it states."""
    number = r"(\d+(?:\.\d+)?)"
    unit = r"(?:岁|个百分点)"
    return [
        (rf"{label}(?:提高|上升|增加){number}{unit}", 1),
        (rf"{label}(?:下降|降低|减少){number}{unit}", -1),
        (rf"新增{label}{number}人", 1),
        (rf"{label}(?:增加|增长){number}人", 1),
        (rf"{label}减少{number}人", -1),
    ]


def _check_changes(material: Material, draft: str) -> list[Finding]:
    """The change sentence's words (平均年龄下降1.3岁, 新增80后7人), against 上年同期."""
    c = material.comparison
    if c is None:
        return []
    findings = []
    for change in c.changes:
        for pattern, sign in _change_patterns(re.escape(change.label)):
            for m in re.finditer(pattern, draft):
                label = f"{change.label}的变化（与{c.label}相比）"
                if change.delta is None:
                    findings.append(Finding(m.start(), m.end(), m[0], label, None, "unknown"))
                    continue
                ok = sign * Decimal(m[1]) == change.delta
                findings.append(
                    Finding(m.start(), m.end(), m[0], label, change.words, "match" if ok else "differs")
                )
    for m in re.finditer(r"平均年龄持平|人数持平", draft):
        change = next(ch for ch in c.changes if ch.label == m[0][:-2])
        label = f"{change.label}的变化（与{c.label}相比）"
        findings.append(
            Finding(
                m.start(), m.end(), m[0], label, change.words, "match" if change.delta == 0 else "differs"
            )
        )
    return findings


def marked(draft: str, findings: list[Finding]) -> list[tuple[str, Finding | None]]:
    """The draft cut into runs, each marked figure with its finding, for the page and Word."""
    runs, at = [], 0
    for f in findings:
        if f.start < at:
            continue  # overlapping patterns: the first one marks it
        runs.append((draft[at : f.start], None))
        runs.append((draft[f.start : f.end], f))
        at = f.end
    runs.append((draft[at:], None))
    return [(text, f) for text, f in runs if text]
