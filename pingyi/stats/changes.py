"""Changes between two dates, in the words reports use (statistics.md).

Both sides are computed from the registry's history (the posts held on each
date, ages to each date), never from stored snapshots: the earlier date is just
another Selection. The change of a figure is the difference of the two
figures as shown (each rounded once), so the sentence agrees with the table.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from .basic import Table
from .cohort import Selection
from .numbers import jsonable, shown

# (key, label, kind): kind "count" → 人, "pct" → 个百分点, "years" → 岁.
ITEMS = [
    ("count", "人数", "count"),
    ("mean_age", "平均年龄", "years"),
    ("born_1970s", "70后", "count"),
    ("born_1970s_pct", "70后占比", "pct"),
    ("born_1980s", "80后", "count"),
    ("born_1980s_pct", "80后占比", "pct"),
    ("born_1990s", "90后", "count"),
    ("age_35_or_under", "35岁及以下", "count"),
    ("female", "女性", "count"),
    ("ethnic_minority", "少数民族", "count"),
    ("bachelor_or_above", "本科以上学历", "count"),
    ("bachelor_or_above_pct", "本科以上学历占比", "pct"),
    ("edu_graduate", "研究生学历", "count"),
    ("masters", "硕士研究生", "count"),
    ("party_members", "中共党员", "count"),
    ("grassroots_2y_or_more", "具有2年以上基层工作经历", "count"),
]
# The speech's second sentence: the paragraph's figures, in its order.
SENTENCE = [
    "count",
    "mean_age",
    "born_1970s_pct",
    "born_1980s",
    "age_35_or_under",
    "bachelor_or_above_pct",
    "masters",
]


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    kind: str
    before: object
    after: object

    @property
    def delta(self):
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def words(self) -> str:
        """平均年龄下降1.3岁, 本科以上学历占比提高4.2个百分点, 新增80后7人, 女性减少1人, 人数持平."""
        delta = self.delta
        if delta is None:
            return f"{self.label}无法比较"
        if delta == 0:
            return f"{self.label}持平"
        size = shown(abs(Decimal(delta)))
        if self.kind == "years":
            return f"{self.label}{'提高' if delta > 0 else '下降'}{size}岁"
        if self.kind == "pct":
            return f"{self.label}{'提高' if delta > 0 else '下降'}{size}个百分点"
        if self.key == "count":
            return f"人数{'增加' if delta > 0 else '减少'}{size}人"
        return f"新增{self.label}{size}人" if delta > 0 else f"{self.label}减少{size}人"


@dataclass
class Comparison:
    since: dt.date
    label: str  # how the sentence names the earlier date: 上年同期 / 换届前（2021年8月）/ 2025年6月15日
    changes: list[Change]
    joined: int  # in the cohort at the end, not at the start
    left: int  # at the start, not at the end
    moved: int  # in both, in another unit

    @property
    def sentence(self) -> str:
        by_key = {c.key: c for c in self.changes}
        parts = [by_key["mean_age"].words] + [
            by_key[k].words for k in SENTENCE if k != "mean_age" and by_key[k].delta not in (None, 0)
        ]
        return f"与{self.label}相比，{'，'.join(parts)}。"


def _values(figures: dict, table: Table) -> dict:
    return {**figures, **table.total}


def compare(selection: Selection, since: dt.date, label: str, before: tuple, after: tuple) -> Comparison:
    """before/after: (figures, basic Table) on each date."""
    old, new = _values(*before), _values(*after)
    changes = [Change(key, text, kind, old[key], new[key]) for key, text, kind in ITEMS]
    joined, left, moved = movements(selection, since)
    return Comparison(since, label, changes, joined, left, moved)


def movements(selection: Selection, since: dt.date) -> tuple[int, int, int]:
    """Who joined, left and moved (held the cohort's posts in other units) between the dates."""
    earlier = Selection(since, selection.scope, selection.cohort)
    units_then = _units(earlier)
    units_now = _units(selection)
    joined = len(units_now.keys() - units_then.keys())
    left = len(units_then.keys() - units_now.keys())
    moved = sum(1 for pk in units_now.keys() & units_then.keys() if units_now[pk] != units_then[pk])
    return joined, left, moved


def _units(selection: Selection) -> dict[int, frozenset]:
    units: dict[int, set] = {}
    for cadre_id, unit_id in selection.posts().values_list("cadre_id", "unit_id"):
        units.setdefault(cadre_id, set()).add(unit_id)
    return {pk: frozenset(v) for pk, v in units.items()}


def year_before(as_of: dt.date) -> dt.date:
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - 1, day=28)


def before_transition(selection: Selection) -> dt.date | None:
    """The last day before the 换届: the month in which most of the cohort's current posts began
    (ties: the later month), so the earlier side is the team the 换届 replaced."""
    months = Counter(s.replace(day=1) for s in selection.posts().values_list("start", flat=True))
    if not months:
        return None
    month = max(months.items(), key=lambda item: (item[1], item[0]))[0]
    return month - dt.timedelta(days=1)


def changes_json(c: Comparison) -> dict:
    """For cohort_stats --json: the earlier date, each figure's two values and change, the movements."""
    return {
        "since": c.since.isoformat(),
        "label": c.label,
        "sentence": c.sentence,
        "joined": c.joined,
        "left": c.left,
        "moved": c.moved,
        "figures": {
            ch.key: {
                "before": jsonable(ch.before),
                "after": jsonable(ch.after),
                "change": jsonable(ch.delta),
                "words": ch.words,
            }
            for ch in c.changes
        },
    }
