"""One tally (spec/scoring.md) of a generated audit record; print JSON.

    .venv/bin/python bench/tally.py
    .venv/bin/python bench/tally.py --ballots 2000 --appraisees 30

A city-wide round: 30 appraisees, the default scale and four criteria, three evaluator groups
(市领导 40, 市直部门 30, 两代表一委员及群众代表 30) casting 2,000 ballots between them. Raters
lean towards each appraisee's standing with some noise and leniency; 不了解 is common among the
representatives; about 1% of ballots are blank, 1% all 好 and some generous raters exceed the
优秀名额. Timed: `tally(record)` on the parsed record; reading the JSON text is reported apart.
recount_seconds is the whole `recount --json` path (read, tally, JSON). Target (issue 5): ≤ 2 s.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pingyi.ballots.count.record import loads  # noqa: E402
from pingyi.ballots.count.tally import tally  # noqa: E402

SCALE = [("好", 100), ("较好", 80), ("一般", 60), ("差", 40), ("不了解", None)]
CRITERIA = [("development", "发展领头雁", 30), ("people", "群众贴心人", 25), ("safety", "平安守护者", 25),
            ("party", "党建与作风廉洁", 20)]  # fmt: skip
GRADES = [("好", 90), ("较好", 75), ("一般", 60), ("差", 0)]
GROUPS = [("leaders", "市领导", 40, 0.02, 0.02), ("departments", "市直部门", 30, 0.18, 0.06),
          ("representatives", "两代表一委员及群众代表", 30, 0.80, 0.15)]  # fmt: skip


def generate(ballots: int, appraisees: int, seed: int = 5) -> dict:
    rng = random.Random(seed)
    standing = [rng.gauss(1.4, 0.5) for _ in range(appraisees)]  # 0 = 好 … 3 = 差
    keys = [f"a{i + 1:02d}" for i in range(appraisees)]
    out = []
    for n in range(ballots):
        group, _, _, _, unknown = rng.choices(GROUPS, weights=[g[3] for g in GROUPS])[0]
        kind = rng.random()
        if kind < 0.01:
            ratings = {}
        elif kind < 0.02:
            ratings = {k: {c: "好" for c, _, _ in CRITERIA} for k in keys}
        else:
            leniency = rng.gauss(0, 0.3) - (0.9 if kind > 0.97 else 0)
            ratings = {}
            for k, s in zip(keys, standing, strict=True):
                if rng.random() < unknown:
                    ratings[k] = {c: "不了解" for c, _, _ in CRITERIA}
                    continue
                ratings[k] = {
                    c: "不了解"
                    if rng.random() < 0.03
                    else SCALE[min(3, max(0, round(s + leniency + rng.gauss(0, 0.5))))][0]
                    for c, _, _ in CRITERIA
                }
        out.append({"group": group, "receipt": f"R{n:05d}", "ratings": ratings})
    return {
        "review": {"number": 1, "title": "第一期全市乡镇（街道）党政正职述职评议会"},
        "scale": [{"label": label, "points": p} for label, p in SCALE],
        "criteria": [{"key": k, "label": label, "weight": w} for k, label, w in CRITERIA],
        "groups": [{"key": k, "label": label, "weight": w} for k, label, w, _, _ in GROUPS],
        "rules": {
            "trim": {"min_count": 6, "drop_high": 1, "drop_low": 1},
            "top_quota": {"share": 0.3, "min_score": 90},
            "reject_uniform": True,
            "grades": [{"label": label, "min": low} for label, low in GRADES],
            "min_valid": 5,
        },
        "appraisees": [
            {"key": k, "name": f"述职人{k}", "unit": f"第{k}镇", "title": "党委书记"} for k in keys
        ],
        "ballots": out,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--appraisees", type=int, default=30)
    args = parser.parse_args()
    text = json.dumps(generate(args.ballots, args.appraisees), ensure_ascii=False)
    t0 = time.perf_counter()
    record = loads(text)
    read_seconds = time.perf_counter() - t0
    whole = []
    for _ in range(5):
        t0 = time.perf_counter()
        json.dumps(tally(loads(text)).to_json(), ensure_ascii=False)
        whole.append(time.perf_counter() - t0)
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        result = tally(record)
        runs.append(time.perf_counter() - t0)
    print(json.dumps({
        "bench": "tally",
        "ballots": result.ballots.total,
        "appraisees": len(record.appraisees),
        "criteria": len(record.criteria),
        "groups": len(record.groups),
        "valid_ballots": result.ballots.valid,
        "invalid_by_reason": result.ballots.by_reason,
        "ratings": sum(len(r) for b in record.ballots for r in b.ratings.values()),
        "read_seconds": round(read_seconds, 3),
        "recount_seconds_best": round(min(whole), 3),
        "tally_seconds_best": round(min(runs), 3),
        "tally_seconds_median": round(sorted(runs)[len(runs) // 2], 3),
        "target_seconds": 2.0,
        "meets_target": max(runs) <= 2.0,
    }, ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
