"""The audit record: exact numbers, round trips, and a Chinese message naming the path of each fault."""

import copy
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from pingyi.ballots.count.record import AuditRecord, Ballot, RecordError, loads
from pingyi.ballots.tests.test_tally import record_json

BALLOTS = [("L", {"a1": "HGMU", "a2": "GG--", "a3": {}}), ("D", {"a1": "UUUU"}), ("M", {})]


def sample() -> dict:
    obj = record_json(BALLOTS, criteria=[("d", 30), ("p", 25.5), ("s", 0.5), ("c", 20)])
    obj["scale"][1]["points"] = 85.5
    obj["rules"]["top_quota"] = {"share": 0.3, "min_score": 90}
    return obj


def test_round_trip_both_ways():
    obj = sample()
    record = AuditRecord.from_json(obj)
    assert record.to_json() == obj
    assert AuditRecord.from_json(record.to_json()) == record
    assert loads(json.dumps(record.to_json(), ensure_ascii=False)) == record


def test_numbers_are_exact_decimals_written_back_as_json_numbers():
    record = loads(json.dumps(sample()).replace('"weight": 30', '"weight": 30.0'))
    assert record.criteria[0].weight == Decimal(30) and record.criteria[2].weight == Decimal("0.5")
    assert record.rules.top_quota.share == Decimal("0.3")
    out = record.to_json()
    assert [type(c["weight"]) for c in out["criteria"]] == [int, float, float, int]
    assert out["criteria"][0]["weight"] == 30 and out["rules"]["top_quota"]["share"] == 0.3
    assert out["scale"][4]["points"] is None


def test_to_json_has_the_spec_shape_and_key_order():
    out = AuditRecord.from_json(sample()).to_json()
    assert list(out) == ["review", "scale", "criteria", "groups", "rules", "appraisees", "ballots"]
    assert list(out["rules"]) == ["trim", "top_quota", "reject_uniform", "grades", "min_valid"]
    assert list(out["rules"]["trim"]) == ["min_count", "drop_high", "drop_low"]
    assert list(out["appraisees"][0]) == ["key", "name", "unit", "title"]
    assert list(out["ballots"][0]) == ["group", "receipt", "ratings"]
    assert out["ballots"][0]["ratings"]["a1"] == {"d": "好", "p": "较好", "s": "一般", "c": "不了解"}
    assert out["ballots"][0]["ratings"]["a3"] == {}


def broken(path: str, value=None, delete=False):
    """The sample with the value at a dotted path (list indexes as numbers) replaced or deleted."""

    def make():
        obj = copy.deepcopy(sample())
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = obj
        for p in parents:
            target = target[p]
        if delete:
            del target[last]
        else:
            target[last] = value
        return obj

    return make


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (broken("ballots.0.ratings.a1.d", "很好"), "ballots[0].ratings.a1.d：档次「很好」不在评分标准中"),
        (broken("ballots.0.ratings.a1.d", 100), "ballots[0].ratings.a1.d：档次应为字符串"),
        (broken("ballots.0.ratings.a1.x", "好"), "ballots[0].ratings.a1.x：测评项目「x」不存在"),
        (broken("ballots.0.ratings.a9", {"d": "好"}), "ballots[0].ratings.a9：述职人「a9」不在名单中"),
        (broken("ballots.0.ratings.a1", "好"), "ballots[0].ratings.a1：应为对象"),
        (broken("ballots.1.group", "Z"), "ballots[1].group：评议组「Z」不存在"),
        (broken("ballots.1.receipt", "R1"), "ballots[1].receipt：回执码「R1」重复（与 ballots[0] 相同）"),
        (broken("ballots.1.receipt", " "), "ballots[1].receipt：不能为空"),
        (broken("ballots.2.ratings", delete=True), "ballots[2].ratings：缺少此项"),
        (broken("ballots", {}), "ballots：应为数组"),
        (broken("criteria.0.weight", delete=True), "criteria[0].weight：缺少此项"),
        (broken("criteria.1.weight", 0), "criteria[1].weight：权重应大于 0"),
        (broken("groups.0.weight", -40), "groups[0].weight：权重应大于 0"),
        (broken("criteria.0.weight", "30"), "criteria[0].weight：应为数值"),
        (broken("criteria.0.weight", True), "criteria[0].weight：应为数值"),
        (
            broken("criteria.0.weight", 0.1234567890123456),
            "criteria[0].weight：数值「0.1234567890123456」的有效数字超过 15 位",
        ),
        (broken("criteria.1.key", "d"), "criteria[1].key：测评项目「d」重复（与 criteria[0] 相同）"),
        (broken("criteria", []), "criteria：不能为空"),
        (broken("groups.2.key", "L"), "groups[2].key：评议组「L」重复（与 groups[0] 相同）"),
        (broken("appraisees.2.key", "a1"), "appraisees[2].key：述职人「a1」重复（与 appraisees[0] 相同）"),
        (broken("appraisees.0.name", None), "appraisees[0].name：应为字符串"),
        (broken("appraisees.0.photo", "x.jpg"), "appraisees[0].photo：未知字段"),
        (broken("scale.0.points", "100"), "scale[0].points：分值应为数值，或为 null（表示不了解）"),
        (broken("scale.0.points", float("nan")), "scale[0].points：应为有限的数值"),
        (broken("scale.1.label", "好"), "scale[1].label：档次「好」重复（与 scale[0] 相同）"),
        (broken("scale", [{"label": "不了解", "points": None}]), "scale：至少要有一个有分值的档次"),
        (broken("rules.top_quota", delete=True), "rules.top_quota：缺少此项"),
        (broken("rules.top_quota.share", 1.5), "rules.top_quota.share：比例应在 0 到 1 之间"),
        (broken("rules.trim.drop_mid", 1), "rules.trim.drop_mid：未知字段"),
        (
            broken("rules.trim.min_count", 2),
            "rules.trim：去掉的最高分与最低分个数之和应小于 min_count，否则没有分数可平均",
        ),
        (broken("rules.trim.min_count", 0), "rules.trim.min_count：应不小于 1"),
        (broken("rules.trim.min_count", 6.5), "rules.trim.min_count：应为整数"),
        (broken("rules.min_valid", None), "rules.min_valid：应为整数"),
        (broken("rules.reject_uniform", "yes"), "rules.reject_uniform：应为 true 或 false"),
        (broken("rules.grades.1.min", 90), "rules.grades[1].min：等次应从高到低排列，分数线逐个降低"),
        (
            broken("rules.grades.3.label", "好"),
            "rules.grades[3].label：等次「好」重复（与 rules.grades[0] 相同）",
        ),
        (broken("rules.min_valid", -1), "rules.min_valid：应不小于 0"),
        (broken("review.number", "1"), "review.number：应为整数"),
        (broken("review", delete=True), "review：缺少此项"),
        (lambda: [], "记录：应为对象"),
    ],
)
def test_a_bad_record_names_the_path(make, message):
    with pytest.raises(RecordError) as caught:
        AuditRecord.from_json(make())
    assert str(caught.value) == message


def test_counts_may_be_written_as_integral_decimals():
    record = loads(json.dumps(sample()).replace('"min_count": 6', '"min_count": 6.0'))
    assert record.rules.trim.min_count == 6 and type(record.rules.trim.min_count) is int
    assert record.to_json()["rules"]["trim"]["min_count"] == 6


def test_top_quota_may_be_null():
    obj = sample()
    obj["rules"]["top_quota"] = None
    assert AuditRecord.from_json(obj).rules.top_quota is None


def test_a_key_repeated_inside_a_json_object_is_refused():
    text = json.dumps(sample(), ensure_ascii=False).replace(
        '"a2": {"d": "较好"', '"a1": {"d": "好"}, "a2": {"d": "较好"'
    )
    with pytest.raises(RecordError, match=r"^ballots\[0\]\.ratings\.a1：同一对象中此键出现了不止一次$"):
        loads(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n  "review": {}\n  "scale": []}', "文件不是有效的 JSON：第 3 行第 3 列，缺少逗号"),
        ('{"review": 1,}', "文件不是有效的 JSON：第 1 行第 14 列，键应写在双引号中（或有多余的逗号）"),
        ("", "文件不是有效的 JSON：第 1 行第 1 列，缺少值（或有多余的逗号）"),
        ('{"review": NaN}', "文件中有 NaN，它不是 JSON 允许的数值"),
        (b"\xff\xfe{}", "文件不是 UTF-8 编码的文本"),
    ],
)
def test_text_that_is_not_a_json_record(text, message):
    with pytest.raises(RecordError) as caught:
        loads(text)
    assert str(caught.value) == message


def test_utf8_with_a_byte_order_mark_is_read():
    text = json.dumps(sample(), ensure_ascii=False)
    assert loads(("\ufeff" + text).encode()) == loads(text)


def test_a_record_built_in_code_can_be_validated():
    record = AuditRecord.from_json(sample())
    record.validate()
    bad = replace(record, ballots=(Ballot("Z", "R9", {}),))
    with pytest.raises(RecordError, match=r"^ballots\[0\]\.group：评议组「Z」不存在$"):
        bad.validate()


def current_form(obj: dict) -> dict:
    """The sample as records are now published: receipts sorted apart, ballots without them."""
    out = {k: v for k, v in obj.items() if k != "ballots"}
    out["receipts"] = sorted(b["receipt"] for b in obj["ballots"])
    out["ballots"] = [{"group": b["group"], "ratings": b["ratings"]} for b in obj["ballots"]]
    return out


def test_the_current_form_lists_receipts_apart_and_round_trips():
    obj = current_form(sample())
    record = AuditRecord.from_json(obj)
    assert record.receipts == tuple(sorted(b["receipt"] for b in sample()["ballots"]))
    assert all(b.receipt is None for b in record.ballots)
    out = record.to_json()
    assert out == obj
    assert list(out) == [
        "review",
        "scale",
        "criteria",
        "groups",
        "rules",
        "appraisees",
        "receipts",
        "ballots",
    ]
    assert list(out["ballots"][0]) == ["group", "ratings"]
    # The older form is still read, and written back as it was.
    assert AuditRecord.from_json(sample()).to_json() == sample()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda o: o["receipts"].pop(), "receipts：回执码有 2 个，选票有 3 张，两者应相等"),
        (lambda o: o["receipts"].reverse(), "receipts[1]：回执码应按顺序排列"),
        (lambda o: o["receipts"].__setitem__(1, o["receipts"][0]), "receipts[1]：回执码「R1」重复"),
        (lambda o: o["receipts"].__setitem__(0, ""), "receipts[0]：不能为空"),
        (lambda o: o.__setitem__("receipts", "R1"), "receipts：应为数组"),
        (lambda o: o["ballots"][0].__setitem__("receipt", "R1"), "ballots[0].receipt：未知字段"),
    ],
)
def test_a_current_record_with_bad_receipts_is_refused(change, message):
    obj = current_form(sample())
    change(obj)
    with pytest.raises(RecordError, match=message.replace("[", r"\[").replace("]", r"\]")):
        AuditRecord.from_json(obj)
