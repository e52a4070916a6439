"""The audit record (审计记录) of one review: the published input of `recount` (spec/scoring.md).

`AuditRecord.from_json` accepts only a record whose meaning is fully determined, because outside
tools recount from the same file and must reach the same result. Readings of the spec:

- Every field of the spec's shape is required, also inside `rules` (an audit record states the
  rules it was counted under; the defaults belong to the ballot form) — `top_quota` may be null.
  Unknown fields are refused: a field we would ignore (say a rule we do not know) could make an
  outside tool count differently.
- Numbers are JSON numbers (not strings, not true/false), kept as `Decimal`. Counts (min_count,
  drop_high, drop_low, min_valid, review.number) must be integral; 6.0 is read as 6. A
  non-integral number may have at most 15 significant digits, so that `to_json` (which must give
  JSON numbers, i.e. floats) writes it back exactly.
- Keys are unique: scale labels, criterion, group and appraisee keys, receipts, grade labels, and
  the keys of every JSON object (`loads` detects repeated keys that `json.loads` would drop).
- Weights are > 0; the scale has at least one level with points; `trim` keeps at least one score
  (drop_high + drop_low < min_count); `top_quota.share` is within [0, 1]; grade thresholds are
  strictly decreasing. A score below the last threshold is not refused here: it gets no grade.
- A receipt is a non-empty string. An appraisee key in `ratings` with an empty object is kept
  (round trip) and counts as not rated.
- Two forms. The current one lists `receipts` (sorted, one per ballot) apart from `ballots` (in
  random order, no receipt), so a receipt proves that one's ballot is counted but not which ballot
  it is. Records published before that carry a `receipt` in each ballot and no `receipts`; they are
  read as they are and written back in their own form. A record mixing the two is refused.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

MAX_DIGITS = 15


class RecordError(ValueError):
    """A record that cannot be counted. The message is Chinese and starts with the JSON path."""


@dataclass(frozen=True)
class Review:
    number: int
    title: str


@dataclass(frozen=True)
class Level:
    label: str
    points: Decimal | None  # None: 不了解, abstains


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    weight: Decimal


@dataclass(frozen=True)
class Trim:
    min_count: int
    drop_high: int
    drop_low: int


@dataclass(frozen=True)
class TopQuota:
    share: Decimal
    min_score: Decimal


@dataclass(frozen=True)
class Grade:
    label: str
    min: Decimal


@dataclass(frozen=True)
class Rules:
    trim: Trim
    top_quota: TopQuota | None
    reject_uniform: bool
    grades: tuple[Grade, ...]
    min_valid: int


@dataclass(frozen=True)
class Appraisee:
    key: str
    name: str
    unit: str
    title: str


@dataclass(frozen=True)
class Ballot:
    group: str
    receipt: str | None  # only in records of the older form
    ratings: dict[str, dict[str, str]]  # appraisee key → criterion key → level label


@dataclass(frozen=True)
class AuditRecord:
    review: Review
    scale: tuple[Level, ...]
    criteria: tuple[Criterion, ...]
    groups: tuple[Group, ...]
    rules: Rules
    appraisees: tuple[Appraisee, ...]
    ballots: tuple[Ballot, ...]
    receipts: tuple[str, ...] | None = None  # None: a record of the older form

    @classmethod
    def from_json(cls, obj: Any) -> AuditRecord:
        return _read_record(obj)

    def to_json(self) -> dict:
        rules = self.rules
        quota = rules.top_quota
        return {
            "review": {"number": self.review.number, "title": self.review.title},
            "scale": [{"label": lv.label, "points": _json_number(lv.points)} for lv in self.scale],
            "criteria": [
                {"key": c.key, "label": c.label, "weight": _json_number(c.weight)} for c in self.criteria
            ],
            "groups": [
                {"key": g.key, "label": g.label, "weight": _json_number(g.weight)} for g in self.groups
            ],
            "rules": {
                "trim": {
                    "min_count": rules.trim.min_count,
                    "drop_high": rules.trim.drop_high,
                    "drop_low": rules.trim.drop_low,
                },
                "top_quota": None
                if quota is None
                else {"share": _json_number(quota.share), "min_score": _json_number(quota.min_score)},
                "reject_uniform": rules.reject_uniform,
                "grades": [{"label": g.label, "min": _json_number(g.min)} for g in rules.grades],
                "min_valid": rules.min_valid,
            },
            "appraisees": [
                {"key": a.key, "name": a.name, "unit": a.unit, "title": a.title} for a in self.appraisees
            ],
            **({} if self.receipts is None else {"receipts": list(self.receipts)}),
            "ballots": [
                {
                    "group": b.group,
                    **({"receipt": b.receipt} if self.receipts is None else {}),
                    "ratings": {a: dict(r) for a, r in b.ratings.items()},
                }
                for b in self.ballots
            ],
        }

    def validate(self) -> None:
        """For a record built in code rather than read: raise RecordError as `from_json` would."""
        _read_record(self.to_json())


def loads(text: str | bytes) -> AuditRecord:
    """Parse the JSON text of a record exactly (decimals as Decimal) and validate it."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RecordError("文件不是 UTF-8 编码的文本") from None
    try:
        obj = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as e:
        hint = next((zh for en, zh in _JSON_HINTS.items() if e.msg.startswith(en)), "语法错误")
        raise RecordError(f"文件不是有效的 JSON：第 {e.lineno} 行第 {e.colno} 列，{hint}") from None
    return AuditRecord.from_json(obj)


def check_ratings(
    value: Any, path: str, appraisees: Iterable[str], criteria: Iterable[str], labels: Iterable[str]
) -> dict[str, dict[str, str]]:
    """The ratings of one ballot, checked against the form; also used before a ballot is submitted."""
    appraisees, criteria, labels = set(appraisees), set(criteria), set(labels)
    ratings = {}
    for key, given in _object(value, path).items():
        at = _join(path, key)
        if key not in appraisees:
            _fail(at, f"述职人「{key}」不在名单中")
        inner = {}
        for criterion, label in _object(given, at).items():
            where = _join(at, criterion)
            if criterion not in criteria:
                _fail(where, f"测评项目「{criterion}」不存在")
            if not isinstance(label, str):
                _fail(where, "档次应为字符串")
            if label not in labels:
                _fail(where, f"档次「{label}」不在评分标准中")
            inner[criterion] = label
        ratings[key] = inner
    return ratings


# ---- reading -------------------------------------------------------------------------------------------


def read_scale(value: Any, path: str = "scale") -> tuple[Level, ...]:
    scale = tuple(
        Level(_text(o["label"], f"{p}.label"), _points(o["points"], f"{p}.points"))
        for p, o in _items(value, path, ("label", "points"))
    )
    _unique([lv.label for lv in scale], path, "label", "档次")
    if all(lv.points is None for lv in scale):
        _fail(path, "至少要有一个有分值的档次")
    return scale


def read_criteria(value: Any, path: str = "criteria") -> tuple[Criterion, ...]:
    criteria = tuple(Criterion(*_keyed(o, p)) for p, o in _items(value, path, ("key", "label", "weight")))
    _unique([c.key for c in criteria], path, "key", "测评项目")
    return criteria


def _read_record(obj: Any) -> AuditRecord:
    older = isinstance(obj, dict) and "receipts" not in obj
    sections = ("review", "scale", "criteria", "groups", "rules", "appraisees")
    top = _fields(obj, "", sections + (("ballots",) if older else ("receipts", "ballots")))
    fields = _fields(top["review"], "review", ("number", "title"))
    review = Review(_integer(fields["number"], "review.number", 0), _text(fields["title"], "review.title"))
    scale = read_scale(top["scale"])
    criteria = read_criteria(top["criteria"])
    groups = tuple(
        Group(*_keyed(o, p)) for p, o in _items(top["groups"], "groups", ("key", "label", "weight"))
    )
    _unique([g.key for g in groups], "groups", "key", "评议组")
    rules = read_rules(top["rules"])
    appraisees = tuple(
        Appraisee(
            _text(o["key"], f"{p}.key"),
            _text(o["name"], f"{p}.name"),
            _text(o["unit"], f"{p}.unit", empty=True),
            _text(o["title"], f"{p}.title", empty=True),
        )
        for p, o in _items(top["appraisees"], "appraisees", ("key", "name", "unit", "title"))
    )
    _unique([a.key for a in appraisees], "appraisees", "key", "述职人")
    keys = [a.key for a in appraisees]
    group_keys = {g.key for g in groups}
    criterion_keys = [c.key for c in criteria]
    labels = [lv.label for lv in scale]
    ballots = []
    fields = ("group", "receipt", "ratings") if older else ("group", "ratings")
    for p, o in _items(top["ballots"], "ballots", fields, empty=True):
        group = _text(o["group"], f"{p}.group")
        if group not in group_keys:
            _fail(f"{p}.group", f"评议组「{group}」不存在")
        receipt = _text(o["receipt"], f"{p}.receipt") if older else None
        ratings = check_ratings(o["ratings"], f"{p}.ratings", keys, criterion_keys, labels)
        ballots.append(Ballot(group, receipt, ratings))
    if older:
        _unique([b.receipt for b in ballots], "ballots", "receipt", "回执码")
        receipts = None
    else:
        receipts = _receipts(top["receipts"], len(ballots))
    return AuditRecord(review, scale, criteria, groups, rules, appraisees, tuple(ballots), receipts)


def _receipts(value: Any, ballots: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        _fail("receipts", "应为数组")
    receipts = tuple(_text(r, f"receipts[{i}]") for i, r in enumerate(value))
    seen: dict[str, int] = {}
    for i, receipt in enumerate(receipts):
        if receipt in seen:
            _fail(f"receipts[{i}]", f"回执码「{receipt}」重复（与 receipts[{seen[receipt]}] 相同）")
        seen[receipt] = i
    # Sorted, so that their order cannot follow the order of casting.
    for i in range(1, len(receipts)):
        if receipts[i] < receipts[i - 1]:
            _fail(f"receipts[{i}]", "回执码应按顺序排列")
    if len(receipts) != ballots:
        _fail("receipts", f"回执码有 {len(receipts)} 个，选票有 {ballots} 张，两者应相等")
    return receipts


def read_rules(value: Any) -> Rules:
    rules = _fields(value, "rules", ("trim", "top_quota", "reject_uniform", "grades", "min_valid"))
    t = _fields(rules["trim"], "rules.trim", ("min_count", "drop_high", "drop_low"))
    trim = Trim(
        _integer(t["min_count"], "rules.trim.min_count", 1),
        _integer(t["drop_high"], "rules.trim.drop_high", 0),
        _integer(t["drop_low"], "rules.trim.drop_low", 0),
    )
    if trim.drop_high + trim.drop_low >= trim.min_count:
        _fail("rules.trim", "去掉的最高分与最低分个数之和应小于 min_count，否则没有分数可平均")
    quota = None
    if rules["top_quota"] is not None:
        q = _fields(rules["top_quota"], "rules.top_quota", ("share", "min_score"))
        quota = TopQuota(
            _number(q["share"], "rules.top_quota.share"), _number(q["min_score"], "rules.top_quota.min_score")
        )
        if not 0 <= quota.share <= 1:
            _fail("rules.top_quota.share", "比例应在 0 到 1 之间")
    if not isinstance(rules["reject_uniform"], bool):
        _fail("rules.reject_uniform", "应为 true 或 false")
    grades = tuple(
        Grade(_text(o["label"], f"{p}.label"), _number(o["min"], f"{p}.min"))
        for p, o in _items(rules["grades"], "rules.grades", ("label", "min"))
    )
    _unique([g.label for g in grades], "rules.grades", "label", "等次")
    for i in range(1, len(grades)):
        if grades[i].min >= grades[i - 1].min:
            _fail(f"rules.grades[{i}].min", "等次应从高到低排列，分数线逐个降低")
    return Rules(
        trim, quota, rules["reject_uniform"], grades, _integer(rules["min_valid"], "rules.min_valid", 0)
    )


def _keyed(obj: dict, path: str) -> tuple[str, str, Decimal]:
    weight = _number(obj["weight"], f"{path}.weight")
    if weight <= 0:
        _fail(f"{path}.weight", "权重应大于 0")
    return _text(obj["key"], f"{path}.key"), _text(obj["label"], f"{path}.label"), weight


def _items(value: Any, path: str, fields: tuple[str, ...], empty: bool = False):
    if not isinstance(value, list):
        _fail(path, "应为数组")
    if not value and not empty:
        _fail(path, "不能为空")
    for i, item in enumerate(value):
        yield f"{path}[{i}]", _fields(item, f"{path}[{i}]", fields)


def _fields(value: Any, path: str, fields: tuple[str, ...]) -> dict:
    obj = _object(value, path)
    for name in fields:
        if name not in obj:
            _fail(_join(path, name), "缺少此项")
    for name in obj:
        if name not in fields:
            _fail(_join(path, str(name)), "未知字段")
    return obj


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        _fail(path, "应为对象")
    repeated = getattr(value, "repeated", ())
    if repeated:
        _fail(_join(path, repeated[0]), "同一对象中此键出现了不止一次")
    for key in value:
        if not isinstance(key, str):
            _fail(path, f"键 {key!r} 应为字符串")
    return value


def _unique(values: list[str], path: str, field: str, what: str) -> None:
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            _fail(f"{path}[{i}].{field}", f"{what}「{value}」重复（与 {path}[{seen[value]}] 相同）")
        seen[value] = i


def _text(value: Any, path: str, empty: bool = False) -> str:
    if not isinstance(value, str):
        _fail(path, "应为字符串")
    if not empty and not value.strip():
        _fail(path, "不能为空")
    return value


def _integer(value: Any, path: str, minimum: int) -> int:
    # "Numbers may be integers or decimals": a count written as 6.0 is still the count 6.
    if not _is_number(value) or (number := _number(value, path)) != number.to_integral_value():
        _fail(path, "应为整数")
    value = int(number)
    if value < minimum:
        _fail(path, f"应不小于 {minimum}")
    return value


def _points(value: Any, path: str) -> Decimal | None:
    if value is None:
        return None
    if not _is_number(value):
        _fail(path, "分值应为数值，或为 null（表示不了解）")
    return _number(value, path)


def _number(value: Any, path: str) -> Decimal:
    if not _is_number(value):
        _fail(path, "应为数值")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        _fail(path, "应为有限的数值")
    if number != number.to_integral_value() and len(number.normalize().as_tuple().digits) > MAX_DIGITS:
        _fail(path, f"数值「{number}」的有效数字超过 {MAX_DIGITS} 位")
    return number


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fail(path: str, message: str):
    raise RecordError(f"{path or '记录'}：{message}")


# ---- JSON text -----------------------------------------------------------------------------------------


class _Object(dict):
    repeated: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        obj.repeated = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


def _refuse_constant(name: str):
    raise RecordError(f"文件中有 {name}，它不是 JSON 允许的数值")


_JSON_HINTS: Mapping[str, str] = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键应写在双引号中（或有多余的逗号）",
    "Expecting value": "缺少值（或有多余的逗号）",
    "Extra data": "JSON 结束后还有多余内容",
    "Unterminated string": "字符串没有结束的引号",
    "Invalid control character": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义字符",
}
