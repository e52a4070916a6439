"""Every change to units and cadres goes through a do_* function here."""

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pingyi.audit.actions import record
from pingyi.audit.models import Action
from pingyi.lib import bounded, bulk, gcpause, staging, yearmonth
from pingyi.lib.xlsx import WorkbookError

from . import readers
from .models import Assessment, Cadre, CadrePhoto, FamilyMember, Post, ResumeEntry, RosterImport, Unit
from .resume import OK, parse_resume
from .roster_plan import CHANGED, NEW, RosterPlan, plan_roster
from .vocab import (
    COUNTY_KINDS,
    UnitKind,
    is_chief_title,
    is_county_team_text,
    is_county_team_title,
    is_township_chief_text,
)


class RosterRejected(Exception):
    def __init__(self, plan: RosterPlan):
        super().__init__(f"名册有 {len(plan.problems)} 处错误，未导入任何数据")
        self.plan = plan


def import_scope(user) -> Unit | None:
    """The subtree a user may change by import; None for organizers (everything)."""
    return None if user is None or user.is_organizer else user.unit


def plan_import(data: bytes, user, overrides: dict | None = None) -> RosterPlan:
    """Raises xlsx.WorkbookError for an unreadable file. Any layout of `readers`; `overrides`
    corrects how the file's columns were placed (sheet -> column letter -> our column)."""
    # Any layout is read in a child with a time and memory budget (lib/bounded): .xls and .lrmx
    # files can be honest about their size and still take long to read.
    try:
        parsed = bounded.run(readers.read_any, data, settings.ROSTER_MAX_BYTES, overrides)
    except bounded.BudgetExceeded as exc:
        raise WorkbookError(str(exc)) from None
    return plan_roster(parsed, import_scope(user))


def do_stage_roster(user, filename: str, data: bytes, overrides: dict | None = None) -> RosterImport:
    """Keep an upload and its preview until the user confirms it."""
    staged = staging.stage(RosterImport, user, filename, data, lambda d: plan_import(d, user, overrides))
    if overrides:
        staged.summary["overrides"] = overrides
        staged.save(update_fields=["summary"])
    return staged


def do_remap_roster(staged: RosterImport, user, overrides: dict) -> RosterImport:
    """The user corrects how the file's columns were placed: the upload is read again as a new
    preview, and the old one is discarded."""
    if not staged.content:
        raise ValueError("该导入已处理，无法修改列的对应关系，请重新上传")
    merged = {**staged.summary.get("overrides", {})}
    for sheet, columns in overrides.items():
        merged[sheet] = {**merged.get(sheet, {}), **columns}
    with transaction.atomic():
        fresh = do_stage_roster(user, staged.filename, bytes(staged.content), merged)
        staging.discard(staged)
    return fresh


def do_confirm_roster(staged: RosterImport, user, request=None) -> RosterPlan:
    """Apply a staged upload, planned again so it reflects the registry as it is now."""
    overrides = staged.summary.get("overrides")
    return staging.confirm(
        staged,
        lambda data, filename: do_import_roster(
            data, user, request=request, filename=filename, overrides=overrides
        ),
        handled="该名册已处理，不能重复导入",
    )


def do_reject_roster(staged: RosterImport, plan: RosterPlan) -> None:
    """The registry changed since the preview and the file no longer applies."""
    staging.reject(staged, plan)


def do_discard_roster(staged: RosterImport) -> None:
    staging.discard(staged)


def do_import_roster(
    data: bytes, user, *, request=None, filename: str = "", overrides: dict | None = None
) -> RosterPlan:
    """All or nothing: raises RosterRejected (nothing written) unless every row is good."""
    plan = plan_import(data, user, overrides)
    if not plan.ok:
        raise RosterRejected(plan)
    with transaction.atomic():
        units = _apply_units(plan)
        _apply_cadres(plan, units)
        counts = plan.counts()
        record(
            Action.ROSTER_IMPORT,
            request=request,
            user=user,
            target=filename,
            summary="单位：新增 {new}、修改 {changed}；".format(**counts["单位"])
            + "干部：新增 {new}、修改 {changed}、未变 {unchanged}".format(**counts["干部名册"]),
            detail={"counts": counts, "sha256": hashlib.sha256(data).hexdigest()},
        )
    return plan


_KIND_ORDER = {UnitKind.CITY: 0, **{k: 1 for k in COUNTY_KINDS}}


def _apply_units(plan: RosterPlan) -> dict[str, Unit]:
    units = {u.code: u for u in Unit.objects.all()}
    ops = [op for op in plan.units if op.status in (NEW, CHANGED)]
    for op in sorted(ops, key=lambda op: _KIND_ORDER.get(op.row.kind, 2)):
        row = op.row
        parent = units[row.parent_code] if row.parent_code else None
        unit = op.existing or Unit(code=row.code)
        old_path = unit.path
        unit.name, unit.kind, unit.population, unit.parent = row.name, row.kind, row.population, parent
        unit.path = (parent.path if parent else "") + f"{row.code}/"
        unit.save()
        units[row.code] = unit
        if old_path and old_path != unit.path:
            _move_subtree(old_path, unit.path, units)
    return units


def _move_subtree(old_path: str, new_path: str, units: dict[str, Unit]):
    for unit in Unit.objects.filter(path__startswith=old_path).exclude(path=new_path):
        unit.path = new_path + unit.path[len(old_path) :]
        unit.save(update_fields=["path"])
        units[unit.code] = unit


@gcpause.paused()
def _apply_cadres(plan: RosterPlan, units: dict[str, Unit]):
    new_ops = [op for op in plan.cadres if op.status == NEW]
    created = _create_cadres(new_ops, units)
    posts = []
    for op, cadre in zip(new_ops, created, strict=True):
        posts += _post_rows(cadre.pk, cadre.unit, op.row.titles, op.row.post_start)
        posts += _former_rows(cadre.pk, op.former, units)
    changed_ops = [op for op in plan.cadres if op.status == CHANGED]
    resumes_to_rebuild = list(created)
    for op in changed_ops:
        cadre = op.existing
        if cadre.resume != op.row.values["resume"]:
            resumes_to_rebuild.append(cadre)
        for name, value in op.row.values.items():
            setattr(cadre, name, value)
        cadre.unit = units[op.unit_code]
        cadre.save()
        if op.posts_changed:
            posts += _replace_posts(cadre, op.row.titles, op.row.post_start)
        if op.former_changed:
            posts += _end_former_posts(cadre, op.former, units)
    bulk.insert(Post, POST_FIELDS, posts)
    # New cadres have nothing to clear before their 简历 lines, photo, family and appraisals go in.
    new = {c.pk for c in created}
    rebuild_resume_entries(resumes_to_rebuild, new=new)
    _apply_lrmx([(cadre, op.row.lrmx) for op, cadre in zip(new_ops, created, strict=True)]
                + [(op.existing, op.row.lrmx) for op in changed_ops], new)  # fmt: skip
    _apply_assessments([(cadre, op.row.assessments) for op, cadre in zip(new_ops, created, strict=True)]
                       + [(op.existing, op.row.assessments) for op in changed_ops], new)  # fmt: skip


@dataclass(slots=True)
class _Created:
    """A cadre just inserted: what the rest of the import needs of it (a model instance per row
    cost a fifth of the write time of 10,000 cadres)."""

    pk: int
    unit: Unit
    resume: str


def _create_cadres(ops, units: dict[str, Unit]) -> list:
    """The new cadres, inserted in one set; returned with their ids."""
    if not ops:
        return []
    names = list(ops[0].row.values)
    if any(list(op.row.values) != names for op in ops):
        # Rows of different layouts in one import do not happen; keep the general path for them.
        return Cadre.objects.bulk_create([Cadre(unit=units[op.unit_code], **op.row.values) for op in ops])
    now = timezone.now()
    # Columns the rows do not set take the model's default, as bulk_create would.
    defaults = {
        f.name: f.get_default()
        for f in Cadre._meta.concrete_fields
        if f.name not in names and f.has_default() and f.name not in ("unit", "updated_at")
    }
    ids = bulk.insert_returning(
        Cadre,
        [*names, *defaults, "unit", "updated_at"],
        [(*op.row.values.values(), *defaults.values(), units[op.unit_code].pk, now) for op in ops],
    )
    return [
        _Created(pk, units[op.unit_code], op.row.values.get("resume", ""))
        for op, pk in zip(ops, ids, strict=True)
    ]


def _apply_lrmx(pairs, new: set[int]) -> None:
    """A 任免审批表's photo (when it has one) and its family list replace what was kept."""
    pairs = [(cadre, lrmx) for cadre, lrmx in pairs if lrmx is not None]
    if not pairs:
        return
    with_photo = [(cadre, lrmx.photo) for cadre, lrmx in pairs if lrmx.photo is not None]
    CadrePhoto.objects.filter(cadre__in=[c.pk for c, _ in with_photo if c.pk not in new]).delete()
    CadrePhoto.objects.bulk_create(
        [CadrePhoto(cadre_id=c.pk, content=p, sha256=hashlib.sha256(p).hexdigest()) for c, p in with_photo],
        batch_size=200,
    )
    FamilyMember.objects.filter(cadre__in=[c.pk for c, _ in pairs if c.pk not in new]).delete()
    bulk.insert(
        FamilyMember,
        ["cadre", "order", "relation", "name", "birth", "political_status", "work"],
        (
            (cadre.pk, n, m["ChengWei"], m["XingMing"], m["ChuShengRiQi"], m["ZhengZhiMianMao"],
             m["GongZuoDanWeiJiZhiWu"])
            for cadre, lrmx in pairs
            for n, m in enumerate(lrmx.family, start=1)
        ),
    )  # fmt: skip


def _apply_assessments(pairs, new: set[int]) -> None:
    """Set each year the file gives; years it leaves out are kept."""
    pairs = [(cadre, wanted) for cadre, wanted in pairs if wanted]
    if not pairs:
        return
    by_years = defaultdict(list)
    for cadre, wanted in pairs:
        if cadre.pk not in new:
            by_years[frozenset(year for year, _ in wanted)].append(cadre.pk)
    for years, ids in by_years.items():
        Assessment.objects.filter(cadre__in=ids, year__in=years).delete()
    bulk.insert(
        Assessment,
        ["cadre", "year", "result"],
        ((cadre.pk, year, result) for cadre, wanted in pairs for year, result in wanted),
    )


def new_post(cadre: Cadre, unit: Unit, title: str, start: dt.date, end: dt.date | None = None) -> Post:
    """An unsaved post, classified for the statistics."""
    return Post(
        cadre=cadre,
        unit=unit,
        title=title,
        start=start,
        end=end,
        is_chief=is_chief_title(unit.kind, title),
        is_county_team=is_county_team_title(unit.kind, title),
    )


POST_FIELDS = ["cadre", "unit", "title", "start", "end", "is_chief", "is_county_team"]


def _post_rows(cadre_id: int, unit: Unit, titles: list[str], start: dt.date) -> list[tuple]:
    """New posts as rows for bulk.insert (POST_FIELDS), classified as new_post does."""
    return [
        (cadre_id, unit.pk, title, start, None, is_chief_title(unit.kind, title),
         is_county_team_title(unit.kind, title))
        for title in titles
    ]  # fmt: skip


def _former_rows(cadre_id: int, former, units: dict[str, Unit]) -> list[tuple]:
    """Ended posts (roster_plan CadreOp.former) as rows for bulk.insert (POST_FIELDS)."""
    return [
        (cadre_id, (unit := units[code]).pk, title, start, end, is_chief_title(unit.kind, title),
         is_county_team_title(unit.kind, title))
        for code, title, start, end in former
    ]  # fmt: skip


def _end_former_posts(cadre: Cadre, former, units: dict[str, Unit]) -> list[tuple]:
    """A post the file gives as ended takes its 免职 month (the post held until now, or one
    recorded with another end); return the ended posts the registry did not have."""
    held = {(p.unit_id, p.title, p.start): p for p in Post.objects.filter(cadre=cadre)}
    missing = []
    for code, title, start, end in former:
        post = held.get((units[code].pk, title, start))
        if post is None:
            missing.append((code, title, start, end))
        elif post.end != end:
            post.end = end
            post.save(update_fields=["end"])
    return _former_rows(cadre.pk, missing, units)


def _replace_posts(cadre: Cadre, titles: list[str], start: dt.date) -> list[tuple]:
    """End the posts no longer held, correct the start of those kept; return the new ones."""
    wanted = {(cadre.unit_id, t) for t in titles}
    kept = set()
    for post in Post.objects.current().filter(cadre=cadre):
        key = (post.unit_id, post.title)
        if key in wanted and key not in kept:
            kept.add(key)
            if post.start != start:
                post.start = start
                post.save(update_fields=["start"])
        else:
            this_month = yearmonth.month_start(dt.date.today())
            post.end = start if start > post.start else this_month
            post.save(update_fields=["end"])
    return _post_rows(cadre.pk, cadre.unit, [t for t in titles if (cadre.unit_id, t) not in kept], start)


def rebuild_resume_entries(cadres: list[Cadre], new: set[int] = frozenset()):
    """Parse each cadre's 简历 into its lines again; `new` cadres have none to clear first."""
    ResumeEntry.objects.filter(cadre__in=[c.pk for c in cadres if c.pk and c.pk not in new]).delete()
    rows = []
    # The same 单位职务 recurs across a county's cadres: each is classified once.
    kinds: dict[str, tuple[bool, bool]] = {}
    for cadre in cadres:
        for line in parse_resume(cadre.resume):
            chief, county = False, False
            if line.status == OK:
                if (known := kinds.get(line.text)) is None:
                    known = kinds[line.text] = (
                        is_township_chief_text(line.text),
                        is_county_team_text(line.text),
                    )
                chief, county = known
            rows.append(
                (cadre.pk, line.line_no, line.raw[:300], line.status, line.start, line.end, line.text[:300],
                 line.problem, chief, county)
            )  # fmt: skip
    bulk.insert(
        ResumeEntry,
        ["cadre", "line_no", "raw", "status", "start", "end", "text", "problem", "is_township_chief",
         "is_county_team"],
        rows,
    )  # fmt: skip


def do_update_cadre(cadre: Cadre, changes: dict, user, request=None) -> Cadre:
    """Edit a cadre's personal fields from the web form; posts change through the roster."""
    with transaction.atomic():
        before = {name: getattr(cadre, name) for name in changes}
        for name, value in changes.items():
            setattr(cadre, name, value)
        cadre.save()
        if before.get("resume", cadre.resume) != cadre.resume:
            rebuild_resume_entries([cadre])
        changed = {n: [str(before[n] or ""), str(v or "")] for n, v in changes.items() if before[n] != v}
        if changed:
            record(
                Action.CADRE_EDIT,
                request=request,
                user=user,
                target=f"{cadre.name}（#{cadre.pk}）",
                summary="修改：" + "、".join(Cadre._meta.get_field(n).verbose_name for n in changed),
                detail={"changes": {n: v for n, v in changed.items() if n != "id_number"}},
            )
    return cadre


def do_update_unit(unit: Unit, *, name: str, population: int | None, user, request=None) -> Unit:
    with transaction.atomic():
        before = (unit.name, unit.population)
        unit.name, unit.population = name, population
        unit.save(update_fields=["name", "population"])
        if before != (name, population):
            record(
                Action.UNIT_EDIT,
                request=request,
                user=user,
                target=f"{unit.name}（{unit.code}）",
                summary=f"名称 {before[0]}→{name}；常住人口 {before[1] or '—'}→{population or '—'}",
            )
    return unit


def group_posts_by_cadre(posts) -> dict[int, list[Post]]:
    grouped = defaultdict(list)
    for post in posts:
        grouped[post.cadre_id].append(post)
    return grouped
