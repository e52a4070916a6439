"""Every change to units and cadres goes through a do_* function here."""

import datetime as dt
import hashlib
from collections import defaultdict

from django.conf import settings
from django.db import transaction

from pingyi.audit.actions import record
from pingyi.audit.models import Action
from pingyi.lib import staging, yearmonth

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
    parsed = readers.read_any(data, settings.ROSTER_MAX_BYTES, overrides)
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


def _apply_cadres(plan: RosterPlan, units: dict[str, Unit]):
    new_ops = [op for op in plan.cadres if op.status == NEW]
    created = Cadre.objects.bulk_create(
        [Cadre(unit=units[op.unit_code], **op.row.values) for op in new_ops], batch_size=500
    )
    posts = []
    for op, cadre in zip(new_ops, created, strict=True):
        posts += _new_posts(cadre, op.row.titles, op.row.post_start)
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
    Post.objects.bulk_create(posts, batch_size=1000)
    rebuild_resume_entries(resumes_to_rebuild)
    _apply_lrmx([(cadre, op.row.lrmx) for op, cadre in zip(new_ops, created, strict=True)]
                + [(op.existing, op.row.lrmx) for op in changed_ops])  # fmt: skip
    _apply_assessments([(cadre, op.row.assessments) for op, cadre in zip(new_ops, created, strict=True)]
                       + [(op.existing, op.row.assessments) for op in changed_ops])  # fmt: skip


def _apply_lrmx(pairs) -> None:
    """A 任免审批表's photo (when it has one) and its family list replace what was kept."""
    pairs = [(cadre, lrmx) for cadre, lrmx in pairs if lrmx is not None]
    if not pairs:
        return
    with_photo = [(cadre, lrmx.photo) for cadre, lrmx in pairs if lrmx.photo is not None]
    CadrePhoto.objects.filter(cadre__in=[c.pk for c, _ in with_photo]).delete()
    CadrePhoto.objects.bulk_create(
        [CadrePhoto(cadre=c, content=p, sha256=hashlib.sha256(p).hexdigest()) for c, p in with_photo],
        batch_size=200,
    )
    FamilyMember.objects.filter(cadre__in=[c.pk for c, _ in pairs]).delete()
    FamilyMember.objects.bulk_create(
        [
            FamilyMember(
                cadre=cadre, order=n, relation=m["ChengWei"][:20], name=m["XingMing"][:40],
                birth=m["ChuShengRiQi"][:20], political_status=m["ZhengZhiMianMao"][:20],
                work=m["GongZuoDanWeiJiZhiWu"][:200],
            )
            for cadre, lrmx in pairs
            for n, m in enumerate(lrmx.family, start=1)
        ],
        batch_size=1000,
    )  # fmt: skip


def _apply_assessments(pairs) -> None:
    """Set each year the file gives; years it leaves out are kept."""
    pairs = [(cadre, wanted) for cadre, wanted in pairs if wanted]
    if not pairs:
        return
    by_years = defaultdict(list)
    for cadre, wanted in pairs:
        by_years[frozenset(year for year, _ in wanted)].append(cadre.pk)
    for years, ids in by_years.items():
        Assessment.objects.filter(cadre__in=ids, year__in=years).delete()
    Assessment.objects.bulk_create(
        [
            Assessment(cadre=cadre, year=year, result=result)
            for cadre, wanted in pairs
            for year, result in wanted
        ],
        batch_size=1000,
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


def _new_posts(cadre: Cadre, titles: list[str], start: dt.date) -> list[Post]:
    return [new_post(cadre, cadre.unit, title, start) for title in titles]


def _replace_posts(cadre: Cadre, titles: list[str], start: dt.date) -> list[Post]:
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
    return _new_posts(cadre, [t for t in titles if (cadre.unit_id, t) not in kept], start)


def rebuild_resume_entries(cadres: list[Cadre]):
    ResumeEntry.objects.filter(cadre__in=[c.pk for c in cadres if c.pk]).delete()
    entries = []
    for cadre in cadres:
        for line in parse_resume(cadre.resume):
            entries.append(
                ResumeEntry(
                    cadre=cadre, line_no=line.line_no, raw=line.raw[:300], status=line.status,
                    start=line.start, end=line.end, text=line.text[:300], problem=line.problem,
                    is_township_chief=line.status == OK and is_township_chief_text(line.text),
                    is_county_team=line.status == OK and is_county_team_text(line.text),
                )
            )  # fmt: skip
    ResumeEntry.objects.bulk_create(entries, batch_size=2000)


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
