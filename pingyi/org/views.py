import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingyi.accounts.access import (
    can_edit,
    get_cadre_or_404,
    get_unit_or_404,
    require_edit,
    scope_unit,
    visible_cadres,
    visible_units,
)
from pingyi.accounts.models import Role
from pingyi.audit.actions import record
from pingyi.audit.models import Action
from pingyi.lib import staging, todo
from pingyi.lib.downloads import attachment
from pingyi.lib.xlsx import WorkbookError

from . import actions, readers
from .filters import CadreFilterForm
from .forms import CadreForm, UnitForm
from .lrmx_export import iter_files as iter_lrmx_files
from .lrmx_export import lrmx_zip
from .models import Cadre, CadrePhoto, Post, RosterImport
from .readers import lrmx as lrmx_reader
from .roster_export import export_filename, roster_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LRMX_EXPORT_LIMIT = 5000
LRMX_LABELS = {
    "ChuShengDi": "出生地", "JianKangZhuangKuang": "健康状况", "ZhuanYeJiShuZhiWu": "专业技术职务",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长", "NiRenZhiWu": "拟任职务", "NiMianZhiWu": "拟免职务",
    "ChengBaoDanWei": "呈报单位", "JiSuanNianLingShiJian": "计算年龄时间", "TianBiaoShiJian": "填表时间",
    "TianBiaoRen": "填表人", "DaoLingNianYue": "到龄年月", "GaiGeQianRenZhiNianLingJieXian": "改革前任职年龄界限",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "全日制学位毕业院校系及专业",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "在职学位毕业院校系及专业",
}  # fmt: skip


def home(request):
    today = dt.date.today()
    units = visible_units(request.user)
    cadres = visible_cadres(request.user)
    chiefs = cadres.chiefs(today)
    counties = units.counties().annotate(
        township_count=Count("children", filter=Q(children__kind__in=["乡", "镇", "街道"]))
    )
    ages = [c.age_on(today) for c in chiefs.only("birth")]
    bands = [("≤35", 0, 35), ("36–40", 36, 40), ("41–45", 41, 45), ("46–50", 46, 50),
             ("51–55", 51, 55), ("≥56", 56, 200)]  # fmt: skip
    chart = {
        "labels": [b[0] for b in bands],
        "values": [sum(1 for a in ages if lo <= a <= hi) for _, lo, hi in bands],
    }
    return render(
        request,
        "org/home.html",
        {
            "today": today,
            "unit_count": units.townships().count(),
            "cadre_count": cadres.count(),
            "chief_count": len(ages),
            "mean_age": round(sum(ages) / len(ages), 1) if ages else None,
            "counties": counties,
            "age_chart": chart,
            "scope": scope_unit(request.user),
            "recent_imports": RosterImport.objects.filter(created_by=request.user)[:5],
            "todo": todo.for_user(request.user, today),
            "county": _county_summary(request.user, units, today),
            "own_townships": units.townships().order_by("path")[:12] if scope_unit(request.user) else [],
        },
    )


def _county_summary(user, units, today):
    """A county liaison's townships, one row each, with what every app says about them."""
    if user.role != Role.COUNTY_LIAISON:
        return None
    townships = list(units.townships().order_by("path"))
    labels, rows = todo.summary(user, townships, today)
    return {"labels": labels, "rows": rows} if townships else None


def unit_tree(request):
    units = list(
        visible_units(request.user).annotate(cadre_count=Count("cadres", distinct=True)).order_by("path")
    )
    return render(request, "org/unit_tree.html", {"units": units})


def unit_detail(request, pk):
    unit = get_unit_or_404(request.user, pk)
    today = dt.date.today()
    current = Post.objects.current().select_related("unit")
    cadres = (
        visible_cadres(request.user)
        .within(unit)
        .select_related("unit")
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
        .order_by("unit__path", "id")
    )
    children = visible_units(request.user).filter(parent=unit).annotate(cadre_count=Count("cadres"))
    return render(
        request,
        "org/unit_detail.html",
        {"unit": unit, "cadres": cadres[:300], "cadre_total": cadres.count(),
         "children": children, "today": today},
    )  # fmt: skip


def unit_edit(request, pk):
    require_edit(request.user)
    unit = get_unit_or_404(request.user, pk)
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        fresh = type(unit).objects.get(pk=unit.pk)
        actions.do_update_unit(
            fresh, name=form.cleaned_data["name"], population=form.cleaned_data["population"],
            user=request.user, request=request,
        )  # fmt: skip
        messages.success(request, "单位信息已保存")
        return redirect("unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"unit": unit, "form": form})


def _filtered_cadres(request):
    form = CadreFilterForm(request.GET or None, visible_units(request.user).order_by("path"))
    cadres = form.apply(visible_cadres(request.user))
    return form, cadres


def cadre_list(request):
    form, cadres = _filtered_cadres(request)
    current = Post.objects.current().order_by("id")
    cadres = (
        cadres.select_related("unit", "unit__parent")
        .prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))
        .order_by("unit__path", "id")
    )
    page = Paginator(cadres, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/cadre_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "today": dt.date.today()},
    )


def cadre_export(request):
    _form, cadres = _filtered_cadres(request)
    units = visible_units(request.user)
    content = roster_workbook(units, cadres)
    record(
        Action.ROSTER_EXPORT,
        request=request,
        summary=f"导出 {cadres.count()} 名干部",
        detail={"filters": request.GET.dict()},
    )
    return attachment(content, export_filename())


def cadre_lrmx(request, pk):
    """One cadre's 任免审批表 (.lrmx), as the 中组部 editor opens it."""
    cadre = get_cadre_or_404(request.user, pk)
    name, data = next(iter_lrmx_files(Cadre.objects.filter(pk=cadre.pk)))
    record(
        Action.ROSTER_EXPORT, request=request, target=f"{cadre.name}（#{cadre.pk}）", summary="导出任免审批表"
    )
    return attachment(data, name, "application/xml")


def cadre_export_lrmx(request):
    """The cadres of the current filter, one .lrmx each, in a zip."""
    _form, cadres = _filtered_cadres(request)
    count = cadres.count()
    if count > LRMX_EXPORT_LIMIT:
        messages.error(
            request, f"当前筛选有 {count} 名干部，一次最多导出 {LRMX_EXPORT_LIMIT} 份任免审批表，请缩小范围"
        )
        return redirect(f"{reverse('cadre_list')}?{request.GET.urlencode()}")
    content = lrmx_zip(cadres)
    record(
        Action.ROSTER_EXPORT,
        request=request,
        summary=f"导出 {count} 份任免审批表",
        detail={"filters": request.GET.dict()},
    )
    return attachment(content, f"任免审批表_{dt.date.today():%Y%m%d}.zip", "application/zip")


def cadre_photo(request, pk):
    cadre = get_cadre_or_404(request.user, pk)
    photo = CadrePhoto.objects.filter(cadre=cadre).first()
    if photo is None:
        raise Http404("该干部没有照片")
    content = bytes(photo.content)
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    response = HttpResponse(content, content_type=kind)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def cadre_detail(request, pk):
    cadre = get_cadre_or_404(request.user, pk)
    posts = cadre.posts.select_related("unit", "unit__parent").order_by("end", "-start")
    return render(
        request,
        "org/cadre_detail.html",
        {
            "cadre": cadre,
            "age": cadre.age_on(dt.date.today()),
            "current_posts": [p for p in posts if p.end is None],
            "past_posts": [p for p in posts if p.end is not None],
            "entries": cadre.resume_entries.all(),
            # Oldest first, as the 任免审批表 writes them.
            "assessments": cadre.assessments.order_by("year"),
            "has_photo": CadrePhoto.objects.filter(cadre=cadre).exists(),
            "family": cadre.family.all(),
            "lrmx": cadre.lrmx_fields or {},
            "lrmx_other": [
                (LRMX_LABELS.get(tag, tag), value)
                for tag, value in (cadre.lrmx_fields or {}).items()
                if tag not in ("JiangChengQingKuang", "RenMianLiYou", "NianDuKaoHeJieGuo")
            ],
            "can_edit": can_edit(request.user),
        },
    )


def cadre_edit(request, pk):
    require_edit(request.user)
    cadre = get_cadre_or_404(request.user, pk)
    form = CadreForm(request.POST or None, instance=cadre)
    if request.method == "POST" and form.is_valid():
        fresh = Cadre.objects.get(pk=cadre.pk)  # the form has already written into `cadre`
        actions.do_update_cadre(fresh, form.changes(), request.user, request=request)
        messages.success(request, "干部信息已保存")
        return redirect("cadre_detail", pk=cadre.pk)
    return render(
        request, "org/cadre_form.html", {"cadre": cadre, "form": form}, status=400 if form.errors else 200
    )


def roster_template(request):
    return attachment(template_workbook(visible_units(request.user)), "干部名册导入模板.xlsx")


def _lrmx_upload(request):
    """Many .lrmx files, or zips of them, staged as one batch."""
    uploads = request.FILES.getlist("lrmx")
    total = sum(u.size for u in uploads)
    try:
        if not uploads:
            raise WorkbookError("请选择要上传的任免审批表（.lrmx）文件或 zip 压缩包")
        if total > settings.LRMX_MAX_BYTES:
            limit = settings.LRMX_MAX_BYTES // (1024 * 1024)
            raise WorkbookError(
                f"文件合计过大（{total / 1024 / 1024:.1f} MB），上限为 {limit} MB，请分批上传。"
            )
        data = lrmx_reader.pack(lrmx_reader.gather([(u.name, u.read()) for u in uploads]))
    except WorkbookError as exc:
        # Refused before staging (a zip of too many files, a zip bomb): nothing kept, nothing written.
        messages.error(request, str(exc))
        return _upload_page(request, status=400)
    name = uploads[0].name if len(uploads) == 1 else f"任免审批表（{len(uploads)}个文件）"
    staged = actions.do_stage_roster(request.user, name, data)
    return redirect("roster_preview", pk=staged.pk)


def _upload_page(request, status=200):
    imports = RosterImport.objects.filter(created_by=request.user)[:20]
    return render(request, "org/roster_upload.html", {"imports": imports}, status=status)


def roster_upload(request):
    require_edit(request.user)
    if request.method == "POST" and "lrmx" in request.FILES:
        return _lrmx_upload(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要上传的名册文件（.xlsx 或 .xls）")
            return redirect("roster_upload")
        if upload.size > settings.ROSTER_MAX_BYTES:
            limit = settings.ROSTER_MAX_BYTES // (1024 * 1024)
            messages.error(request, f"文件过大（{upload.size / 1024 / 1024:.1f} MB），上限为 {limit} MB。")
            return redirect("roster_upload")
        staged = actions.do_stage_roster(request.user, upload.name, upload.read())
        return redirect("roster_preview", pk=staged.pk)
    return _upload_page(request)


def _staged_or_404(request, pk) -> RosterImport:
    return staging.staged_or_404(RosterImport, request.user, pk)


def roster_preview(request, pk):
    staged = _staged_or_404(request, pk)
    status = 400 if staged.status == RosterImport.Status.REJECTED else 200
    summary = staged.summary
    layout = summary.get("layout", "")
    mappings = [
        {**m, "index": i, "targets": readers.targets(layout, m["sheet"])}
        for i, m in enumerate(summary.get("mappings", []))
    ]
    return render(
        request,
        "org/roster_preview.html",
        {
            "staged": staged,
            "s": summary,
            "layout_label": readers.LAYOUTS.get(layout, ""),
            "mappings": mappings,
            # Columns of another layout can be placed again while the file is kept.
            "can_remap": layout != "own" and bool(staged.content) and bool(mappings),
        },
        status=status,
    )


@require_POST
def roster_remap(request, pk):
    require_edit(request.user)
    staged = _staged_or_404(request, pk)
    overrides = {}
    for i, mapping in enumerate(staged.summary.get("mappings", [])):
        allowed = set(readers.targets(staged.summary.get("layout", ""), mapping["sheet"]))
        for column in mapping["columns"]:
            wanted = request.POST.get(f"map-{i}-{column['letter']}")
            if wanted is None or wanted == column["column"]:
                continue
            if wanted and wanted not in allowed:
                return HttpResponseBadRequest(f"「{wanted}」不是可选的列".encode())
            overrides.setdefault(mapping["sheet"], {})[column["letter"]] = wanted
    if not overrides:
        messages.info(request, "列的对应关系没有变化")
        return redirect("roster_preview", pk=staged.pk)
    try:
        fresh = actions.do_remap_roster(staged, request.user, overrides)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("roster_preview", pk=staged.pk)
    messages.success(request, "已按修改后的列对应关系重新检查")
    return redirect("roster_preview", pk=fresh.pk)


@require_POST
def roster_confirm(request, pk):
    require_edit(request.user)
    staged = _staged_or_404(request, pk)
    if "discard" in request.POST:
        actions.do_discard_roster(staged)
        messages.info(request, "已放弃本次导入，未写入任何数据")
        return redirect("roster_upload")
    try:
        plan = actions.do_confirm_roster(staged, request.user, request=request)
    except actions.RosterRejected as exc:
        # The registry changed since the preview; nothing was written.
        actions.do_reject_roster(staged, exc.plan)
        messages.error(request, str(exc))
        return redirect("roster_preview", pk=staged.pk)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("roster_preview", pk=staged.pk)
    counts = plan.counts()["干部名册"]
    messages.success(
        request,
        f"导入完成：新增 {counts['new']} 人，修改 {counts['changed']} 人，未变 {counts['unchanged']} 人",
    )
    return redirect("roster_preview", pk=staged.pk)
