"""Gap analysis: every township-level unit against the city and its county, year by year.

Definitions (README, and stated on the pages):

* Only signed-off values (`approved_value`) count. A missing value is left out of every sum,
  mean and rank, and shown as —.
* A derived indicator is `numerator ÷ denominator × scale` of the same township and year (scale
  10,000 per 10,000 residents, 100 for a rate, 1 for a ratio). It is missing when either input is
  missing or the denominator is zero: zero or missing population never divides.
* The city (or county, or group) figure of a derived indicator is the aggregate ratio
  `Σnumerator ÷ Σdenominator × scale` over the townships that have a figure of their own, i.e.
  the city taken as one place, as the speech's "市均" does; of a raw indicator it is the mean of
  the townships that reported it (the average township). Either way a township whose own
  figure is missing is left out.
* Figures are rounded half up once, to the indicator's decimals (averages of raw indicators to
  one more), and compared, ranked and flagged exactly as shown, so a sentence never contradicts
  the table next to it.
* Rank is among all township-level units of the city with a value, best first (competition
  ranking: equal values share a place). Neutral indicators are neither ranked nor flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max

from pingyi.org.models import Unit

from . import catalogue as cat
from .models import Indicator, IndicatorValue

HUNDRED = Decimal(100)
RADAR_MAX = Decimal(200)


def rounded(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, decimals: int = 0) -> str:
    """12,345.6 — and — for a missing figure."""
    if value is None:
        return "—"
    return f"{rounded(value, decimals):,.{decimals}f}"


def average_decimals(indicator: Indicator) -> int:
    # The mean of counts (accidents 0, 1, 2 …) needs a decimal to say anything.
    return indicator.decimals + (1 if indicator.is_raw else 0)


def default_year() -> int:
    latest = IndicatorValue.objects.counted().aggregate(year=Max("year"))["year"]
    return latest or dt.date.today().year - 1


def county_of(township: Unit) -> Unit | None:
    """The county-level unit above a township; None for one directly under the city."""
    parent = township.parent
    return parent if parent is not None and parent.is_county else None


def advantage(indicator: Indicator, value: Decimal | None, reference: Decimal | None) -> Decimal | None:
    """How much better than the reference, as a fraction of it (negative: worse); None if not compared."""
    if not indicator.compared or value is None or reference is None or reference == 0:
        return None
    relative = (value - reference) / abs(reference)
    return relative if indicator.direction == cat.HIGHER else -relative


@dataclass
class Column:
    """One indicator in one year across all township-level units."""

    indicator: Indicator
    year: int
    values: dict[int, Decimal | None]  # unit id → rounded value (None: missing)
    inputs: dict[int, tuple[Decimal | None, Decimal | None]]  # unit id → (numerator, denominator)
    city: Decimal | None
    counties: dict[int, Decimal | None]  # county id → aggregate
    ranks: dict[int, int] = field(default_factory=dict)
    # 0 (best) … 1 (worst) by mid-rank, so that a value many townships share (0 accidents)
    # does not stand out the way a first place of its own does.
    standing: dict[int, Decimal] = field(default_factory=dict)

    @property
    def ranked(self) -> int:
        return len(self.ranks)

    @property
    def reported(self) -> int:
        return sum(1 for v in self.values.values() if v is not None)

    @property
    def below_count(self) -> int:
        return len(self.below())

    def below(self) -> list[int]:
        """Townships flagged: worse than the city average."""
        return [u for u, v in self.values.items() if (a := advantage(self.indicator, v, self.city)) and a < 0]


class Dataset:
    """Signed-off values of every township-level unit for some years, loaded in one query."""

    def __init__(self, years):
        self.years = sorted(set(years))
        self.indicators = list(Indicator.objects.active().select_related("numerator", "denominator"))
        self.by_key = {i.key: i for i in self.indicators}
        self.townships = list(Unit.objects.townships().select_related("parent").order_by("path"))
        self.township_ids = [t.pk for t in self.townships]
        self.county = {t.pk: county_of(t) for t in self.townships}
        self._raw: dict[tuple[int, int], dict[int, Decimal]] = {}
        rows = (
            IndicatorValue.objects.counted()
            .townships()
            .filter(year__in=self.years)
            .values_list("indicator_id", "year", "unit_id", "approved_value")
        )
        for indicator_id, year, unit_id, value in rows:
            self._raw.setdefault((indicator_id, year), {})[unit_id] = value
        self._columns: dict[tuple[int, int], Column] = {}

    def raw(self, indicator: Indicator, year: int) -> dict[int, Decimal]:
        return self._raw.get((indicator.pk, year), {})

    def inputs(self, indicator: Indicator, unit_id: int, year: int) -> tuple[Decimal | None, Decimal | None]:
        if indicator.is_raw:
            return self.raw(indicator, year).get(unit_id), None
        return (
            self.raw(indicator.numerator, year).get(unit_id),
            self.raw(indicator.denominator, year).get(unit_id),
        )

    def derive(self, indicator: Indicator, numerator: Decimal | None, denominator: Decimal | None):
        if numerator is None or denominator is None or denominator == 0:
            return None
        return numerator * cat.SCALES[indicator.derivation] / denominator

    def value(self, indicator: Indicator, unit_id: int, year: int) -> Decimal | None:
        numerator, denominator = self.inputs(indicator, unit_id, year)
        exact = numerator if indicator.is_raw else self.derive(indicator, numerator, denominator)
        return rounded(exact, indicator.decimals)

    def aggregate(self, indicator: Indicator, unit_ids, year: int) -> Decimal | None:
        """The figure of a group of townships taken together (module docstring)."""
        if indicator.is_raw:
            values = [v for u in unit_ids if (v := self.raw(indicator, year).get(u)) is not None]
            exact = sum(values, Decimal(0)) / len(values) if values else None
        else:
            numerator, denominator = self.sums(indicator, unit_ids, year)
            exact = self.derive(indicator, numerator, denominator)
        return rounded(exact, average_decimals(indicator))

    def sums(self, indicator: Indicator, unit_ids, year: int) -> tuple[Decimal | None, Decimal | None]:
        """Σnumerator and Σdenominator of a derived indicator over the townships with a figure of
        their own: one without (an input missing, a zero denominator) is left out of both sums."""
        pairs = [self.inputs(indicator, u, year) for u in unit_ids]
        pairs = [(n, d) for n, d in pairs if n is not None and d]
        if not pairs:
            return None, None
        return sum(n for n, _ in pairs), sum(d for _, d in pairs)

    def column(self, indicator: Indicator, year: int) -> Column:
        key = (indicator.pk, year)
        if key not in self._columns:
            self._columns[key] = self._column(indicator, year)
        return self._columns[key]

    def _column(self, indicator: Indicator, year: int) -> Column:
        values = {u: self.value(indicator, u, year) for u in self.township_ids}
        inputs = {u: self.inputs(indicator, u, year) for u in self.township_ids}
        members: dict[int, list[int]] = {}
        for unit_id, county in self.county.items():
            if county is not None:
                members.setdefault(county.pk, []).append(unit_id)
        column = Column(
            indicator=indicator,
            year=year,
            values=values,
            inputs=inputs,
            city=self.aggregate(indicator, self.township_ids, year),
            counties={c: self.aggregate(indicator, ids, year) for c, ids in members.items()},
        )
        if indicator.compared:
            best_first = sorted(
                (v for v in values.values() if v is not None), reverse=indicator.direction == cat.HIGHER
            )
            place, last = {}, {}
            for position, v in enumerate(best_first, start=1):
                place.setdefault(v, position)
                last[v] = position
            column.ranks = {u: place[v] for u, v in values.items() if v is not None}
            spread = Decimal(max(len(best_first) - 1, 1))
            column.standing = {
                u: (Decimal(place[v] + last[v]) / 2 - 1) / spread for u, v in values.items() if v is not None
            }
        return column
