"""Match a read roster against the registry: what is new, what changed, what is wrong.

The plan is computed in full before anything is written, so an import applies
every row or none (spec/roster.md), and the preview shows exactly what
confirming will do.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from pingyi.lib import gcpause, yearmonth
from pingyi.lib.xlsx import CellProblem

from . import unitnames
from .models import Assessment, Cadre, CadrePhoto, FamilyMember, Post, Unit
from .roster import CADRE_SHEET, TITLE_SEPARATOR, UNIT_SHEET, CadreRow, ParsedRoster, UnitRow
from .vocab import COUNTY_KINDS, TOWNSHIP_KINDS, Degree, Education, UnitKind

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"
CADRE_LABELS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth": "出生年月",
    "native_place": "籍贯",
    "political_status": "政治面貌",
    "party_joined": "入党时间",
    "work_started": "参加工作时间",
    "education_fulltime": "全日制学历",
    "degree_fulltime": "全日制学位",
    "school_fulltime": "全日制毕业院校及专业",
    "education_inservice": "在职学历",
    "degree_inservice": "在职学位",
    "school_inservice": "在职毕业院校及专业",
    "id_number": "身份证号",
    "resume": "简历",
    "lrmx_fields": "任免审批表其他项",
}
ALLOWED_PARENT_KINDS = {
    UnitKind.CITY: set(),
    **{kind: {UnitKind.CITY} for kind in COUNTY_KINDS},
    **{kind: {UnitKind.CITY, *COUNTY_KINDS} for kind in TOWNSHIP_KINDS},
}


def shown(field_name: str, value) -> str:
    """A value as the workbook writes it."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return yearmonth.fmt(value)
    if field_name.startswith("education_"):
        return Education(value).label
    if field_name.startswith("degree_"):
        return Degree(value).label
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


@dataclass
class Change:
    sheet: str
    row: int
    label: str
    status: str
    diffs: list[tuple[str, str, str]] = field(default_factory=list)  # column, old, new


@dataclass
class UnitOp:
    row: UnitRow
    existing: Unit | None
    status: str


@dataclass
class CadreOp:
    row: CadreRow
    existing: Cadre | None
    unit_code: str
    status: str
    posts_changed: bool = False
    # Ended posts in registry units: (unit code, title, start, end); those to write when changed.
    former: list[tuple[str, str, dt.date, dt.date]] = field(default_factory=list)
    former_changed: bool = False


@dataclass
class RosterPlan:
    units: list[UnitOp] = field(default_factory=list)
    cadres: list[CadreOp] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    layout: str = "own"
    mappings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def correctable(self) -> bool:
        """Another layout's columns were placed by the reader, so the user may correct them."""
        return self.layout != "own" and bool(self.mappings)

    def counts(self) -> dict:
        result = {}
        for sheet, ops in ((UNIT_SHEET, self.units), (CADRE_SHEET, self.cadres)):
            result[sheet] = {s: sum(1 for op in ops if op.status == s) for s in (NEW, CHANGED, UNCHANGED)}
        return result

    def summary(self, limit: int = 500) -> dict:
        """JSON for the preview page; lists at most `limit` changed rows and problems."""
        listed = [c for c in self.changes if c.status != UNCHANGED]
        return {
            "layout": self.layout,
            "mappings": self.mappings,
            "counts": self.counts(),
            "problem_count": len(self.problems),
            "problems": [
                {"sheet": p.sheet, "row": p.row, "column": p.column, "reason": p.reason}
                for p in self.problems[:limit]
            ],
            "change_count": len(listed),
            "changes": [
                {"sheet": c.sheet, "row": c.row, "label": c.label, "status": c.status,
                 "diffs": c.diffs}
                for c in listed[:limit]
            ],
        }  # fmt: skip


class _UnitIndex:
    """Units as they will be after the import: the registry overlaid with the sheet."""

    def __init__(self, unit_rows: list[UnitRow]):
        self.by_code = {
            u["code"]: (u["name"], u["kind"], u["parent__code"])
            for u in Unit.objects.values("code", "name", "kind", "parent__code")
        }
        for row in unit_rows:
            if row.code:
                self.by_code[row.code] = (row.name, row.kind, row.parent_code)
        self.by_name = defaultdict(list)
        for code, (name, _kind, _parent) in self.by_code.items():
            self.by_name[name].append(code)
        # Ten thousand cadres name a few hundred units, each in a few forms: each is looked up once.
        self._candidates: dict[str, list[str]] = {}

    def path(self, code: str) -> str | None:
        parts, seen = [], set()
        while code:
            if code in seen or code not in self.by_code:
                return None
            seen.add(code)
            parts.append(code)
            code = self.by_code[code][2]
        return "".join(f"{c}/" for c in reversed(parts))

    def _full_names(self) -> dict[str, list[str]]:
        # 东城区青山镇 and 示例市东城区青山镇: a name preceded by its parents' names.
        if not hasattr(self, "_by_full"):
            self._by_full = defaultdict(list)
            for code, (name, _kind, parent) in self.by_code.items():
                full, seen = name, {code}
                while parent and parent in self.by_code and parent not in seen:
                    seen.add(parent)
                    full = self.by_code[parent][0] + full
                    self._by_full[full].append(code)
                    parent = self.by_code[parent][2]
        return self._by_full

    def lookup(self, name: str) -> list[str]:
        return list(dict.fromkeys([*self.by_name.get(name, []), *self._full_names().get(name, [])]))

    def candidates(self, ref: str) -> list[str]:
        """The codes of the units `ref` names (read only: the list is shared between calls)."""
        if (known := self._candidates.get(ref)) is None:
            known = self._candidates[ref] = self._find_candidates(ref)
        return known

    def _find_candidates(self, ref: str) -> list[str]:
        if "/" in ref:
            parent_name, name = (part.strip() for part in ref.rsplit("/", 1))
            return [
                c for c in self.by_name.get(name, [])
                if (p := self.by_code[c][2]) and self.by_code.get(p, ("",))[0] == parent_name
            ]  # fmt: skip
        # The literal name first, then 青山镇党委 → 青山镇 and the like: the first form that names
        # any unit decides, and naming two is a problem, never a pick.
        for form in unitnames.forms(ref):
            if codes := self.lookup(form):
                return codes
        return []

    def _ambiguous(self, ref: str, codes: list[str]) -> str:
        options = "、".join(
            f"{self.by_code.get(self.by_code[c][2], (c,))[0]}/{self.by_code[c][0]}" for c in codes
        )
        return f"单位「{ref}」有重名，请写作 上级名称/名称（{options}）"

    def resolve(self, ref: str) -> tuple[str | None, str]:
        """A 单位 cell → (code, reason it could not be resolved)."""
        codes = self.candidates(ref)
        if len(codes) == 1:
            return codes[0], ""
        if not codes:
            return None, f"找不到单位「{ref}」，请先在「单位」工作表中列出"
        return None, self._ambiguous(ref, codes)

    def resolve_all(self, refs: list[str], required: bool) -> tuple[str | None, str]:
        """Several names of one unit (a block title's name and full name, a person's organs): each
        that names units must name the same one, and an ambiguous name is settled only by
        another that names one of its units alone (青山镇 by 东城区青山镇)."""
        found, ambiguous = {}, []
        for ref in refs:
            codes = self.candidates(ref)
            if len(codes) == 1:
                found.setdefault(codes[0], ref)
            elif codes:
                ambiguous.append((ref, codes))
            elif required:
                return None, f"找不到单位「{ref}」，请先在「单位」工作表中列出"
        if len(found) > 1:
            named = "、".join(f"「{ref}」" for ref in found.values())
            return None, f"{named}是不同的单位，无法确定所属单位"
        for ref, codes in ambiguous:
            if not found or next(iter(found)) not in codes:
                return None, self._ambiguous(ref, codes)
        if not found:
            return None, f"找不到单位「{refs[0]}」，请先在「单位」工作表中列出" if refs else "没有写明单位"
        return next(iter(found)), ""

    def split_post(self, text: str) -> tuple[str | None, list[str], str]:
        """`东城区青山镇党委书记、镇长` → (code of 青山镇, [党委书记, 镇长], reason)."""
        code, titles = None, []
        for part in unitnames.post_parts(text):
            found = None
            base = part.removeprefix("中共")
            for end in range(len(base) - 1, 1, -1):
                codes = self.lookup(base[:end])
                if len(codes) == 1:
                    found = (codes[0], base[end:])
                    break
                if len(codes) > 1:
                    return None, [], f"「{base[:end]}」有重名，无法确定是哪个单位"
            if found is None:
                if code is None:
                    return None, [], f"无法从「{part}」中识别单位，请确认单位名称与系统中一致"
                titles.append(part)
                continue
            if code is not None and found[0] != code:
                return None, [], f"「{text}」涉及多个单位，系统每人只记录一个现任单位，请分别填写单位和职务"
            code = found[0]
            titles.append(unitnames.title_after_unit(found[1], self.by_code[code][0]))
        if code is None or not all(titles):
            return None, [], f"无法从「{text}」中识别单位和职务"
        return code, titles, ""


@gcpause.paused()
def plan_roster(parsed: ParsedRoster, scope: Unit | None) -> RosterPlan:
    """`scope` is the unit whose subtree the user may change; None means everything."""
    plan = RosterPlan(problems=list(parsed.problems))
    index = _UnitIndex(parsed.units)
    _plan_units(plan, parsed.units, index, scope)
    _plan_cadres(plan, parsed.cadres, index, scope)
    order = {sheet: n for n, sheet in enumerate(parsed.sheet_order)}
    plan.problems.sort(key=lambda p: (order.get(p.sheet, len(order)), p.sheet, p.row))
    plan.layout, plan.mappings = parsed.layout, parsed.mappings
    return plan


def _in_scope(path: str | None, scope: Unit | None) -> bool:
    return scope is None or bool(path and path.startswith(scope.path))


def _plan_units(plan: RosterPlan, rows: list[UnitRow], index: _UnitIndex, scope):
    existing = {u.code: u for u in Unit.objects.select_related("parent")}
    seen = {}
    for row in rows:

        def problem(column, reason, row=row):
            plan.problems.append(CellProblem(UNIT_SHEET, row.row, column, reason))

        if not row.code:
            continue
        if row.code in seen:
            problem("区划代码", f"与第{seen[row.code]}行重复")
            continue
        seen[row.code] = row.row
        if row.parent_code:
            parent = index.by_code.get(row.parent_code)
            if parent is None:
                problem("上级区划代码", f"{row.parent_code} 既不在本表中，也不在系统中")
            elif row.kind and parent[1] not in ALLOWED_PARENT_KINDS[row.kind]:
                problem("上级区划代码", f"{row.kind}级单位的上级不能是{parent[1]}（{parent[0]}）")
            elif index.path(row.code) is None:
                problem("上级区划代码", "上级关系形成循环")
        unit = existing.get(row.code)
        diffs = []
        if unit:
            old_parent = unit.parent.code if unit.parent_id else None
            for column, old, new in (
                ("单位名称", unit.name, row.name),
                ("类型", unit.kind, row.kind),
                ("上级区划代码", old_parent or "", row.parent_code or ""),
                ("常住人口", shown("", unit.population), shown("", row.population)),
            ):
                if old != new:
                    diffs.append((column, old, new))
        status = NEW if unit is None else CHANGED if diffs else UNCHANGED
        if status != UNCHANGED:
            old_ok = unit is None or _in_scope(unit.path, scope)
            if not (old_ok and _in_scope(index.path(row.code), scope)):
                problem("区划代码", f"单位「{row.name}」不在您的管理范围内，不能新增或修改")
        plan.units.append(UnitOp(row, unit, status))
        plan.changes.append(Change(UNIT_SHEET, row.row, f"{row.name}（{row.code}）", status, diffs))


def _match_existing(rows: list[CadreRow]) -> tuple[dict, dict]:
    id_numbers = [r.values["id_number"] for r in rows if r.values["id_number"]]
    names = list({r.values["name"] for r in rows if r.values["name"]})
    by_id, by_name_birth = {}, defaultdict(list)
    for chunk in _chunks(id_numbers):
        for cadre in Cadre.objects.filter(id_number__in=chunk).select_related("unit"):
            by_id[cadre.id_number] = cadre
    for chunk in _chunks(names):
        for cadre in Cadre.objects.filter(name__in=chunk).select_related("unit"):
            by_name_birth[(cadre.name, cadre.birth)].append(cadre)
    return by_id, by_name_birth


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _current_posts(cadres: list[Cadre]) -> dict[int, list[Post]]:
    posts = defaultdict(list)
    ids = [c.pk for c in cadres]
    for chunk in _chunks(ids):
        for post in Post.objects.current().filter(cadre_id__in=chunk).order_by("id"):
            posts[post.cadre_id].append(post)
    return posts


def _find(row: CadreRow, by_id, by_name_birth) -> tuple[Cadre | None, str]:
    values = row.values
    if values["id_number"] and values["id_number"] in by_id:
        return by_id[values["id_number"]], ""
    candidates = by_name_birth.get((values["name"], values["birth"]), [])
    if values["id_number"]:
        # Someone recorded without a number, now given one.
        candidates = [c for c in candidates if not c.id_number]
    if len(candidates) > 1:
        return None, "系统中有多名同名且出生年月相同的干部，请填写身份证号以区分"
    return (candidates[0] if candidates else None), ""


def _plan_cadres(plan: RosterPlan, rows: list[CadreRow], index: _UnitIndex, scope):
    by_id, by_name_birth = _match_existing(rows)
    matched = {}
    for row in rows:

        def problem(column, reason, row=row):
            plan.problems.append(CellProblem(row.sheet, row.row, column, reason))

        def unit_problem(reason, row=row):
            sheet, number, column = row.unit_where or (row.sheet, row.row, "单位")
            plan.problems.append(CellProblem(sheet, number, column, reason))

        code, reason = None, ""
        if row.post_text:
            code, row.titles, reason = index.split_post(row.post_text)
            if code:
                row.unit_ref = index.by_code[code][0]
        elif row.unit_ref:
            refs = [row.unit_ref, *row.unit_alternatives]
            code, reason = index.resolve_all(refs, required=row.unit_alternatives_required)
        if reason:
            unit_problem(reason)
        cadre, reason = _find(row, by_id, by_name_birth)
        if reason:
            problem("身份证号", reason)
        key = cadre.pk if cadre else (row.values["id_number"] or (row.values["name"], row.values["birth"]))
        if key in matched:
            problem("姓名", f"与第{matched[key]}行是同一人")
            continue
        matched[key] = row.row
        plan.cadres.append(CadreOp(row, cadre, code or "", NEW, former=_former(row, index, plan.problems)))
    posts = _current_posts([op.existing for op in plan.cadres if op.existing])
    held = _all_posts([op.existing for op in plan.cadres if op.existing and op.former])
    assessments = _assessments([op.existing for op in plan.cadres if op.existing and op.row.assessments])
    photos, families = _lrmx_records([op.existing for op in plan.cadres if op.existing and op.row.lrmx])
    for op in plan.cadres:
        diffs = _cadre_diffs(op, posts.get(op.existing.pk, []) if op.existing else [])
        if op.existing and op.row.assessments:
            diffs += _assessment_diffs(op.row.assessments, assessments.get(op.existing.pk, {}))
        if op.existing and op.row.lrmx is not None:
            diffs += _lrmx_diffs(op.row.lrmx, photos.get(op.existing.pk), families.get(op.existing.pk, []))
        if op.existing and op.former:
            former_diffs = _former_diffs(op.former, held.get(op.existing.pk, {}), index)
            op.former_changed = bool(former_diffs)
            diffs += former_diffs
        if op.existing:
            op.status = CHANGED if diffs else UNCHANGED
            op.posts_changed = any(column in POST_COLUMNS for column, _, _ in diffs)
        if op.status != UNCHANGED and op.unit_code:
            old_ok = op.existing is None or _in_scope(op.existing.unit.path, scope)
            if not (old_ok and _in_scope(index.path(op.unit_code), scope)):
                sheet, number, column = op.row.unit_where or (op.row.sheet, op.row.row, "单位")
                plan.problems.append(
                    CellProblem(sheet, number, column, f"「{op.row.unit_ref}」不在您的管理范围内")
                )
        label = f"{op.row.values['name']}（{op.row.unit_ref}）"
        plan.changes.append(Change(op.row.sheet, op.row.row, label, op.status, diffs))


POST_COLUMNS = {"单位", "现任职务", "任现职时间"}
FORMER_COLUMN = "已免职务"


def _former(row: CadreRow, index: _UnitIndex, problems: list) -> list[tuple[str, str, dt.date, dt.date]]:
    """A former post's organ as a registry unit. One the registry does not know (a county bureau,
    a post in another city) is left to the 简历, which keeps the whole career; a name that fits
    two units is a problem, never a pick."""
    result = []
    for post in row.former_posts:
        codes = index.candidates(post.unit_ref)
        if len(codes) > 1:
            problems.append(CellProblem(*post.where, index._ambiguous(post.unit_ref, codes)))
        elif codes:
            result.append((codes[0], post.title, post.start, post.end))
    return list(dict.fromkeys(result))


def _all_posts(cadres: list[Cadre]) -> dict[int, dict[tuple, dt.date | None]]:
    """cadre id → {(unit code, title, start): end} for every post, current or ended."""
    result = defaultdict(dict)
    for chunk in _chunks([c.pk for c in cadres]):
        for cadre_id, code, title, start, end in Post.objects.filter(cadre_id__in=chunk).values_list(
            "cadre_id", "unit__code", "title", "start", "end"
        ):
            result[cadre_id][(code, title, start)] = end
    return result


def _former_diffs(former, held: dict, index: _UnitIndex) -> list[tuple[str, str, str]]:
    diffs = []
    for code, title, start, end in former:
        key = (code, title, start)
        if key in held and held[key] == end:
            continue
        name = index.by_code[code][0]
        old = _post_text(name, title, start, held[key]) if key in held else ""
        diffs.append((FORMER_COLUMN, old, _post_text(name, title, start, end)))
    return diffs


def _post_text(unit_name: str, title: str, start: dt.date, end: dt.date | None) -> str:
    return f"{unit_name}{title}（{yearmonth.fmt(start)}—{yearmonth.fmt(end) if end else '今'}）"


def current_post_start(posts: list[Post]) -> dt.date | None:
    return max((p.start for p in posts), default=None)


def _assessments(cadres: list[Cadre]) -> dict[int, dict[int, str]]:
    result = defaultdict(dict)
    for chunk in _chunks([c.pk for c in cadres]):
        for cadre_id, year, text in Assessment.objects.filter(cadre_id__in=chunk).values_list(
            "cadre_id", "year", "result"
        ):
            result[cadre_id][year] = text
    return result


def _lrmx_records(cadres: list[Cadre]) -> tuple[dict, dict]:
    photos, families = {}, defaultdict(list)
    for chunk in _chunks([c.pk for c in cadres]):
        photos.update(CadrePhoto.objects.filter(cadre_id__in=chunk).values_list("cadre_id", "sha256"))
        for member in FamilyMember.objects.filter(cadre_id__in=chunk).order_by("cadre_id", "order"):
            families[member.cadre_id].append(member.as_lrmx())
    return photos, families


def _lrmx_diffs(lrmx, photo_sha: str | None, family: list[dict]) -> list[tuple[str, str, str]]:
    diffs = []
    if lrmx.photo is not None and hashlib.sha256(lrmx.photo).hexdigest() != photo_sha:
        diffs.append(("照片", "有" if photo_sha else "", "新照片"))
    if lrmx.family != family:
        shown_family = "、".join(f"{m['ChengWei']} {m['XingMing']}" for m in lrmx.family)
        diffs.append(
            ("家庭主要成员", "、".join(f"{m['ChengWei']} {m['XingMing']}" for m in family), shown_family)
        )
    return diffs


def _assessment_diffs(wanted: list[tuple[int, str]], held: dict[int, str]) -> list[tuple[str, str, str]]:
    # A year the file leaves out is kept: nothing is deleted by an import.
    return [
        (f"{year}年度考核", held.get(year, ""), result) for year, result in wanted if held.get(year) != result
    ]


def _cadre_diffs(op: CadreOp, posts: list[Post]) -> list[tuple[str, str, str]]:
    row, cadre = op.row, op.existing
    if cadre is None:
        return []
    diffs = [
        (CADRE_LABELS[name], shown(name, getattr(cadre, name)), shown(name, value))
        for name, value in row.values.items()
        if (getattr(cadre, name) or None) != (value or None)
    ]
    if cadre.unit.code != op.unit_code:
        diffs.append(("单位", cadre.unit.name, row.unit_ref))
    old_titles = sorted(p.title for p in posts)
    if old_titles != sorted(row.titles) or any(p.unit_id != cadre.unit_id for p in posts):
        diffs.append(("现任职务", TITLE_SEPARATOR.join(p.title for p in posts),
                      TITLE_SEPARATOR.join(row.titles)))  # fmt: skip
    if current_post_start(posts) != row.post_start:
        diffs.append(("任现职时间", shown("", current_post_start(posts)), shown("", row.post_start)))
    return diffs
