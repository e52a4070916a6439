"""Properties of the tally on random records from a seeded generator, and agreement with a naive
reference written straight from spec/scoring.md (Fractions everywhere, Decimal rounding)."""

import json
import math
import random
from collections import Counter
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest

from pingyi.ballots.count.record import AuditRecord, loads
from pingyi.ballots.count.tally import BLANK, OVER_QUOTA, TOO_FEW, UNIFORM, tally, validate_ballot

SEEDS = range(40)


def random_record(seed: int) -> AuditRecord:
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    criteria = [f"c{i}" for i in range(rng.randint(1, 4))]
    scale = [
        ("好", 100),
        ("较好", rng.choice([80, 85.5])),
        ("一般", 60),
        ("差", rng.choice([40, 0])),
        ("不了解", None),
    ]
    labels = [label for label, _ in scale]
    groups = [f"g{i}" for i in range(rng.randint(1, 3))]
    drop_high, drop_low = rng.randint(0, 2), rng.randint(0, 1)
    ballots = []
    for i in range(rng.randint(0, 80)):
        kind = rng.random()
        if kind < 0.05:
            ratings = {}
        elif kind < 0.12:
            label = rng.choice(labels)
            ratings = {f"a{j}": {c: label for c in criteria} for j in range(n)}
        else:
            lean = rng.randint(0, 2)
            ratings = {
                f"a{j}": {
                    c: labels[min(4, lean + rng.choice([0, 0, 1, 1, 2, 4]))]
                    for c in criteria
                    if rng.random() < 0.9
                }
                for j in range(n)
                if rng.random() < 0.9
            }
        ballots.append({"group": rng.choice(groups), "receipt": f"R{i}", "ratings": ratings})
    return AuditRecord.from_json({
        "review": {"number": 1, "title": "随机"},
        "scale": [{"label": label, "points": p} for label, p in scale],
        "criteria": [{"key": c, "label": c, "weight": rng.choice([1, 2, 0.5, 1.25, 30])} for c in criteria],
        "groups": [{"key": g, "label": g, "weight": rng.choice([1, 3, 0.5, 40])} for g in groups],
        "rules": {
            "trim": {"min_count": rng.randint(drop_high + drop_low + 1, 7), "drop_high": drop_high, "drop_low": drop_low},
            "top_quota": rng.choice([None, {"share": 0.4, "min_score": 90}, {"share": 0.25, "min_score": 85.5}]),
            "reject_uniform": rng.random() < 0.8,
            "grades": [{"label": "好", "min": 90}, {"label": "较好", "min": 75}, {"label": "一般", "min": 60}],
            "min_valid": rng.randint(0, 6),
        },
        "appraisees": [{"key": f"a{j}", "name": f"人{j}", "unit": "", "title": ""} for j in range(n)],
        "ballots": ballots,
    })  # fmt: skip


def reference(record: AuditRecord) -> dict:
    points = {lv.label: lv.points for lv in record.scale}
    weight = {c.key: Fraction(c.weight) for c in record.criteria}
    keys = [a.key for a in record.appraisees]
    rules = record.rules

    def score(given):
        rated = [
            (weight[c], Fraction(points[label])) for c, label in given.items() if points[label] is not None
        ]
        return sum(w * p for w, p in rated) / sum(w for w, _ in rated) if rated else None

    def reason(ballot):
        every = [label for given in ballot.ratings.values() for label in given.values()]
        if all(points[label] is None for label in every):  # nothing rated, or only 不了解
            return BLANK
        if (
            rules.reject_uniform
            and len(keys) >= 3
            and all(ballot.ratings.get(k) for k in keys)
            and len(set(every)) == 1
        ):
            return UNIFORM
        quota = rules.top_quota
        if quota is not None:
            reaching = [
                s for g in ballot.ratings.values() if (s := score(g)) is not None and s >= quota.min_score
            ]
            if len(reaching) > max(1, math.floor(Fraction(quota.share) * len(keys))):
                return OVER_QUOTA
        return None

    def text(value, places):
        with localcontext() as ctx:
            ctx.prec = 80
            exact = Decimal(value.numerator) / Decimal(value.denominator)
            return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    valid = [b for b in record.ballots if reason(b) is None]
    rows = []
    for k in keys:
        groups, have = {}, []
        for g in record.groups:
            scores = sorted(
                s for b in valid if b.group == g.key and (s := score(b.ratings.get(k, {}))) is not None
            )
            kept = scores[rules.trim.drop_low : len(scores) - rules.trim.drop_high]
            kept = kept if len(scores) >= rules.trim.min_count else scores
            mean = sum(kept) / len(kept) if kept else None
            groups[g.key] = {"ballots": len(scores), "mean": None if mean is None else text(mean, 2)}
            if mean is not None:
                have.append((Fraction(g.weight), mean))
        final = sum(w * m for w, m in have) / sum(w for w, _ in have) if have else None
        score_text = None if final is None else text(final, 2)
        chosen = Counter(lb for b in valid for lb in b.ratings.get(k, {}).values() if points[lb] is not None)
        total = sum(chosen.values())
        count = sum(g["ballots"] for g in groups.values())
        rows.append({
            "appraisee": k, "score": score_text,
            "grade": None if final is None else next((g.label for g in rules.grades if Decimal(score_text) >= g.min), None),
            "rank": None, "valid_ballots": count, "groups": groups,
            "levels": {lv.label: text(Fraction(chosen[lv.label], total), 4) for lv in record.scale
                       if lv.points is not None} if total else {},
            "flags": [TOO_FEW] if final is None or count < rules.min_valid else [],
        })  # fmt: skip
    for row in rows:
        if row["score"] is not None:
            row["rank"] = 1 + sum(
                1 for r in rows if r["score"] is not None and Decimal(r["score"]) > Decimal(row["score"])
            )
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["appraisee"]))
    invalid = [{"receipt": b.receipt, "reason": reason(b)} for b in record.ballots if reason(b) is not None]
    return {
        "results": rows,
        "ballots": {"total": len(record.ballots), "valid": len(valid), "invalid": invalid},
    }


@pytest.mark.parametrize("seed", SEEDS)
def test_agrees_with_the_reference(seed):
    record = random_record(seed)
    assert tally(record).to_json() == reference(record)


@pytest.mark.parametrize("seed", SEEDS)
def test_order_of_ballots_does_not_matter(seed):
    record = random_record(seed)
    shuffled = list(record.ballots)
    random.Random(seed).shuffle(shuffled)
    a, b = tally(record), tally(replace(record, ballots=tuple(shuffled)))
    assert a.results == b.results
    # The same ballots are invalid for the same reasons; only their positions moved.
    named = [sorted((i.receipt, i.reason) for i in t.ballots.invalid) for t in (a, b)]
    assert named[0] == named[1]
    assert (a.ballots.total, a.ballots.valid) == (b.ballots.total, b.ballots.valid)


@pytest.mark.parametrize("seed", SEEDS)
def test_recount_of_the_published_record_is_identical(seed):
    record = random_record(seed)
    text = json.dumps(record.to_json(), ensure_ascii=False)
    assert tally(loads(text)) == tally(AuditRecord.from_json(json.loads(text))) == tally(record)


@pytest.mark.parametrize("seed", SEEDS)
def test_level_shares_total_one_to_rounding(seed):
    for row in tally(random_record(seed)).results:
        if row.levels:
            assert abs(sum(row.levels.values()) - 1) <= Decimal("0.00005") * len(row.levels)


@pytest.mark.parametrize("seed", SEEDS)
def test_validate_ballot_agrees_with_the_tally(seed):
    record = random_record(seed)
    invalid = {b.receipt: b.reason for b in tally(record).ballots.invalid}
    keys = [a.key for a in record.appraisees]
    for ballot in record.ballots:
        assert validate_ballot(
            record.scale, record.criteria, record.rules, keys, ballot.ratings
        ) == invalid.get(ballot.receipt)


def test_the_generator_reaches_every_rule():
    seen = Counter()
    for seed in SEEDS:
        out = tally(random_record(seed))
        seen.update(b.reason for b in out.ballots.invalid)
        seen.update(f for r in out.results for f in r.flags)
        seen["ranked"] += sum(1 for r in out.results if r.rank is not None)
        seen["tied"] += len([r.rank for r in out.results if r.rank]) - len(
            {r.rank for r in out.results if r.rank}
        )
        seen["unscored"] += sum(1 for r in out.results if r.score is None)
        record = random_record(seed)
        seen["trimmed"] += sum(
            1 for r in out.results for g in r.groups.values() if g.ballots >= record.rules.trim.min_count
        )
    assert all(
        seen[k] > 0 for k in (BLANK, UNIFORM, OVER_QUOTA, TOO_FEW, "ranked", "tied", "unscored", "trimmed")
    ), seen
