"""Steps 1 and 2 of docs/spec/scoring.md for one ballot — its scores and its validity — and half-up rounding.

The tally and the ballot pages share `BallotRules`, so a ballot refused before submission is
exactly a ballot the tally would count as invalid. Readings of step 2 (see tally.py for the rest):

- 空白票: no rating that has points — nothing rated, or only 不了解 (which abstains). So a ballot
  that marks every appraisee 不了解 everywhere is 空白票, never 同一档次. "b rates every appraisee"
  means every appraisee has at least one rating, and "the same level" compares all ratings of the
  ballot, 不了解 included (a ballot of 一般 and 不了解 is not uniform).
- For `top_quota`, an appraisee reaches min_score when the exact ballot score s(b,a) ≥ min_score
  (abstaining appraisees do not); N is the number of appraisees in the record, and the allowance
  max(1, floor(share × N)) is computed exactly from the decimal share (0.3 × 10 = 3; 0.3 × 3 → 1).

Scores are kept in integers: weights and points are scaled by a common denominator each, so that
s(b,a) = num / (den × points_scale) with integer num and den.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import lcm

from .record import (
    Criterion,
    Level,
    Rules,
    check_ratings,
    read_criteria,
    read_rules,
    read_scale,
)

BLANK = "空白票"
UNIFORM = "同一档次"
OVER_QUOTA = "超过优秀名额"

Ratings = Mapping[str, Mapping[str, str]]


class BallotRules:
    """A frozen form (scale, criteria, rules, appraisees) compiled to integers."""

    def __init__(
        self, scale: Sequence[Level], criteria: Sequence[Criterion], rules: Rules, appraisees: Sequence[str]
    ):
        weights = {c.key: Fraction(c.weight) for c in criteria}
        points = {lv.label: Fraction(lv.points) for lv in scale if lv.points is not None}
        weight_scale = lcm(*(w.denominator for w in weights.values()))
        self.points_scale = lcm(*(p.denominator for p in points.values()))
        # criterion → label → (weight, weight × points), or None when the label abstains
        self.table: dict[str, dict[str, tuple[int, int] | None]] = {}
        for key, w in weights.items():
            iw = int(w * weight_scale)
            self.table[key] = {
                lv.label: None
                if lv.label not in points
                else (iw, iw * int(points[lv.label] * self.points_scale))
                for lv in scale
            }
        self.n = len(appraisees)
        self.reject_uniform = rules.reject_uniform and self.n >= 3
        quota = rules.top_quota
        if quota is None:
            self.quota_allowed = None
        else:
            share = Fraction(quota.share)
            # At least one: floor(0.3 × 3) = 0 would make every ballot with one high score invalid.
            self.quota_allowed = max(1, share.numerator * self.n // share.denominator)
            # s ≥ min_score  ⇔  num × q ≥ p × den, with p/q = min_score × points_scale
            reach = Fraction(quota.min_score) * self.points_scale
            self.quota_p, self.quota_q = reach.numerator, reach.denominator

    @classmethod
    def for_record(cls, record) -> BallotRules:
        return cls(record.scale, record.criteria, record.rules, [a.key for a in record.appraisees])

    def judge(self, ratings: Ratings) -> tuple[str | None, list[tuple[str, int, int]]]:
        """(reason the ballot is invalid or None, [(appraisee, num, den) for each appraisee it scores])."""
        table = self.table
        scores = []
        labels: set[str] = set()
        rated = 0
        for key, given in ratings.items():
            if not given:
                continue
            rated += 1
            num = den = 0
            for criterion, label in given.items():
                entry = table[criterion][label]
                if entry is not None:
                    den += entry[0]
                    num += entry[1]
            labels.update(given.values())
            if den:
                scores.append((key, num, den))
        if not scores:
            return BLANK, scores
        if self.reject_uniform and rated == self.n and len(labels) == 1:
            return UNIFORM, scores
        if self.quota_allowed is not None:
            p, q = self.quota_p, self.quota_q
            if sum(1 for _, num, den in scores if num * q >= p * den) > self.quota_allowed:
                return OVER_QUOTA, scores
        return None, scores


def validate_ballot(
    scale: Sequence[Level] | list[dict],
    criteria: Sequence[Criterion] | list[dict],
    rules: Rules | dict,
    appraisees: Sequence[str],
    ratings: Ratings,
) -> str | None:
    """空白票 / 同一档次 / 超过优秀名额 for one ballot before it is submitted, or None when it would count.

    scale, criteria and rules are the record's dataclasses or their JSON shape (as stored on the
    ballot form); `ratings` maps appraisee key → criterion key → level label. A bad form, or keys
    and labels outside it, raise RecordError: a programming error, not a property of the ballot.
    """
    scale = scale if _all(scale, Level) else read_scale(scale)
    criteria = criteria if _all(criteria, Criterion) else read_criteria(criteria)
    rules = rules if isinstance(rules, Rules) else read_rules(rules)
    checked = check_ratings(
        ratings, "ratings", appraisees, [c.key for c in criteria], [lv.label for lv in scale]
    )
    return BallotRules(scale, criteria, rules, appraisees).judge(checked)[0]


def _all(items, kind) -> bool:
    return bool(items) and all(isinstance(item, kind) for item in items)


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Exact half-up rounding (ties away from zero, like Decimal's ROUND_HALF_UP)."""
    unit = 10**places
    scaled = abs(value) * unit
    q = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    sign = "-" if value < 0 and q else ""
    return Decimal(f"{sign}{q // unit}.{q % unit:0{places}d}") if places else Decimal(f"{sign}{q}")
