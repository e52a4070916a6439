"""Review rounds, their appraisees and duty reports."""

import io
import warnings

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingyi.accounts.access import (
    can_edit,
    get_scoped_or_404,
    organizer_required,
    require_edit,
    scoped,
    visible_cadres,
)
from pingyi.dupcheck import actions as dupcheck_actions
from pingyi.dupcheck.display import percent
from pingyi.dupcheck.models import CheckResult, Document
from pingyi.lib import limits
from pingyi.lib.downloads import attachment
from pingyi.lib.kept import kept, posted_to

from . import actions
from .access import appraisees_for, get_appraisee_or_404, get_review_or_404
from .extract import ExtractError, report_text
from .forms import AppraiseeForm, MeasureForm, ProblemForm, RemarkForm, ReportForm, ReviewForm
from .models import STAGE_ORDER, STAGE_WINDOWS, Appraisee, DutyReport, Problem, Review, Stage
from .queries import latest_checks, with_versions
from .refusal import refuse


def review_list(request):
    reviews = Review.objects.annotate(appraisee_count=Count("appraisees"))
    return render(request, "reviews/review_list.html", {"reviews": reviews})


@organizer_required
def review_create(request):
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.do_create_review(request.user, **form.cleaned_data)
        except actions.ReviewError as exc:
            form.add_error("number", str(exc))
        else:
            messages.success(request, f"已创建{review.label}，请添加述职人")
            return redirect("review_detail", pk=review.pk)
    return render(request, "reviews/review_form.html", {"form": form}, status=400 if form.errors else 200)


@organizer_required
def review_edit(request, pk):
    review = get_review_or_404(request, pk)
    form = ReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        fresh = Review.objects.get(pk=review.pk)  # the form has already written into `review`
        try:
            actions.do_update_review(fresh, request.user, **form.cleaned_data)
        except actions.ReviewError as exc:
            # The arrangements typed stay in the form, with the reason above it.
            form.add_error(None, str(exc))
            return render(request, "reviews/review_form.html", {"form": form, "review": review}, status=409)
        messages.success(request, "会议安排已保存")
        return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "review": review},
        status=400 if form.errors else 200,
    )


def review_detail(request, pk):
    review = get_review_or_404(request, pk)
    appraisees = list(
        with_versions(appraisees_for(request, review)).annotate(
            report_count=Count("reports", distinct=True),
            problem_count=Count("problems", distinct=True),
        )
    )
    if request.user.is_organizer:
        # As stored: a stale one is marked and rechecked when opened, not all of them on this page.
        checks = latest_checks(request, appraisees, refresh=False)
        version = Document.objects.corpus_version()
        for a in appraisees:
            a.check = checks.get(a.pk)
            a.check_stale = a.check is not None and a.check.is_stale(version)
    candidates = None
    if request.user.is_organizer and review.allows("change_appraisees"):
        taken = review.appraisees.values("cadre_id")
        candidates = AppraiseeForm(
            None,
            visible_cadres(request.user)
            .chiefs()
            .exclude(pk__in=taken)
            .select_related("unit")
            .order_by("unit__path", "id"),
        )
    index = review.stage_index()
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "appraisees": appraisees,
            "candidates": candidates,
            "stages": [(s, i < index, i == index) for i, s in enumerate(STAGE_ORDER)],
            "next_stage": STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None,
            "previous_stage": STAGE_ORDER[index - 1]
            if 0 < index < STAGE_ORDER.index(Stage.APPRAISAL)
            else None,
            "history": review.stage_changes.select_related("by"),
            "allows": {name: review.allows(name) for name in STAGE_WINDOWS},
            "can_accept": request.user.is_organizer
            and review.allows("decide_report")
            and any(a.versions and a.versions[0].status == "submitted" for a in appraisees),
        },
    )


@require_POST
@organizer_required
def appraisee_add(request, pk):
    review = get_review_or_404(request, pk)
    form = AppraiseeForm(request.POST, visible_cadres(request.user))
    if not form.is_valid():
        return refuse(request, "请选择述职人", review_detail, review.pk, 400)
    try:
        appraisee = actions.do_add_appraisee(review, form.cleaned_data["cadre"], request.user)
    except actions.ReviewError as exc:
        return refuse(request, exc, review_detail, review.pk)
    messages.success(request, f"已添加述职人：{appraisee}")
    return redirect("review_detail", pk=review.pk)


@require_POST
@organizer_required
def appraisee_change(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    try:
        if "remove" in request.POST:
            actions.do_remove_appraisee(appraisee, request.user)
        else:
            actions.do_move_appraisee(appraisee, request.user, -1 if "up" in request.POST else 1)
    except actions.ReviewError as exc:
        return refuse(request, exc, review_detail, appraisee.review_id)
    return redirect("review_detail", pk=appraisee.review_id)


def _with_checks(request, reports) -> list[DutyReport]:
    """The reports, each with `check` (its 查重 result, rechecked first if the corpus grew since) for
    organizers, who alone see them."""
    reports = list(reports)
    checks = {}
    if request.user.is_organizer:
        checks = dupcheck_actions.do_results_for(
            [r.dupcheck_document_id for r in reports], refresh=True, user=request.user, request=request
        )
    for r in reports:
        r.check = checks.get(r.dupcheck_document_id)
    return reports


def appraisee_detail(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    review = appraisee.review
    editable = can_edit(request.user)
    return render(
        request,
        "reviews/appraisee_detail.html",
        {
            "a": appraisee,
            "review": review,
            "reports": _with_checks(request, appraisee.reports.select_related("submitted_by", "decided_by")),
            "remarks": appraisee.remarks.all(),
            "problems": appraisee.problems.all(),
            "carried_over": Problem.objects.carried_over_for(appraisee).select_related("appraisee__review"),
            "report_form": kept(request, "report_submit", ReportForm) if editable and review.allows("submit_report") else None,
            "remark_form": kept(request, "remark_add", RemarkForm) if request.user.is_organizer and review.allows("add_remark") else None,
            "problem_form": kept(request, "problem_add", ProblemForm) if editable and review.allows("add_problem") else None,
            "decide_typed": request.POST if posted_to(request, "report_decide") else {},
            "settings_typed": request.POST if posted_to(request, "appraisee_settings") else {},
            "measure_form": MeasureForm,
            "settings_open": request.user.is_organizer and review.allows("change_appraisees"),
            "portrait": appraisee.portrait(),
            "feedback_ready": review.allows("feedback_sheet"),  # it carries the results
        },
    )  # fmt: skip


@require_POST
def report_submit(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    require_edit(request.user)
    form = ReportForm(request.POST, request.FILES)
    target = f"{_appraisee_url(appraisee)}#report"
    if not form.is_valid():
        return refuse(
            request,
            "；".join(e for errors in form.errors.values() for e in errors),
            appraisee_detail,
            pk,
            400,
        )
    upload = form.cleaned_data.get("file")
    try:
        if upload:
            data = upload.read()
            text = report_text(upload.name, data)
            filename, original = upload.name, data
        else:
            text, filename, original = form.cleaned_data["text"], "", b""
        report = actions.do_submit_report(
            appraisee, request.user, text=text, filename=filename, original=original
        )
    except ExtractError as exc:
        return refuse(request, exc, appraisee_detail, pk, 400, field="file")
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, pk)
    late = "（逾期提交）" if report.late else ""
    messages.success(request, f"已提交述职报告第{report.version}版，共{report.char_count}字{late}")
    return redirect(target)


def _appraisee_url(appraisee):
    return reverse("appraisee_detail", args=[appraisee.pk])


def _report_or_404(request, pk) -> DutyReport:
    return get_scoped_or_404(
        request.user,
        DutyReport.objects.select_related("appraisee__review"),
        pk,
        "appraisee__unit__path",
        "述职报告",
    )


@require_POST
@organizer_required
def report_decide(request, pk):
    report = _report_or_404(request, pk)
    target = f"{_appraisee_url(report.appraisee)}#report"
    try:
        actions.do_decide_report(
            report, request.user, accept="accept" in request.POST, reason=request.POST.get("reason", "")
        )
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, report.appraisee_id)
    return redirect(target)


def report_view(request, pk):
    report = _report_or_404(request, pk)
    if request.GET.get("download") and report.filename:
        return attachment(bytes(report.original), report.filename, "application/octet-stream")
    check = None
    if request.user.is_organizer and report.dupcheck_document_id:
        check = CheckResult.objects.filter(document_id=report.dupcheck_document_id).first()
        if check is not None:
            check = dupcheck_actions.do_refresh_if_stale(check, user=request.user, request=request)
    return render(
        request, "reviews/report_view.html", {"report": report, "a": report.appraisee, "check": check}
    )


@require_POST
@organizer_required
def report_recheck(request, pk):
    report = _report_or_404(request, pk)
    result = actions.do_check_report(report, request.user)
    messages.success(
        request,
        f"已重新查重：去除引用复制比 {percent(result.excluding_quotes_ratio)}"
        f"（总文字复制比 {percent(result.total_copy_ratio)}）",
    )
    return redirect("report_view", pk=report.pk)


@require_POST
@organizer_required
def remark_add(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    form = RemarkForm(request.POST)
    target = f"{_appraisee_url(appraisee)}#remarks"
    if not form.is_valid():
        return refuse(request, "请填写点评人和点评内容", appraisee_detail, pk, 400)
    try:
        actions.do_add_remark(appraisee, request.user, **form.cleaned_data)
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, pk)
    return redirect(target)


@require_POST
def problem_add(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    require_edit(request.user)
    form = ProblemForm(request.POST)
    target = f"{_appraisee_url(appraisee)}#problems"
    if not form.is_valid():
        reason = "；".join(
            f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields
        )
        return refuse(request, reason, appraisee_detail, pk, 400)
    try:
        actions.do_add_problem(appraisee, request.user, **form.cleaned_data)
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, pk)
    return redirect(target)


def my_appraisals(request):
    """For township and county users: the appraisees in their scope, across rounds."""
    appraisees = scoped(
        request.user, Appraisee.objects.select_related("review", "cadre", "unit"), "unit__path"
    )
    return render(
        request, "reviews/my_appraisals.html", {"appraisees": appraisees.order_by("-review__number", "order")}
    )


MAX_PHOTO_BYTES = limits.PHOTO_MAX_BYTES
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def _photo(upload) -> tuple[bytes, str]:
    """A checked JPEG or PNG, or ReviewError with the reason."""
    from PIL import Image, UnidentifiedImageError

    data = upload.read()
    if not data:
        raise actions.ReviewError("照片文件为空")
    if len(data) > MAX_PHOTO_BYTES:
        raise actions.ReviewError("照片超过 2 MB，请压缩后再上传")
    too_big = f"照片的像素尺寸过大，上限为 {limits.MAX_IMAGE_PIXELS // 10000} 万像素，请缩小后再上传"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                # The header's size, before any pixel is decoded: a 2 MB PNG can declare 10^10 pixels.
                if image.width * image.height > limits.MAX_IMAGE_PIXELS:
                    raise actions.ReviewError(f"{too_big}（此图 {image.width}×{image.height}）")
                image.verify()
                kind = PHOTO_FORMATS.get(image.format)
    except Image.DecompressionBombError:
        raise actions.ReviewError(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind is None:
        raise actions.ReviewError("照片须为 JPG 或 PNG 图片")
    return data, kind


@require_POST
@organizer_required
def appraisee_settings(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    minutes = request.POST.get("minutes", "").strip()
    try:
        if minutes and (not minutes.isdigit() or not 1 <= int(minutes) <= 60):
            raise actions.ReviewError("发言时间应为 1–60 之间的整数（分钟）")
        upload = request.FILES.get("photo")
        photo, kind = _photo(upload) if upload else (None, "")
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, pk, 400)
    try:
        actions.do_set_appraisee(
            appraisee, request.user, minutes=int(minutes) if minutes else None, photo=photo, photo_type=kind
        )
    except actions.ReviewError as exc:
        return refuse(request, exc, appraisee_detail, pk)
    messages.success(request, "述职人信息已保存")
    return redirect("appraisee_detail", pk=pk)
