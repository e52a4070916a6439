"""The tally (计票) of spec/scoring.md: a pure function of the audit record, exact until the output.

Steps 1–2 (ballot scores, validity) are in scoring.py. Readings of the rest of the spec:

- Step 3: a group's scores are sorted and, when there are at least min_count of them, the
  drop_low lowest and drop_high highest values are removed one instance at a time (with three
  equal top scores and drop_high 1, two remain). `groups[g].ballots` counts before trimming.
- Step 4: F uses the exact group means; the means shown are rounded separately, so F recomputed
  from the shown means may differ in the last digit. Group weights are renormalised over the
  groups that have a mean; no group with a mean → no score.
- Step 5: shares count (valid ballot, criterion) ratings with points, unweighted by criterion and
  untrimmed, all groups pooled. Every level with points is listed, in scale order, also at
  "0.0000"; an appraisee without such ratings has `levels: {}`. Shares are rounded one by one, so
  their sum may differ from 1 by the rounding.
- Step 6: the grade is the first threshold (highest first) that the score rounded to 2 decimals
  reaches (89.995 → 90.00 → 好 with the default grades); below the last threshold: no grade. Ranks
  compare rounded scores (1, 2, 2, 4). 票数不足 is only a flag: a flagged appraisee with a score
  keeps its grade and rank. An appraisee without a score (every valid ballot abstains on it) has
  score, grade and rank null and is always flagged 票数不足 (also when min_valid is 0), and is
  listed after the ranked ones. Ties in rank, and the unranked, are ordered by appraisee key
  (code-point order, so a10 < a9).
- `valid_ballots` is the number of valid ballots that do not abstain on the appraisee (the count
  min_valid is compared with). `groups` lists every group of the record, in record order; a group
  without ballots for the appraisee has `{"ballots": 0, "mean": null}`.
- Rounding is half up, ties away from zero (only relevant if a scale had negative points).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import lcm

from .record import AuditRecord, Rules, Trim
from .scoring import (  # noqa: F401  (validate_ballot and the reasons are re-exported)
    BLANK,
    OVER_QUOTA,
    UNIFORM,
    BallotRules,
    round_half_up,
    validate_ballot,
)

TOO_FEW = "票数不足"


@dataclass(frozen=True)
class GroupMean:
    ballots: int  # valid ballots of the group that score the appraisee, before trimming
    mean: Decimal | None  # rounded to 2 decimals
    exact: Fraction | None


@dataclass(frozen=True)
class AppraiseeResult:
    appraisee: str
    score: Decimal | None  # rounded to 2 decimals
    exact: Fraction | None
    grade: str | None
    rank: int | None
    valid_ballots: int
    groups: dict[str, GroupMean]
    levels: dict[str, Decimal]  # level label → share, rounded to 4 decimals
    flags: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "appraisee": self.appraisee,
            "score": _text(self.score),
            "grade": self.grade,
            "rank": self.rank,
            "valid_ballots": self.valid_ballots,
            "groups": {k: {"ballots": g.ballots, "mean": _text(g.mean)} for k, g in self.groups.items()},
            "levels": {label: _text(share) for label, share in self.levels.items()},
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class InvalidBallot:
    index: int  # position in the record's ballots, from 0
    receipt: str | None  # only in records of the older form, which name invalid ballots by receipt
    reason: str

    def to_json(self) -> dict:
        where = {"index": self.index} if self.receipt is None else {"receipt": self.receipt}
        return {**where, "reason": self.reason}


@dataclass(frozen=True)
class BallotCount:
    total: int
    valid: int
    invalid: tuple[InvalidBallot, ...]

    @property
    def by_reason(self) -> dict[str, int]:
        """Invalid ballots per reason, in the order the reasons are checked; zero counts left out."""
        counts = Counter(b.reason for b in self.invalid)
        return {reason: counts[reason] for reason in (BLANK, UNIFORM, OVER_QUOTA) if counts[reason]}


@dataclass(frozen=True)
class TallyResult:
    results: tuple[AppraiseeResult, ...]  # by rank, then appraisee key; unranked last
    ballots: BallotCount
    by_appraisee: dict[str, AppraiseeResult] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_appraisee", {r.appraisee: r for r in self.results})

    def to_json(self) -> dict:
        return {
            "results": [r.to_json() for r in self.results],
            "ballots": {
                "total": self.ballots.total,
                "valid": self.ballots.valid,
                "invalid": [b.to_json() for b in self.ballots.invalid],
            },
        }


def tally(record: AuditRecord) -> TallyResult:
    judge = BallotRules.for_record(record)
    keys = [a.key for a in record.appraisees]
    group_pos = {g.key: i for i, g in enumerate(record.groups)}
    scores: dict[str, list[list[tuple[int, int]]]] = {k: [[] for _ in record.groups] for k in keys}
    chosen: dict[str, Counter] = {k: Counter() for k in keys}
    invalid = []
    for index, ballot in enumerate(record.ballots):
        reason, ballot_scores = judge.judge(ballot.ratings)
        if reason is not None:
            invalid.append(InvalidBallot(index, ballot.receipt, reason))
            continue
        g = group_pos[ballot.group]
        for key, num, den in ballot_scores:
            scores[key][g].append((num, den))
        for key, given in ballot.ratings.items():
            chosen[key].update(given.values())

    pointed = [lv.label for lv in record.scale if lv.points is not None]
    weights = [Fraction(g.weight) for g in record.groups]
    unranked = [
        _appraisee(key, scores[key], chosen[key], record, weights, pointed, judge.points_scale)
        for key in keys
    ]
    results = _ranked(unranked)
    count = BallotCount(len(record.ballots), len(record.ballots) - len(invalid), tuple(invalid))
    return TallyResult(tuple(results), count)


def _appraisee(key, per_group, chosen, record: AuditRecord, weights, pointed, points_scale) -> dict:
    rules: Rules = record.rules
    means = [_group_mean(pairs, rules.trim, points_scale) for pairs in per_group]
    have = [(w, m) for w, m in zip(weights, means, strict=True) if m is not None]
    exact = sum((w * m for w, m in have), Fraction(0)) / sum(w for w, _ in have) if have else None
    score = None if exact is None else round_half_up(exact, 2)
    grade = None if score is None else next((g.label for g in rules.grades if score >= g.min), None)
    valid = sum(len(pairs) for pairs in per_group)
    total = sum(chosen[label] for label in pointed)
    levels = {label: round_half_up(Fraction(chosen[label], total), 4) for label in pointed} if total else {}
    groups = {
        g.key: GroupMean(len(pairs), None if m is None else round_half_up(m, 2), m)
        for g, pairs, m in zip(record.groups, per_group, means, strict=True)
    }
    flags = (TOO_FEW,) if exact is None or valid < rules.min_valid else ()
    return dict(
        appraisee=key,
        score=score,
        exact=exact,
        grade=grade,
        valid_ballots=valid,
        groups=groups,
        levels=levels,
        flags=flags,
    )


def _group_mean(pairs: list[tuple[int, int]], trim: Trim, points_scale: int) -> Fraction | None:
    """Mean of the (trimmed) ballot scores num/den, over a common denominator so that sorting and
    summing stay in integers."""
    if not pairs:
        return None
    common = lcm(*{den for _, den in pairs})
    values = sorted(num * (common // den) for num, den in pairs)
    if len(values) >= trim.min_count:
        values = values[trim.drop_low : len(values) - trim.drop_high]
    return Fraction(sum(values), len(values) * common * points_scale)


def _ranked(rows: list[dict]) -> list[AppraiseeResult]:
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: (-r["score"], r["appraisee"]))
    out = []
    for i, row in enumerate(scored):
        rank = out[-1].rank if out and out[-1].score == row["score"] else i + 1
        out.append(AppraiseeResult(rank=rank, **row))
    unscored = sorted((r for r in rows if r["score"] is None), key=lambda r: r["appraisee"])
    out.extend(AppraiseeResult(rank=None, **row) for row in unscored)
    return out


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
