"""Every change to indicators and their values goes through a do_* function here.

Who signs off: values entered or imported by a township clerk or a county liaison wait for the
organizer (待审核); the organizer signs them off (已审核) or returns them with a reason (已退回).
Values the organizer enters or imports, and the demo loader's, are signed off at once: the
organizer is the one who signs off. Only signed-off values count in the analysis.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from pingyi.accounts.access import can_edit, visible_units
from pingyi.audit.actions import record
from pingyi.lib import staging
from pingyi.org.models import Unit

from . import catalogue as cat
from .models import Indicator, IndicatorValue, Status, ValueChange, ValueImport
from .workbook import ValuePlan, plan_values, read_values

ENTRY = "indicator_entry"
IMPORT = "indicator_import"
EXPORT = "indicator_export"
APPROVE = "indicator_approve"
RETURN = "indicator_return"
CATALOGUE = "indicator_catalogue"
ACTION_LABELS = {
    ENTRY: "填报指标数据",
    IMPORT: "导入指标数据",
    EXPORT: "导出指标数据",
    APPROVE: "审核通过指标数据",
    RETURN: "退回指标数据",
    CATALOGUE: "同步指标目录",
}


class ValuesRejected(Exception):
    def __init__(self, plan: ValuePlan):
        super().__init__(f"文件有 {len(plan.problems)} 处错误，未导入任何数据")
        self.plan = plan


def signs_off(user) -> bool:
    """None is the system itself (the demo loader)."""
    return user is None or user.is_organizer


def editable_townships(user):
    if user is None:
        return Unit.objects.townships()
    if not can_edit(user):
        return Unit.objects.none()
    return visible_units(user).townships()


def _require_organizer(user):
    if user is None or not user.is_organizer:
        raise PermissionDenied("仅组织部管理员可以审核")


# ---------------------------------------------------------------------- catalogue


def do_sync_catalogue(using: str = "default") -> tuple[int, int, int]:
    """Write catalogue.CATALOGUE to the database: create or update by key; retire the rest."""
    fields = (
        "name",
        "short_name",
        "unit",
        "area",
        "direction",
        "derivation",
        "decimals",
        "target",
        "in_profile",
        "note",
    )
    created = updated = 0
    with transaction.atomic(using=using):
        existing = {i.key: i for i in Indicator.objects.using(using).all()}
        by_key = {}
        for order, spec in enumerate(cat.CATALOGUE, start=1):
            indicator = existing.get(spec.key) or Indicator(key=spec.key)
            wanted = {f: getattr(spec, f) for f in fields} | {"order": order, "is_active": True}
            if indicator.pk is None:
                created += 1
            elif any(getattr(indicator, f) != v for f, v in wanted.items()):
                updated += 1
            else:
                by_key[spec.key] = indicator
                continue
            for f, v in wanted.items():
                setattr(indicator, f, v)
            indicator.save(using=using)
            by_key[spec.key] = indicator
        for spec in cat.CATALOGUE:
            indicator = by_key[spec.key]
            numerator = by_key[spec.numerator].pk if spec.numerator else None
            denominator = by_key[spec.denominator].pk if spec.denominator else None
            if (indicator.numerator_id, indicator.denominator_id) != (numerator, denominator):
                indicator.numerator_id, indicator.denominator_id = numerator, denominator
                indicator.save(using=using, update_fields=["numerator", "denominator"])
        retired = (
            Indicator.objects.using(using)
            .exclude(key__in=[s.key for s in cat.CATALOGUE])
            .filter(is_active=True)
            .update(is_active=False)
        )
        if created or updated or retired:
            record(CATALOGUE, summary=f"新增 {created}、修改 {updated}、停用 {retired}")
    return created, updated, retired


# ---------------------------------------------------------------------- values


def do_load_values(
    entries, user, *, action=ValueChange.Action.ENTERED, resubmit=(), audit=ENTRY, target="", request=None
) -> int:
    """Write values: `entries` are (unit id, indicator id, year, Decimal or None to clear).

    An entry equal to the stored value changes nothing, unless its key is in `resubmit` (a
    returned value sent back unchanged). Returns the number of values written.
    """
    entries = list(entries)
    if not entries:
        return 0
    approve = signs_off(user)
    status = Status.APPROVED if approve else Status.PENDING
    now = timezone.now()
    actor_name = user.get_username() if user else "系统"
    resubmit = set(resubmit)
    with transaction.atomic():
        unit_ids = {e[0] for e in entries}
        years = {e[2] for e in entries}
        existing = {
            (v.unit_id, v.indicator_id, v.year): v
            for v in IndicatorValue.objects.select_for_update().filter(unit_id__in=unit_ids, year__in=years)
        }
        created, updated, history = [], [], []
        for unit_id, indicator_id, year, value in entries:
            row = existing.get((unit_id, indicator_id, year))
            if row is None:
                if value is None:
                    continue
                row = IndicatorValue(unit_id=unit_id, indicator_id=indicator_id, year=year)
                created.append(row)
                old = None
            else:
                if row.value == value and (unit_id, indicator_id, year) not in resubmit:
                    continue
                updated.append(row)
                old = row.value
            row.value, row.status, row.entered_by, row.entered_at = value, status, user, now
            row.return_reason = ""
            if approve:
                row.approved_value, row.reviewed_by, row.reviewed_at = value, user, now
            history.append((row, old))
        IndicatorValue.objects.bulk_create(created, batch_size=1000)
        IndicatorValue.objects.bulk_update(
            updated,
            ["value", "status", "entered_by", "entered_at", "return_reason", "approved_value",
             "reviewed_by", "reviewed_at"],
            batch_size=1000,
        )  # fmt: skip
        ValueChange.objects.bulk_create(
            [
                ValueChange(value=row, actor=user, actor_name=actor_name, action=action, old_value=old,
                            new_value=row.value, status=status)
                for row, old in history
            ],
            batch_size=1000,
        )  # fmt: skip
        if history:
            record(
                audit,
                request=request,
                user=user,
                target=target,
                summary=f"写入 {len(history)} 项指标数据（{Status(status).label}）",
                detail={"count": len(history), "status": status},
            )
    return len(history)


def do_enter_values(unit: Unit, year: int, values: dict, user, *, request=None) -> int:
    """The entry form: `values` maps each submitted Indicator to a Decimal or None (cleared)."""
    if not unit.is_township or not editable_townships(user).filter(pk=unit.pk).exists():
        raise PermissionDenied("只能填报本人管理范围内乡镇（街道）的数据")
    returned = set(
        IndicatorValue.objects.filter(unit=unit, year=year, status=Status.RETURNED).values_list(
            "indicator_id", flat=True
        )
    )
    entries = [(unit.pk, i.pk, year, v) for i, v in values.items() if i.is_raw]
    resubmit = {(unit.pk, i.pk, year) for i in values if i.pk in returned}
    return do_load_values(
        entries, user, resubmit=resubmit, target=f"{unit.name}（{unit.code}）{year}年", request=request
    )


def plan_import(data: bytes, user) -> ValuePlan:
    """Raises xlsx.WorkbookError for an unreadable file."""
    parsed = read_values(data, settings.ROSTER_MAX_BYTES)
    return plan_values(parsed, editable_townships(user))


def do_import_values(data: bytes, user, *, request=None, filename: str = "") -> ValuePlan:
    """All or nothing: raises ValuesRejected (nothing written) unless every row is good."""
    plan = plan_import(data, user)
    if not plan.ok:
        raise ValuesRejected(plan)
    entries = [(c.unit_id, c.indicator_id, c.year, c.new) for c in plan.changes if c.status != "unchanged"]
    with transaction.atomic():
        written = do_load_values(
            entries, user, action=ValueChange.Action.IMPORTED, audit=IMPORT, target=filename, request=request
        )
        if not written:
            record(IMPORT, request=request, user=user, target=filename, summary="文件与现有数据一致，未修改")
    return plan


def do_stage_import(user, filename: str, data: bytes) -> ValueImport:
    """Keep an upload and its preview until the user confirms it."""
    return staging.stage(ValueImport, user, filename, data, lambda d: plan_import(d, user))


def do_confirm_import(staged: ValueImport, user, request=None) -> ValuePlan:
    """Apply a staged upload, planned again so that it reflects the values as they are now."""
    return staging.confirm(
        staged,
        lambda data, filename: do_import_values(data, user, request=request, filename=filename),
        handled="该文件已处理，不能重复导入",
    )


def do_reject_import(staged: ValueImport, plan: ValuePlan) -> None:
    """The values changed since the preview and the file no longer applies."""
    staging.reject(staged, plan)


def do_discard_import(staged: ValueImport) -> None:
    staging.discard(staged)


# ---------------------------------------------------------------------- sign-off


def _review(unit: Unit, year: int, user, *, approve: bool, reason: str, request) -> int:
    _require_organizer(user)
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            IndicatorValue.objects.select_for_update().filter(unit=unit, year=year, status=Status.PENDING)
        )
        history = []
        for row in rows:
            before = row.approved_value
            row.reviewed_by, row.reviewed_at = user, now
            if approve:
                row.status, row.approved_value, row.return_reason = Status.APPROVED, row.value, ""
            else:
                row.status, row.return_reason = Status.RETURNED, reason
            history.append(
                ValueChange(
                    value=row, actor=user, actor_name=user.get_username(),
                    action=ValueChange.Action.APPROVED if approve else ValueChange.Action.RETURNED,
                    old_value=before, new_value=row.value,
                    status=row.status, reason=reason,
                )
            )  # fmt: skip
        IndicatorValue.objects.bulk_update(
            rows, ["status", "approved_value", "return_reason", "reviewed_by", "reviewed_at"]
        )
        ValueChange.objects.bulk_create(history)
        if rows:
            word = "审核通过" if approve else f"退回（{reason}）"
            record(
                APPROVE if approve else RETURN,
                request=request,
                user=user,
                target=f"{unit.name}（{unit.code}）{year}年",
                summary=f"{word} {len(rows)} 项指标数据",
                detail={"count": len(rows), "year": year},
            )
    return len(rows)


def do_approve(unit: Unit, year: int, user, *, request=None) -> int:
    """Sign off every value of the township and year that waits for it."""
    return _review(unit, year, user, approve=True, reason="", request=request)


def do_return(unit: Unit, year: int, user, reason: str, *, request=None) -> int:
    """Send the waiting values back to the township; the signed-off ones stay in the analysis."""
    reason = reason.strip()
    if not reason:
        raise ValueError("请填写退回原因")
    return _review(unit, year, user, approve=False, reason=reason[:200], request=request)
