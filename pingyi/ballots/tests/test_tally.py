"""The tally against hand-computed cases for each rule of spec/scoring.md.

Ratings are written as one letter per criterion (d 30, p 25, s 25, c 20):
H 好 100, G 较好 80, M 一般 60, B 差 40, U 不了解, - not rated.
"""

import copy
from decimal import Decimal
from fractions import Fraction

import pytest

from pingyi.ballots.count.record import (
    AuditRecord,
    Criterion,
    Grade,
    Level,
    RecordError,
    Rules,
    TopQuota,
    Trim,
)
from pingyi.ballots.count.tally import (
    BLANK,
    OVER_QUOTA,
    TOO_FEW,
    UNIFORM,
    round_half_up,
    tally,
    validate_ballot,
)

LEVELS = {"H": "好", "G": "较好", "M": "一般", "B": "差", "U": "不了解"}
CRITERIA = [("d", 30), ("p", 25), ("s", 25), ("c", 20)]
SCALE = [{"label": "好", "points": 100}, {"label": "较好", "points": 80}, {"label": "一般", "points": 60},
         {"label": "差", "points": 40}, {"label": "不了解", "points": None}]  # fmt: skip
GRADES = [{"label": "好", "min": 90}, {"label": "较好", "min": 75}, {"label": "一般", "min": 60},
          {"label": "差", "min": 0}]  # fmt: skip


def record_json(ballots, n=3, scale=None, criteria=None, groups=None, **rules) -> dict:
    """Appraisees a1…an; ballots are (group, {appraisee: "HGMU" | {criterion: label}}), receipts R1, R2, …"""
    keys = [k for k, _ in criteria or CRITERIA]
    out = []
    for i, (group, ratings) in enumerate(ballots):
        given = {
            key: {k: LEVELS[ch] for k, ch in zip(keys, levels, strict=True) if ch != "-"}
            if isinstance(levels, str)
            else levels
            for key, levels in ratings.items()
        }
        out.append({"group": group, "receipt": f"R{i + 1}", "ratings": given})
    return {
        "review": {"number": 1, "title": "第一期"},
        "scale": copy.deepcopy(scale or SCALE),
        "criteria": [{"key": k, "label": k.upper(), "weight": w} for k, w in criteria or CRITERIA],
        "groups": [
            {"key": k, "label": k, "weight": w} for k, w in groups or [("L", 40), ("D", 30), ("M", 30)]
        ],
        "rules": {
            "trim": rules.get("trim", {"min_count": 6, "drop_high": 1, "drop_low": 1}),
            "top_quota": rules.get("top_quota"),
            "reject_uniform": rules.get("reject_uniform", True),
            "grades": copy.deepcopy(rules.get("grades", GRADES)),
            "min_valid": rules.get("min_valid", 5),
        },
        "appraisees": [
            {"key": f"a{i}", "name": f"人{i}", "unit": "镇", "title": "书记"} for i in range(1, n + 1)
        ],
        "ballots": out,
    }


def run(ballots, **kwargs) -> dict:
    return tally(AuditRecord.from_json(record_json(ballots, **kwargs))).to_json()


def result(out, key) -> dict:
    return next(r for r in out["results"] if r["appraisee"] == key)


def reasons(out) -> list[str]:
    return [b["reason"] for b in out["ballots"]["invalid"]]


# ---- step 1: ballot score ------------------------------------------------------------------------------


def test_ballot_score_weights_the_criteria():
    a1 = result(run([("L", {"a1": "HGMB"})]), "a1")
    # (30·100 + 25·80 + 25·60 + 20·40) / 100
    assert a1["score"] == "73.00"
    assert a1["grade"] == "一般"
    assert a1["groups"]["L"] == {"ballots": 1, "mean": "73.00"}


def test_abstained_or_unrated_criteria_leave_the_weighted_mean_of_the_others():
    a1 = result(run([("L", {"a1": "HUUG"}), ("L", {"a1": "H-UG"})]), "a1")
    # (30·100 + 20·80) / 50 on both ballots
    assert a1["score"] == "92.00"
    assert a1["valid_ballots"] == 2
    assert a1["levels"] == {"好": "0.5000", "较好": "0.5000", "一般": "0.0000", "差": "0.0000"}


def test_abstaining_on_every_criterion_is_no_ballot_for_that_appraisee():
    out = run([("L", {"a1": "UUUU", "a2": "GGGG"}), ("D", {"a1": "UUUU", "a2": "HHHH"})])
    assert result(out, "a1") == {
        "appraisee": "a1", "score": None, "grade": None, "rank": None, "valid_ballots": 0,
        "groups": {"L": {"ballots": 0, "mean": None}, "D": {"ballots": 0, "mean": None},
                   "M": {"ballots": 0, "mean": None}},
        "levels": {}, "flags": [TOO_FEW],
    }  # fmt: skip
    # the same ballots count for a2: (40·80 + 30·100) / 70 = 88.571…
    assert result(out, "a2")["score"] == "88.57"
    assert out["ballots"] == {"total": 2, "valid": 2, "invalid": []}


# ---- step 2: validity ----------------------------------------------------------------------------------


def test_a_ballot_without_any_rating_is_blank():
    out = run([("L", {}), ("L", {"a1": {}, "a2": {}}), ("L", {"a1": "G---"})])
    assert out["ballots"]["invalid"] == [
        {"receipt": "R1", "reason": BLANK},
        {"receipt": "R2", "reason": BLANK},
    ]
    assert out["ballots"]["valid"] == 1


def test_a_ballot_of_only_bu_liao_jie_is_blank():
    # It rates nobody with points; with N ≥ 3 it is 空白票, not 同一档次 (the spec's ruling).
    assert reasons(run([("L", {"a1": "UUUU", "a2": "UUUU"})], n=2)) == [BLANK]
    assert reasons(run([("L", {"a1": "UUUU", "a2": "UUUU", "a3": "UUUU"})], n=3)) == [BLANK]
    assert reasons(run([("L", {"a1": "UUUU", "a2": "UUUG"})], n=2)) == []


@pytest.mark.parametrize(
    ("n", "ratings", "reject", "reason"),
    [
        (3, {"a1": "HHHH", "a2": "HHHH", "a3": "HHHH"}, True, UNIFORM),
        (3, {"a1": "HHH-", "a2": "H---", "a3": "HHHH"}, True, UNIFORM),  # every rating given is 好
        (3, {"a1": "UUUU", "a2": "UUUU", "a3": "UUUU"}, True, BLANK),  # only 不了解: blank first
        (3, {"a1": "HHHH", "a2": "HHHH", "a3": "HHHH"}, False, None),
        (2, {"a1": "HHHH", "a2": "HHHH"}, True, None),  # N < 3
        (3, {"a1": "HHHH", "a2": "HHHH"}, True, None),  # a3 not rated
        (3, {"a1": "HHHH", "a2": "HHHH", "a3": "----"}, True, None),  # a3: empty object, not rated
        (3, {"a1": "HHHH", "a2": "HHHH", "a3": "HHHG"}, True, None),
        (3, {"a1": "HHHH", "a2": "HHHH", "a3": "HHHU"}, True, None),
    ],
)
def test_same_level_on_every_rating_of_a_ballot_that_rates_every_appraisee(n, ratings, reject, reason):
    out = run([("L", ratings)], n=n, reject_uniform=reject)
    assert reasons(out) == ([reason] if reason else [])


QUOTA = {"share": 0.3, "min_score": 90}  # N = 10 → floor(3.0) = 3 may reach 90


def ten(reaching: int, **others) -> dict:
    ratings = {f"a{i}": "HMHH" if i <= reaching else "GGGG" for i in range(1, 11)}  # HMHH = 90.00 exactly
    return {**ratings, **others}


@pytest.mark.parametrize(
    ("ratings", "reason"),
    [
        (ten(3), None),
        (ten(4), OVER_QUOTA),
        (ten(3, a4="HMHG"), None),  # 86: below min_score
        (ten(3, a4="UUUU"), None),  # abstaining does not reach
        (ten(4, a4="HMH-"), None),  # (30·100 + 25·60 + 25·100) / 80 = 87.5
        (ten(4, a4="H--U"), OVER_QUOTA),  # 100 over the rated criterion alone
    ],
)
def test_top_quota_at_the_floor_boundary(ratings, reason):
    assert reasons(run([("L", ratings)], n=10, top_quota=QUOTA)) == ([reason] if reason else [])


def test_top_quota_floor_is_exact_for_decimal_shares():
    # 0.58 × 50 is 28.999999999999996 in floats; exactly 29 may reach.
    quota = {"share": 0.58, "min_score": 90}
    ratings = lambda reaching: {f"a{i}": "HHHH" if i <= reaching else "GGGG" for i in range(1, 51)}  # noqa: E731
    assert reasons(run([("L", ratings(29)), ("L", ratings(30))], n=50, top_quota=quota)) == [OVER_QUOTA]
    # 0.35 × 10 = 3.5 → 3
    quota = {"share": 0.35, "min_score": 90}
    assert reasons(run([("L", ten(3)), ("L", ten(4))], n=10, top_quota=quota)) == [OVER_QUOTA]


def test_a_small_round_still_allows_one_high_score():
    # floor(0.3 × 3) = 0 would make every ballot with one 好 invalid; the allowance is max(1, …).
    quota = {"share": 0.3, "min_score": 90}
    one, two = {"a1": "HHHH", "a2": "GGGG", "a3": "MMMM"}, {"a1": "HHHH", "a2": "HHHH", "a3": "MMMM"}
    assert reasons(run([("L", one), ("L", two)], n=3, top_quota=quota)) == [OVER_QUOTA]
    assert run([("L", one)], n=3, top_quota=quota)["ballots"]["valid"] == 1


def test_checks_run_in_the_spec_order_first_failure_wins():
    quota = {"share": 0, "min_score": 90}  # still one may reach 90: the allowance is at least 1
    all_good = {"a1": "HHHH", "a2": "HHHH", "a3": "HHHH"}
    assert reasons(run([("L", {}), ("L", all_good)], top_quota=quota)) == [BLANK, UNIFORM]
    assert reasons(run([("L", {}), ("L", all_good)], top_quota=quota, reject_uniform=False)) == [
        BLANK,
        OVER_QUOTA,
    ]


def test_invalid_ballots_count_for_nothing():
    uniform = {"a1": "BBBB", "a2": "BBBB", "a3": "BBBB"}
    out = run([("L", {"a1": "HGMU"}), ("D", {"a1": "HHMB"}), ("M", uniform)])
    a1 = result(out, "a1")
    # L: (3000 + 2000 + 1500) / 80 = 81.25; D: (3000 + 2500 + 1500 + 800) / 100 = 78; M: invalid
    # F = (40·81.25 + 30·78) / 70 = 5590 / 70 = 79.857…
    assert a1["score"] == "79.86"
    assert a1["groups"]["M"] == {"ballots": 0, "mean": None}
    assert a1["valid_ballots"] == 2
    # 7 ratings with points: 好 3, 较好 1, 一般 2, 差 1 — the 差 of the invalid ballot not among them
    assert a1["levels"] == {"好": "0.4286", "较好": "0.1429", "一般": "0.2857", "差": "0.1429"}
    assert out["ballots"] == {"total": 3, "valid": 2, "invalid": [{"receipt": "R3", "reason": UNIFORM}]}


# ---- step 3: group means and trimming ------------------------------------------------------------------


def a1_only(*letters, group="L"):
    return [(group, {"a1": ch * 4}) for ch in letters]


@pytest.mark.parametrize(
    ("letters", "ballots", "mean"),
    [
        ("HGGMMB", 6, "70.00"),  # exactly min_count: 100 and 40 dropped, (80 + 80 + 60 + 60) / 4
        ("HGGMB", 5, "72.00"),  # below min_count: 360 / 5
        ("HHHGMB", 6, "85.00"),  # one instance of the tied 100 dropped: (100 + 100 + 80 + 60) / 4
        ("GGGGGG", 6, "80.00"),
        ("HHHHBB", 6, "85.00"),  # ties at both ends, one instance each goes: (100 + 100 + 100 + 40) / 4
    ],
)
def test_trimmed_group_mean(letters, ballots, mean):
    a1 = result(run(a1_only(*letters), min_valid=1), "a1")
    assert a1["groups"]["L"] == {"ballots": ballots, "mean": mean}
    assert a1["score"] == mean


def test_trim_rule_is_read_from_the_record():
    trim = {"min_count": 3, "drop_high": 2, "drop_low": 0}
    assert result(run(a1_only("H", "G", "M"), trim=trim), "a1")["score"] == "60.00"
    assert result(run(a1_only("H", "G"), trim=trim), "a1")["score"] == "90.00"


def test_each_group_is_trimmed_on_its_own():
    ballots = a1_only(*"HGGMMB") + a1_only("H", group="D")
    # L 70 (trimmed), D 100 (one ballot): (40·70 + 30·100) / 70 = 82.857…
    assert result(run(ballots), "a1")["score"] == "82.86"


# ---- step 4: final score -------------------------------------------------------------------------------


def test_group_weights_are_renormalised_over_the_groups_with_a_mean():
    a1 = result(run([("L", {"a1": "HMHH"}), ("D", {"a1": "GMMG"})]), "a1")
    # L 90, D 70, M none: (40·90 + 30·70) / 70 = 81.428…
    assert a1["score"] == "81.43"
    assert a1["groups"] == {"L": {"ballots": 1, "mean": "90.00"}, "D": {"ballots": 1, "mean": "70.00"},
                            "M": {"ballots": 0, "mean": None}}  # fmt: skip
    assert result(run([("M", {"a1": "GMMG"})]), "a1")["score"] == "70.00"


# ---- steps 5 and 6: shares, rounding, grades, ranks, flags ---------------------------------------------

FINE_SCALE = [{"label": "好", "points": 90.01}, {"label": "较好", "points": 90}, {"label": "一般", "points": 89.99},
              {"label": "差", "points": 89.998}, {"label": "不了解", "points": None}]  # fmt: skip


def test_half_up_rounding_grades_on_the_rounded_score_and_ranks_with_ties():
    ballots = [
        ("L", {"a1": "G", "a2": "H", "a3": "M", "a4": "G"}),
        ("L", {"a1": "M", "a2": "G", "a3": "B", "a4": "G"}),
    ]
    out = run(ballots, n=4, scale=FINE_SCALE, criteria=[("x", 1)], min_valid=1)
    rows = [(r["appraisee"], r["score"], r["grade"], r["rank"]) for r in out["results"]]
    assert rows == [
        ("a2", "90.01", "好", 1),  # 90.005 exactly → up
        ("a1", "90.00", "好", 2),  # 89.995 → 90.00, which reaches 90: 好
        # exactly 90: tied with a1 after rounding, and ordered by key although F(a4) > F(a1)
        ("a4", "90.00", "好", 2),
        ("a3", "89.99", "较好", 4),  # 89.994
    ]
    assert result(out, "a2")["groups"]["L"]["mean"] == "90.01"


def test_level_shares_round_half_up_to_four_places():
    a1 = result(run([*a1_only(*"HHHHHHH"), ("L", {"a1": "HHHB"})]), "a1")
    # 32 ratings: 差 1/32 = 0.03125 → 0.0313, 好 31/32 = 0.96875 → 0.9688
    assert a1["levels"] == {"好": "0.9688", "较好": "0.0000", "一般": "0.0000", "差": "0.0313"}


def test_shares_pool_all_groups():
    a1 = result(run([("L", {"a1": "HHHH"}), ("D", {"a1": "GGGG"}), ("M", {"a1": "GGUU"})]), "a1")
    assert a1["levels"] == {"好": "0.4000", "较好": "0.6000", "一般": "0.0000", "差": "0.0000"}


def test_a_score_below_the_last_threshold_has_no_grade_but_a_rank():
    grades = [{"label": "好", "min": 90}, {"label": "较好", "min": 75}]
    a1 = result(run(a1_only("M"), grades=grades), "a1")
    assert (a1["score"], a1["grade"], a1["rank"]) == ("60.00", None, 1)


def test_fewer_than_min_valid_valid_scoring_ballots_is_flagged():
    uniform = {"a1": "GGGG", "a2": "GGGG", "a3": "GGGG"}
    ballots = [*a1_only(*"HGGM"), ("L", uniform), ("D", {"a1": "UUUU", "a2": "G---"})]
    a1 = result(run(ballots), "a1")
    # four valid ballots score a1; the uniform one is invalid and the 不了解 one abstains
    assert (a1["valid_ballots"], a1["flags"]) == (4, [TOO_FEW])
    assert (a1["score"], a1["grade"], a1["rank"]) == ("80.00", "较好", 1)
    a1 = result(run([*ballots, ("M", {"a1": "MMMM"})]), "a1")
    assert (a1["valid_ballots"], a1["flags"]) == (5, [])


def test_no_score_is_flagged_even_when_min_valid_is_zero():
    assert result(run([], min_valid=0), "a1")["flags"] == [TOO_FEW]
    assert result(run(a1_only("G"), min_valid=0), "a1")["flags"] == []


def test_results_by_rank_then_key_and_the_unscored_last():
    ballots = [("L", {"a3": "HHHH", "a1": "GGGG", "a5": "GGGG", "a2": "MMMM", "a4": "UUUU"})]
    out = run(ballots, n=6, min_valid=1)
    assert [(r["appraisee"], r["rank"]) for r in out["results"]] == [
        ("a3", 1), ("a1", 2), ("a5", 2), ("a2", 4), ("a4", None), ("a6", None)
    ]  # fmt: skip


def test_json_shape_and_key_order():
    out = run(a1_only("G"))
    assert list(out) == ["results", "ballots"]
    assert list(out["results"][0]) == [
        "appraisee",
        "score",
        "grade",
        "rank",
        "valid_ballots",
        "groups",
        "levels",
        "flags",
    ]
    assert list(out["ballots"]) == ["total", "valid", "invalid"]
    assert list(out["results"][0]["groups"]) == ["L", "D", "M"]


def test_results_page_reads_decimals_and_counts():
    record = AuditRecord.from_json(record_json([*a1_only(*"HGGMMB"), ("L", {}), ("L", {})]))
    res = tally(record)
    a1 = res.by_appraisee["a1"]
    assert a1.score == Decimal("70.00") and a1.exact == Fraction(70)
    assert a1.groups["L"].ballots == 6 and a1.groups["L"].mean == Decimal("70.00")
    assert a1.levels["较好"] == Decimal("0.3333")
    assert res.ballots.by_reason == {BLANK: 2}


# ---- rounding and the ballot check for the ballot pages ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Fraction(1, 200), 2, "0.01"),
        (Fraction(-1, 200), 2, "-0.01"),
        (Fraction(-1, 1000), 2, "0.00"),
        (Fraction(0), 2, "0.00"),
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(179990, 2000), 2, "90.00"),  # 89.995
        (Fraction(12345, 100), 2, "123.45"),
    ],
)
def test_round_half_up(value, places, text):
    assert str(round_half_up(value, places)) == text


FORM_SCALE = (Level("好", Decimal(100)), Level("较好", Decimal(80)), Level("不了解", None))
FORM_CRITERIA = (Criterion("d", "D", Decimal(1)),)
FORM_RULES = Rules(Trim(6, 1, 1), TopQuota(Decimal("0.3"), Decimal(90)), True, (Grade("好", Decimal(90)),), 5)
FOUR = ["a1", "a2", "a3", "a4"]  # floor(0.3 × 4) = 1 may reach 90


@pytest.mark.parametrize(
    ("ratings", "reason"),
    [
        ({}, BLANK),
        ({"a1": {}}, BLANK),
        ({k: {"d": "较好"} for k in FOUR}, UNIFORM),
        ({"a1": {"d": "好"}, "a2": {"d": "好"}, "a3": {"d": "较好"}}, OVER_QUOTA),
        ({"a1": {"d": "好"}, "a2": {"d": "较好"}, "a3": {"d": "不了解"}}, None),
    ],
)
def test_validate_ballot_before_submission(ratings, reason):
    assert validate_ballot(FORM_SCALE, FORM_CRITERIA, FORM_RULES, FOUR, ratings) == reason


def test_validate_ballot_refuses_keys_outside_the_form():
    with pytest.raises(RecordError, match=r"^ratings\.a1\.d：档次「很好」不在评分标准中$"):
        validate_ballot(FORM_SCALE, FORM_CRITERIA, FORM_RULES, FOUR, {"a1": {"d": "很好"}})
    with pytest.raises(RecordError, match=r"^ratings\.a9：述职人「a9」不在名单中$"):
        validate_ballot(FORM_SCALE, FORM_CRITERIA, FORM_RULES, FOUR, {"a9": {"d": "好"}})


def test_validate_ballot_takes_the_form_as_stored_json():
    scale = [
        {"label": "好", "points": 100},
        {"label": "较好", "points": 80},
        {"label": "不了解", "points": None},
    ]
    criteria = [{"key": "d", "label": "D", "weight": 1}]
    rules = {**record_json([])["rules"], "top_quota": {"share": 0.3, "min_score": 90}}
    over = {"a1": {"d": "好"}, "a2": {"d": "好"}, "a3": {"d": "较好"}}
    assert validate_ballot(scale, criteria, rules, FOUR, over) == OVER_QUOTA
    assert validate_ballot(scale, criteria, rules, FOUR, {"a1": {"d": "好"}}) is None
    with pytest.raises(RecordError, match=r"^criteria\[0\]\.weight：权重应大于 0$"):
        validate_ballot(scale, [{"key": "d", "label": "D", "weight": 0}], rules, FOUR, over)


def test_the_count_imports_nothing_but_the_standard_library():
    # The published record is recounted from its JSON alone: the count needs no Django and no
    # other part of Pingyi, which a fresh interpreter shows by what importing it loads.
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules); "
        "import pingyi.ballots.count.tally, pingyi.ballots.count.record; "
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    top = set(eval(loaded))  # our own print of a list of names
    assert "django" not in top
    assert top <= set(sys.stdlib_module_names) | {"pingyi"}
    assert "fractions" in top  # what the count itself needs is seen, so the check is live
