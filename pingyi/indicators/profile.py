"""What the pages say: a township's profile (乡镇画像), the city table of one indicator, and the
speech's sentences about the townships, all read off an `analysis.Dataset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pingyi.org.models import Unit
from pingyi.org.vocab import UnitKind

from . import catalogue as cat
from .analysis import HUNDRED, RADAR_MAX, Column, Dataset, advantage, average_decimals, fmt, rounded
from .models import Area, Indicator

TOP = 3


def amount(indicator: Indicator, value: Decimal | None, decimals: int | None = None) -> str:
    """18.2张, 52.3%, — ."""
    if value is None:
        return "—"
    return f"{fmt(value, indicator.decimals if decimals is None else decimals)}{indicator.unit}"


@dataclass
class Gap:
    """A value against a reference figure, in words and numbers."""

    indicator: Indicator
    value: Decimal | None
    reference: Decimal | None

    @property
    def advantage(self) -> Decimal | None:
        return advantage(self.indicator, self.value, self.reference)

    @property
    def flagged(self) -> bool:
        return self.advantage is not None and self.advantage < 0

    @property
    def difference(self) -> Decimal | None:
        """Percentage points for a rate, per cent of the reference otherwise."""
        if self.value is None or self.reference is None:
            return None
        if self.indicator.is_rate:
            return rounded(self.value - self.reference, 1)
        if self.reference == 0:
            return None
        return rounded((self.value - self.reference) * HUNDRED / abs(self.reference), 1)

    @property
    def difference_text(self) -> str:
        d = self.difference
        if d is None:
            return "—"
        sign = "+" if d > 0 else ""
        return f"{sign}{d}{'个百分点' if self.indicator.is_rate else '%'}"

    def relation(self, reference_name: str = "全市平均") -> str:
        """高于全市平均（52.1张）30.2% — the words of a sentence."""
        if self.value is None or self.reference is None:
            return f"{reference_name}无可比数据"
        shown = amount(self.indicator, self.reference, average_decimals(self.indicator))
        if self.value == self.reference:
            return f"与{reference_name}（{shown}）持平"
        word = "高于" if self.value > self.reference else "低于"
        d = abs(self.difference) if self.difference is not None else None
        by = "" if d is None else f"{d}{'个百分点' if self.indicator.is_rate else '%'}"
        return f"{word}{reference_name}（{shown}）{by}"


@dataclass
class Line:
    """One indicator of one township in one year, with everything it is compared to."""

    indicator: Indicator
    year: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    county: Decimal | None
    city: Decimal | None
    rank: int | None
    ranked: int
    trend: list[tuple[int, Decimal | None]] = field(default_factory=list)
    standing: Decimal | None = None

    @property
    def value_text(self) -> str:
        return amount(self.indicator, self.value)

    @property
    def city_text(self) -> str:
        return amount(self.indicator, self.city, average_decimals(self.indicator))

    @property
    def county_text(self) -> str:
        return amount(self.indicator, self.county, average_decimals(self.indicator))

    @property
    def value_num(self) -> str:
        """The bare number for a table whose header carries the unit."""
        return fmt(self.value, self.indicator.decimals)

    @property
    def city_num(self) -> str:
        return fmt(self.city, average_decimals(self.indicator))

    @property
    def county_num(self) -> str:
        return fmt(self.county, average_decimals(self.indicator))

    @property
    def trend_nums(self) -> list[tuple[int, str]]:
        return [(year, fmt(value, self.indicator.decimals)) for year, value in self.trend]

    @property
    def inputs_text(self) -> str:
        """床位数 1,234张 ÷ 常住人口 45,678人, for a derived figure."""
        if self.indicator.is_raw:
            return ""
        parts = [
            f"{i.name} {amount(i, v)}"
            for i, v in (
                (self.indicator.numerator, self.numerator),
                (self.indicator.denominator, self.denominator),
            )
        ]
        return " ÷ ".join(parts)

    @property
    def vs_city(self) -> Gap:
        return Gap(self.indicator, self.value, self.city)

    @property
    def vs_county(self) -> Gap:
        return Gap(self.indicator, self.value, self.county)

    @property
    def flagged(self) -> bool:
        return self.vs_city.flagged

    @property
    def advantage(self) -> Decimal | None:
        return self.vs_city.advantage

    @property
    def radar_index(self) -> Decimal | None:
        """The city average is 100; better is further out, capped at 200 (and 0)."""
        a = self.advantage
        if a is None:
            return None
        return rounded(min(max(HUNDRED * (1 + a), Decimal(0)), RADAR_MAX), 1)

    @property
    def target_pct(self) -> Decimal | None:
        target = self.indicator.target
        if self.value is None or not target:
            return None
        return rounded(self.value * HUNDRED / target, 1)

    @property
    def change(self) -> tuple[str, str] | None:
        """(arrow, css class) against the previous year with a value: better is `up`/good."""
        known = [(y, v) for y, v in self.trend if v is not None and y <= self.year]
        if len(known) < 2 or known[-1][0] != self.year:
            return None
        before, now = known[-2][1], known[-1][1]
        if now == before:
            return ("→", "flat")
        arrow = "↑" if now > before else "↓"
        if not self.indicator.compared:
            return (arrow, "flat")
        better = (now > before) == (self.indicator.direction == cat.HIGHER)
        return (arrow, "good" if better else "bad")

    def sentence(self) -> str:
        """每万人口医疗机构床位数18.2张，低于全市平均水平（52.1张）65.1%，全市第61位（共80个）."""
        text = f"{self.indicator.name}{amount(self.indicator, self.value)}，{self.vs_city.relation()}"
        if self.rank is not None:
            text += f"，全市第{self.rank}位（共{self.ranked}个）"
        return text


@dataclass
class Profile:
    unit: Unit
    county: Unit | None
    year: int
    years: list[int]
    lines: list[Line]

    def by_area(self) -> list[tuple[str, list[Line]]]:
        return [(area.label, [line for line in self.lines if line.indicator.area == area]) for area in Area]

    def line(self, key: str) -> Line | None:
        return next((line for line in self.lines if line.indicator.key == key), None)

    @property
    def compared(self) -> list[Line]:
        return [line for line in self.lines if line.advantage is not None]

    @property
    def strengths(self) -> list[Line]:
        """Better than the city average, where the township stands highest among all townships."""
        better = [line for line in self.compared if line.advantage > 0]
        return sorted(better, key=lambda line: (line.standing, -line.advantage, line.indicator.order))[:TOP]

    @property
    def gaps(self) -> list[Line]:
        """Worse than the city average (flagged), where it stands lowest."""
        worse = [line for line in self.compared if line.advantage < 0]
        return sorted(worse, key=lambda line: (-line.standing, line.advantage, line.indicator.order))[:TOP]

    @property
    def flagged_count(self) -> int:
        return sum(1 for line in self.lines if line.flagged)

    @property
    def missing(self) -> list[Line]:
        return [line for line in self.lines if line.value is None]

    def radar(self) -> dict:
        lines = [line for line in self.lines if line.indicator.in_profile and line.radar_index is not None]
        return {
            "indicators": [{"name": line.indicator.short, "max": float(RADAR_MAX)} for line in lines],
            "series": [
                {"name": self.unit.name, "values": [float(line.radar_index) for line in lines]},
                {"name": "全市平均", "values": [100.0 for _ in lines]},
            ],
            "values": [amount(line.indicator, line.value) for line in lines],
            "cities": [amount(line.indicator, line.city, average_decimals(line.indicator)) for line in lines],
        }

    def bars(self) -> dict:
        """Every compared indicator: per cent better (+) or worse (−) than the city average."""
        lines = sorted(self.compared, key=lambda line: (line.advantage, line.indicator.order))
        percents = [rounded(line.advantage * HUNDRED, 1) for line in lines]
        return {
            "labels": [line.indicator.short for line in lines],
            # Drawn within ±100 so that one 400% outlier does not flatten every other bar.
            "values": [float(min(max(p, -HUNDRED), HUNDRED)) for p in percents],
            "texts": [f"{'+' if p > 0 else ''}{p}%" for p in percents],
        }

    def dibao_sentence(self) -> str | None:
        line = self.line("dibao_ratio")
        if line is None or line.numerator is None:
            return None
        text = f"农村最低生活保障人数{fmt(line.numerator)}人，城镇{fmt(line.denominator)}人"
        if line.value is not None:
            text += f"，为城镇的{fmt(line.value, line.indicator.decimals)}倍"
        if line.city is not None:
            text += f"（全市为{fmt(line.city, line.indicator.decimals)}倍）"
        return text


def township_profile(data: Dataset, unit: Unit, year: int) -> Profile:
    county = data.county.get(unit.pk)
    lines = []
    for indicator in data.indicators:
        column = data.column(indicator, year)
        numerator, denominator = column.inputs.get(unit.pk, (None, None))
        lines.append(
            Line(
                indicator=indicator,
                year=year,
                value=column.values.get(unit.pk),
                numerator=numerator,
                denominator=denominator,
                county=column.counties.get(county.pk) if county else None,
                city=column.city,
                rank=column.ranks.get(unit.pk),
                ranked=column.ranked,
                trend=[(y, data.column(indicator, y).values.get(unit.pk)) for y in data.years],
                standing=column.standing.get(unit.pk),
            )
        )
    return Profile(unit=unit, county=county, year=year, years=data.years, lines=lines)


@dataclass
class Row:
    """A township in the city table of one indicator."""

    unit: Unit
    county: Unit | None
    line: Line


SORTS = {
    "rank": lambda r: (r.line.rank is None, r.line.rank or 0, r.unit.code),
    "value": lambda r: (r.line.value is None, r.line.value or 0, r.unit.code),
    "-value": lambda r: (r.line.value is None, -(r.line.value or 0), r.unit.code),
    "name": lambda r: r.unit.name,
    "county": lambda r: (r.county.code if r.county else "", r.unit.code),
    "gap": lambda r: (r.line.advantage is None, r.line.advantage or 0, r.unit.code),
}


def city_table(data: Dataset, indicator: Indicator, year: int, visible_ids: set[int], sort: str) -> list[Row]:
    column: Column = data.column(indicator, year)
    rows = []
    for township in data.townships:
        if township.pk not in visible_ids:
            continue
        county = data.county[township.pk]
        numerator, denominator = column.inputs[township.pk]
        line = Line(
            indicator=indicator,
            year=year,
            value=column.values[township.pk],
            numerator=numerator,
            denominator=denominator,
            county=column.counties.get(county.pk) if county else None,
            city=column.city,
            rank=column.ranks.get(township.pk),
            ranked=column.ranked,
        )
        rows.append(Row(township, county, line))
    key = SORTS.get(sort) or (SORTS["rank"] if indicator.compared else SORTS["county"])
    return sorted(rows, key=key)


# ---------------------------------------------------------------------- the speech's sentences

SPEECH_PER_10K = ["beds_per_10k", "schools_per_10k", "teachers_per_10k", "culture_area_per_10k"]
SPEECH_NAMES = {
    "beds_per_10k": "每万人口病床数",
    "schools_per_10k": "教育机构数",
    "teachers_per_10k": "专任教师数",
    "culture_area_per_10k": "公共文化服务设施建筑面积",
}
RURAL_KINDS = (UnitKind.TOWN, UnitKind.XIANG)


@dataclass
class GroupFigure:
    indicator: Indicator
    rural: Decimal | None  # 乡镇: 镇 and 乡 taken together
    urban: Decimal | None  # 街道 taken together
    city: Decimal | None

    @property
    def rural_below(self) -> bool:
        a = advantage(self.indicator, self.rural, self.city)
        return a is not None and a < 0


def speech(data: Dataset, year: int) -> dict | None:
    """The second section's figures: 乡镇 (镇 and 乡, not 街道) against the city."""
    if not all(k in data.by_key for k in [*SPEECH_PER_10K, "dibao_ratio", "garbage_rate", "sewage_rate"]):
        return None
    rural = [t.pk for t in data.townships if t.kind in RURAL_KINDS]
    urban = [t.pk for t in data.townships if t.kind == UnitKind.SUBDISTRICT]

    def group(key):
        indicator = data.by_key[key]
        return GroupFigure(
            indicator,
            data.aggregate(indicator, rural, year),
            data.aggregate(indicator, urban, year),
            data.column(indicator, year).city,
        )

    per_10k = [group(k) for k in SPEECH_PER_10K]
    below = [g for g in per_10k if g.rural_below]
    not_below = [g for g in per_10k if not g.rural_below]

    def listed(groups):
        names = [SPEECH_NAMES[g.indicator.key] for g in groups]
        return "、".join(names[:-1]) + "和" + names[-1] if len(names) > 1 else "".join(names)

    parts = []
    if below:
        parts.append(f"全市乡镇{listed(below)}{'均' if len(below) > 1 else ''}低于市均")
    if not_below:
        parts.append(f"{listed(not_below)}不低于市均")
    dibao = data.by_key["dibao_ratio"]
    rural_dibao, urban_dibao = data.sums(dibao, data.township_ids, year)
    ratio = data.column(dibao, year).city
    if ratio is not None:
        parts.append(
            f"农村最低生活保障人数是{fmt(rural_dibao)}人，为城镇低保人数的{fmt(ratio, dibao.decimals)}倍"
        )
    garbage, sewage = group("garbage_rate"), group("sewage_rate")
    if None not in (garbage.rural, garbage.urban, sewage.rural, sewage.urban):
        parts.append(
            f"乡镇生活垃圾分类处理率{fmt(garbage.rural, 1)}%、污水集中处理率{fmt(sewage.rural, 1)}%，"
            f"街道分别为{fmt(garbage.urban, 1)}%、{fmt(sewage.urban, 1)}%"
        )
    return {
        "text": "；".join(parts) + "。" if parts else "",
        "per_10k": per_10k,
        "garbage": garbage,
        "sewage": sewage,
        "dibao": {"rural": rural_dibao, "urban": urban_dibao, "ratio": ratio},
    }
