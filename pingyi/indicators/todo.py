"""待办 of the indicators: sign-offs for the organizer; values returned or still to enter for townships."""

from django.db.models import Count
from django.urls import reverse

from pingyi.accounts.access import visible_units
from pingyi.accounts.models import Role
from pingyi.lib.todo import Cell, Column, Todo

from .analysis import default_year
from .models import Indicator, IndicatorValue, Status


def items(user, today) -> list[Todo]:
    if user.is_organizer:
        pending = IndicatorValue.objects.pending().values("unit", "year").distinct().count()
        if not pending:
            return []
        values = IndicatorValue.objects.pending().count()
        return [
            Todo(
                f"{pending} 个乡镇（街道）年度的发展指标待审核（{values} 项）",
                reverse("indicator_review_list"),
                pending,
                key="indicators-signoff",
            )
        ]
    if user.role not in (Role.TOWNSHIP_CLERK, Role.COUNTY_LIAISON):
        return []
    townships = list(visible_units(user).townships().order_by("path"))
    if not townships:
        return []
    found = []
    returned = IndicatorValue.objects.filter(unit__in=townships, status=Status.RETURNED)
    for unit_id, year, n in (
        returned.values_list("unit", "year").annotate(n=Count("id")).order_by("year", "unit")
    ):
        unit = next(t for t in townships if t.pk == unit_id)
        found.append(
            Todo(
                f"{unit.name}{year}年度发展指标被退回 {n} 项，请修改后重新提交",
                reverse("indicator_entry", args=[unit_id, year]),
                n,
                True,
                "indicators-returned",
            )
        )
    year = default_year()
    total = Indicator.objects.active().stored().count()
    entered = dict(
        IndicatorValue.objects.filter(unit__in=townships, year=year, value__isnull=False)
        .values_list("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    short = [(t, total - entered.get(t.pk, 0)) for t in townships if entered.get(t.pk, 0) < total]
    if len(short) == 1 and len(townships) == 1:
        unit, missing = short[0]
        found.append(
            Todo(
                f"{unit.name}{year}年度发展指标还有 {missing} 项未填报",
                reverse("indicator_entry", args=[unit.pk, year]),
                missing,
                key="indicators-missing",
            )
        )
    elif short:
        names = "、".join(t.name for t, _ in short[:6]) + ("等" if len(short) > 6 else "")
        found.append(
            Todo(
                f"{len(short)} 个乡镇（街道）{year}年度发展指标未填全：{names}",
                reverse("indicator_entry_list") + f"?year={year}",
                len(short),
                key="indicators-missing",
            )
        )
    return found


def county_columns(user, townships, today) -> list[Column]:
    """The liaison's summary: how far each township's indicators of the year are entered and signed off."""
    year = default_year()
    total = Indicator.objects.active().stored().count()
    counts: dict[int, dict[str, int]] = {}
    rows = IndicatorValue.objects.filter(unit__in=townships, year=year, value__isnull=False)
    for unit_id, status, n in rows.values_list("unit", "status").annotate(n=Count("id")):
        counts.setdefault(unit_id, {})[status] = n
    cells = {}
    for t in townships:
        c = counts.get(t.pk, {})
        entered = sum(c.values())
        link = reverse("indicator_entry", args=[t.pk, year])
        if c.get(Status.RETURNED):
            cells[t.pk] = Cell(f"退回 {c[Status.RETURNED]} 项", True, link)
        elif entered < total:
            cells[t.pk] = Cell(f"未填 {total - entered} 项", False, link)
        elif c.get(Status.PENDING):
            cells[t.pk] = Cell("待审核", False, link)
        else:
            cells[t.pk] = Cell("已齐", False, link)
    return [Column(f"{year}年度发展指标", cells)]
