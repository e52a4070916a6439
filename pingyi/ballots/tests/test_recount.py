"""`manage.py recount`. No test here has database access (pytest-django refuses it without a
django_db mark), which is the proof that a recount needs only the file."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pingyi.ballots.count.record import AuditRecord
from pingyi.ballots.count.tally import tally
from pingyi.ballots.tests.test_tally import record_json

BALLOTS = [
    ("L", {"a1": "HHHH", "a2": "GGGG", "a3": "UUUU"}),
    ("D", {"a1": "HMHH", "a2": "GGGG"}),
    ("M", {"a1": "MMMM", "a2": "MMMM", "a3": "MMMM"}),  # 同一档次
]


@pytest.fixture
def record_file(tmp_path):
    path = tmp_path / "第一期.json"
    path.write_text(json.dumps(record_json(BALLOTS), ensure_ascii=False), encoding="utf-8")
    return path


def recount(*args) -> str:
    out = StringIO()
    call_command("recount", *args, stdout=out)
    return out.getvalue()


def test_json_is_the_published_result(record_file):
    text = recount(str(record_file), "--json")
    expected = tally(AuditRecord.from_json(json.loads(record_file.read_text(encoding="utf-8")))).to_json()
    assert json.loads(text) == expected
    assert text.strip() == json.dumps(expected, ensure_ascii=False, indent=2)
    a1 = json.loads(text)["results"][0]
    # L 100, D 90: (40·100 + 30·90) / 70 = 95.714…
    assert (a1["appraisee"], a1["score"], a1["grade"], a1["rank"]) == ("a1", "95.71", "好", 1)
    assert '"reason": "同一档次"' in text


def test_table_in_chinese(record_file):
    lines = recount(str(record_file)).splitlines()
    assert lines[0] == "第1期 第一期 — 计票结果"
    assert lines[1] == "选票共 3 张，有效 2 张，无效 1 张（同一档次 1 张）。"
    head, first, second, unranked = lines[3:7]
    assert (
        " ".join(head.split())
        == "名次 述职人 单位 职务 得分 等次 有效票 L平均 D平均 M平均 好率 较好率 一般率 差率 备注"
    )
    assert (
        " ".join(first.split())
        == "1 人1 镇 书记 95.71 好 2 100.00 90.00 — 87.50% 0.00% 12.50% 0.00% 票数不足"
    )
    assert " ".join(second.split()[:6]) == "2 人2 镇 书记 80.00 较好"
    assert " ".join(unranked.split()) == "— 人3 镇 书记 — — 0 — — — — — — — 票数不足"
    assert lines[-2:] == ["无效票（回执码：原因）：", "  R3：同一档次"]


def test_a_bad_record_is_refused_with_its_path(tmp_path):
    obj = record_json(BALLOTS)
    obj["ballots"][1]["ratings"]["a2"]["d"] = "很好"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        recount(str(path), "--json")
    message = "审计记录「bad.json」有误：ballots[1].ratings.a2.d：档次「很好」不在评分标准中"
    assert str(caught.value) == message


def test_text_that_is_not_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"review":\n  {"number": 1 "title": "x"}}', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        recount(str(path))
    assert str(caught.value) == "审计记录「x.json」有误：文件不是有效的 JSON：第 2 行第 16 列，缺少逗号"


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"^找不到文件"):
        recount(str(tmp_path / "none.json"))


def test_a_current_record_names_invalid_ballots_by_position(tmp_path):
    older = record_json(BALLOTS)
    current = {k: v for k, v in older.items() if k != "ballots"}
    current["receipts"] = sorted(b["receipt"] for b in older["ballots"])
    current["ballots"] = [{"group": b["group"], "ratings": b["ratings"]} for b in reversed(older["ballots"])]
    path = tmp_path / "current.json"
    path.write_text(json.dumps(current, ensure_ascii=False), encoding="utf-8")
    result = json.loads(recount(str(path), "--json"))
    assert result["ballots"]["invalid"] == [{"index": 0, "reason": "同一档次"}]
    # Same ballots, same result, whichever form the record has.
    old_path = tmp_path / "older.json"
    old_path.write_text(json.dumps(older, ensure_ascii=False), encoding="utf-8")
    assert json.loads(recount(str(old_path), "--json"))["results"] == result["results"]
    assert recount(str(path)).splitlines()[-2:] == [
        "无效票（在审计记录 ballots 中的位置，从 0 起：原因）：",
        "  第 0 张：同一档次",
    ]
