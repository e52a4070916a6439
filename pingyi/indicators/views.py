import datetime as dt
from collections import Counter
from functools import wraps

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingyi.accounts.access import (
    can_edit,
    get_unit_or_404,
    organizer_required,
    require_edit,
    visible_units,
)
from pingyi.audit.actions import record
from pingyi.lib import staging
from pingyi.lib.downloads import attachment

from . import actions
from .analysis import Dataset, default_year
from .forms import ReturnForm, ValuesForm
from .models import Area, Indicator, IndicatorValue, Status, ValueChange, ValueImport
from .profile import city_table, speech, township_profile
from .workbook import FIRST_YEAR, latest_year, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREND_YEARS = 3


class YearError(BadRequest):
    pass


def _year(value, default=None) -> int:
    if value in (None, ""):
        return default or default_year()
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise YearError(f"年度「{value}」应为四位数字") from None
    if not FIRST_YEAR <= year <= latest_year():
        raise YearError(f"年度应在 {FIRST_YEAR}—{latest_year()} 之间")
    return year


def says_bad_year(view):
    """A wrong ?year= is answered with 400 and the reason, in the site's layout."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except YearError as exc:
            context = {"status": 400, "title": "请求有误", "reason": str(exc)}
            return render(request, "error.html", context, status=400)

    return wrapper


def _years_choice(year: int) -> list[int]:
    return list(range(latest_year(), max(FIRST_YEAR, year - 6) - 1, -1))


def _window(year: int) -> list[int]:
    return list(range(year - TREND_YEARS + 1, year + 1))


def _headline(indicator) -> bool:
    """Compared indicators and derived ones; raw inputs (床位数, 常住人口 …) only in the profile."""
    return indicator.compared or not indicator.is_raw


def _township_or_404(user, pk):
    unit = get_unit_or_404(user, pk)
    if not unit.is_township:
        raise Http404("只有乡镇（街道）有指标画像")
    return unit


# ---------------------------------------------------------------------- analysis


@says_bad_year
def overview(request):
    year = _year(request.GET.get("year"))
    data = Dataset([year])  # no trends here: one year is enough, and four times faster
    visible = set(visible_units(request.user).townships().values_list("pk", flat=True))
    areas = [
        (area.label, [data.column(i, year) for i in data.indicators if i.area == area and _headline(i)])
        for area in Area
    ]
    townships = []
    for township in data.townships:
        if township.pk in visible:
            profile = township_profile(data, township, year)
            townships.append((township, data.county[township.pk], profile))
    return render(
        request,
        "indicators/overview.html",
        {
            "year": year,
            "years": _years_choice(year),
            "areas": areas,
            "speech": speech(data, year),
            "townships": townships,
            "township_total": len(data.townships),
            "pending": IndicatorValue.objects.pending().count() if request.user.is_organizer else 0,
        },
    )


def catalogue(request):
    indicators = Indicator.objects.active().select_related("numerator", "denominator")
    return render(
        request,
        "indicators/catalogue.html",
        {"areas": [(a.label, [i for i in indicators if i.area == a]) for a in Area]},
    )


@says_bad_year
def table(request, key):
    chosen = request.GET.get("indicator")
    if chosen and chosen != key:
        # The form's indicator menu works without script: it lands here and moves on.
        query = request.GET.copy()
        query.pop("indicator")
        return redirect(reverse("indicator_table", args=[chosen]) + "?" + query.urlencode())
    indicator = Indicator.objects.active().select_related("numerator", "denominator").filter(key=key).first()
    if indicator is None:
        raise Http404("指标不存在")
    year = _year(request.GET.get("year"))
    sort = request.GET.get("sort", "")
    data = Dataset([year])
    indicator = data.by_key[key]
    visible = set(visible_units(request.user).townships().values_list("pk", flat=True))
    rows = city_table(data, indicator, year, visible, sort)
    column = data.column(indicator, year)
    chart_rows = sorted(
        (r for r in rows if r.line.value is not None), key=lambda r: r.line.value, reverse=True
    )
    chart = {
        "labels": [r.unit.name for r in chart_rows],
        "values": [float(r.line.value) for r in chart_rows],
        "city": float(column.city) if column.city is not None else None,
        "unit": indicator.unit,
    }
    return render(
        request,
        "indicators/table.html",
        {
            "indicator": indicator,
            "year": year,
            "years": _years_choice(year),
            "rows": rows,
            "column": column,
            "city_text": rows[0].line.city_text if rows else "—",
            "flagged": len(column.below()),
            "sort": sort,
            "chart": chart,
            "indicators": [i for i in data.indicators if _headline(i)],
            "value_label": f"数值（{indicator.unit}）" if indicator.unit else "数值",
        },
    )


def _profile(request, pk):
    unit = _township_or_404(request.user, pk)
    year = _year(request.GET.get("year"))
    data = Dataset(_window(year))
    # The unit as the dataset loaded it, with its parent.
    return township_profile(data, unit, year)


@says_bad_year
def profile(request, pk):
    p = _profile(request, pk)
    return render(
        request,
        "indicators/profile.html",
        {
            "p": p,
            "years": _years_choice(p.year),
            "radar": p.radar(),
            "bars": p.bars(),
            "population": p.line("population"),
        },
    )


@says_bad_year
def profile_screen(request, pk):
    """The big screen's fragment: no layout; the host page loads the scripts (README)."""
    p = _profile(request, pk)
    return render(request, "indicators/profile_screen.html", _screen_context(p))


@says_bad_year
def profile_screen_preview(request, pk):
    """The fragment alone on a 1920×1080 page, to check it before the meeting."""
    p = _profile(request, pk)
    return render(request, "indicators/profile_screen_preview.html", _screen_context(p))


def _screen_context(p) -> dict:
    # The id carries the unit so that two fragments swapped into one page never share it.
    return {"p": p, "radar": p.radar(), "radar_id": f"ind-radar-{p.unit.pk}"}


# ---------------------------------------------------------------------- entry and sign-off


@says_bad_year
def entry_list(request):
    year = _year(request.GET.get("year"))
    townships = visible_units(request.user).townships().select_related("parent").order_by("path")
    counts = {}
    for unit_id, status, n in (
        IndicatorValue.objects.filter(year=year, unit__in=townships)
        .values_list("unit_id", "status")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(unit_id, Counter())[status] = n
    total = Indicator.objects.active().stored().count()
    rows = [(t, counts.get(t.pk, Counter())) for t in townships]
    return render(
        request,
        "indicators/entry_list.html",
        {"year": year, "years": _years_choice(year), "rows": rows, "total": total},
    )


@says_bad_year
def entry(request, pk, year):
    unit = _township_or_404(request.user, pk)
    year = _year(year)
    chosen = request.GET.get("year")
    if request.method == "GET" and chosen and chosen != str(year):
        return redirect("indicator_entry", pk=unit.pk, year=_year(chosen))
    indicators = list(Indicator.objects.active().stored())
    rows = {v.indicator_id: v for v in IndicatorValue.objects.filter(unit=unit, year=year)}
    current = {i: v.value for i, v in rows.items()}
    editable = can_edit(request.user)
    if request.method == "POST":
        require_edit(request.user)
        form = ValuesForm(indicators, current, request.POST)
        if form.is_valid():
            written = actions.do_enter_values(unit, year, form.values, request.user, request=request)
            if written and request.user.is_organizer:
                messages.success(request, f"已保存 {written} 项，组织部录入的数据直接生效")
            elif written:
                messages.success(request, f"已提交 {written} 项，等待组织部审核")
            else:
                messages.info(request, "没有修改任何数据")
            return redirect("indicator_entry", pk=unit.pk, year=year)
    else:
        form = ValuesForm(indicators, current)
    history = (
        ValueChange.objects.filter(value__unit=unit, value__year=year)
        .select_related("value__indicator")
        .order_by("-at", "-id")[:200]
    )
    pending = sum(1 for v in rows.values() if v.status == Status.PENDING)
    return render(
        request,
        "indicators/entry.html",
        {
            "unit": unit,
            "year": year,
            "years": _years_choice(year),
            "form": form,
            "lines": [(i, field, rows.get(i.pk)) for i, field in form.rows()],
            "areas": [a.label for a in Area],
            "editable": editable,
            "history": history,
            "pending": pending,
            "return_form": ReturnForm(),
        },
        status=400 if form.errors else 200,
    )


@organizer_required
def review_list(request):
    batches = (
        IndicatorValue.objects.pending()
        .values("unit_id", "unit__name", "unit__parent__name", "year")
        .annotate(n=Count("id"))
        .order_by("year", "unit__code")
    )
    returned = (
        IndicatorValue.objects.filter(status=Status.RETURNED)
        .values("unit_id", "unit__name", "year", "return_reason")
        .annotate(n=Count("id"))
        .order_by("year", "unit__code")
    )
    return render(request, "indicators/review_list.html", {"batches": batches, "returned": returned})


@require_POST
@says_bad_year
def review(request, pk, year):
    unit = _township_or_404(request.user, pk)
    if not request.user.is_organizer:
        raise PermissionDenied("仅组织部管理员可以审核")
    year = _year(year)
    if "return" in request.POST:
        form = ReturnForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写退回原因")
            return redirect("indicator_entry", pk=unit.pk, year=year)
        n = actions.do_return(unit, year, request.user, form.cleaned_data["reason"], request=request)
        messages.success(request, f"已退回 {n} 项，乡镇修改后重新提交")
    else:
        n = actions.do_approve(unit, year, request.user, request=request)
        messages.success(request, f"已审核通过 {n} 项")
    return redirect("indicator_entry", pk=unit.pk, year=year)


# ---------------------------------------------------------------------- workbooks


def _export_townships(request):
    return visible_units(request.user).townships().order_by("code")


@says_bad_year
def template_xlsx(request):
    year = _year(request.GET.get("year"), default=dt.date.today().year - 1)
    content = workbook(_export_townships(request), year, with_values=False)
    return attachment(content, f"乡镇发展指标导入模板（{year}年）.xlsx")


@says_bad_year
def export_xlsx(request):
    year = _year(request.GET.get("year"))
    townships = _export_townships(request)
    content = workbook(townships, year, with_values=True)
    record(
        actions.EXPORT,
        request=request,
        summary=f"导出 {year} 年 {townships.count()} 个乡镇（街道）的指标数据",
    )
    return attachment(content, f"乡镇发展指标（{year}年）.xlsx")


def import_upload(request):
    require_edit(request.user)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的 .xlsx 文件")
            return redirect("indicator_import")
        staged = actions.do_stage_import(request.user, upload.name, upload.read())
        return redirect("indicator_import_preview", pk=staged.pk)
    imports = ValueImport.objects.filter(created_by=request.user)[:20]
    year = dt.date.today().year - 1
    return render(request, "indicators/import_upload.html", {"imports": imports, "year": year})


def _staged_or_404(request, pk) -> ValueImport:
    return staging.staged_or_404(ValueImport, request.user, pk)


def import_preview(request, pk):
    staged = _staged_or_404(request, pk)
    status = 400 if staged.status == ValueImport.Status.REJECTED else 200
    return render(
        request, "indicators/import_preview.html", {"staged": staged, "s": staged.summary}, status=status
    )


@require_POST
def import_confirm(request, pk):
    require_edit(request.user)
    staged = _staged_or_404(request, pk)
    if "discard" in request.POST:
        actions.do_discard_import(staged)
        messages.info(request, "已放弃本次导入，未写入任何数据")
        return redirect("indicator_import")
    try:
        plan = actions.do_confirm_import(staged, request.user, request=request)
    except actions.ValuesRejected as exc:
        actions.do_reject_import(staged, exc.plan)
        messages.error(request, str(exc))
        return redirect("indicator_import_preview", pk=staged.pk)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("indicator_import_preview", pk=staged.pk)
    c = plan.counts()
    messages.success(
        request, f"导入完成：新增 {c['new']} 项，修改 {c['changed']} 项，未变 {c['unchanged']} 项"
    )
    return redirect("indicator_import_preview", pk=staged.pk)
