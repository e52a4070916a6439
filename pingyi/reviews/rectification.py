"""Problems found in a round, rectified and tracked to closure."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingyi.accounts.access import can_edit, get_scoped_or_404, organizer_required, require_edit, scoped
from pingyi.lib.downloads import attachment
from pingyi.lib.errors import RoleCannot
from pingyi.lib.kept import kept

from . import actions
from .forms import ExtensionForm, MeasureForm, ProgressForm
from .models import DeadlineExtension, Evidence, ExtensionStatus, Problem, ProblemStatus, Review
from .refusal import refuse

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_FILES = 10


def _problem_or_404(request, pk) -> Problem:
    queryset = Problem.objects.select_related("appraisee__review", "appraisee__cadre", "appraisee__unit")
    return get_scoped_or_404(request.user, queryset, pk, "appraisee__unit__path", "问题")


def problem_detail(request, pk):
    problem = _problem_or_404(request, pk)
    editable = can_edit(request.user) and problem.signed_off_at is None
    pending = problem.extensions.filter(status=ExtensionStatus.PENDING).exists()
    return render(
        request,
        "reviews/problem_detail.html",
        {
            "p": problem,
            "a": problem.appraisee,
            "notes": problem.notes.select_related("created_by").prefetch_related("evidence"),
            "measure_form": kept(
                request,
                "problem_measure",
                MeasureForm,
                instance=problem,
                deadline_locked=not request.user.is_organizer,
            )
            if editable
            else None,
            "progress_form": kept(
                request, "problem_progress", ProgressForm, initial={"status": problem.status}
            )
            if editable
            else None,
            "today": dt.date.today(),
            "extensions": problem.extensions.select_related("requested_by", "decided_by"),
            "extension_form": kept(request, "extension_request", ExtensionForm)
            if editable and not request.user.is_organizer and problem.deadline and not pending
            else None,
        },
    )


def _back(problem):
    return reverse("problem_detail", args=[problem.pk])


@require_POST
def problem_measure(request, pk):
    problem = _problem_or_404(request, pk)
    require_edit(request.user)
    form = MeasureForm(request.POST, instance=Problem.objects.get(pk=problem.pk))
    if not form.is_valid():
        reason = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
        return refuse(request, reason, problem_detail, pk, 400)
    try:
        actions.do_update_problem(problem, request.user, **form.cleaned_data)
    except (actions.ReviewError, RoleCannot) as exc:
        # RoleCannot: a township moving the organizer's deadline; 403 on the page, with what was typed.
        return refuse(request, exc, problem_detail, pk)
    messages.success(request, "整改措施已保存")
    return redirect(_back(problem))


def _evidence_files(request) -> list[tuple[str, str, bytes]]:
    uploads = request.FILES.getlist("evidence")
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise actions.ReviewError(f"一次最多上传{MAX_EVIDENCE_FILES}个佐证材料")
    files = []
    for upload in uploads:
        if upload.size == 0:
            raise actions.ReviewError(f"佐证材料「{upload.name}」为空文件")
        if upload.size > MAX_EVIDENCE_BYTES:
            raise actions.ReviewError(f"佐证材料「{upload.name}」超过10 MB")
        files.append((upload.name, upload.content_type or "application/octet-stream", upload.read()))
    return files


@require_POST
def problem_progress(request, pk):
    problem = _problem_or_404(request, pk)
    require_edit(request.user)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return refuse(request, "请填写整改进展并选择状态", problem_detail, pk, 400)
    try:
        files = _evidence_files(request)
    except actions.ReviewError as exc:
        return refuse(request, exc, problem_detail, pk, 400, field="files")
    try:
        actions.do_add_progress(problem, request.user, files=files, **form.cleaned_data)
    except actions.ReviewError as exc:
        return refuse(request, exc, problem_detail, pk)
    messages.success(request, "整改进展已记录")
    return redirect(_back(problem))


@require_POST
@organizer_required
def problem_signoff(request, pk):
    problem = _problem_or_404(request, pk)
    if request.POST.get("confirm") != "1":
        # 销号 closes the problem for good: never one click.
        return refuse(request, "销号后不能撤销，请先勾选“已核实整改完成情况”再销号", problem_detail, pk, 400)
    try:
        actions.do_sign_off(problem, request.user)
    except actions.ReviewError as exc:
        return refuse(request, exc, problem_detail, pk)
    messages.success(request, "已销号")
    return redirect(_back(problem))


def evidence_download(request, pk):
    evidence = get_scoped_or_404(
        request.user, Evidence.objects.all(), pk, "note__problem__appraisee__unit__path", "佐证材料"
    )
    return attachment(bytes(evidence.data), evidence.filename, "application/octet-stream")


def dashboard(request):
    """整改进度 by county: how many problems, in which state, and how many are overdue."""
    today = dt.date.today()
    reviews = Review.objects.all()
    review = (
        reviews.filter(pk=request.GET.get("review") or None).first()
        if request.GET.get("review", "").isdigit()
        else None
    )
    problems = scoped(request.user, Problem.objects.all(), "appraisee__unit__path")
    if review:
        problems = problems.filter(appraisee__review=review)
    not_done = ~Q(status=ProblemStatus.DONE)
    rows = (
        problems.values("appraisee__unit__parent__name", "appraisee__unit__parent__code")
        .annotate(
            total=Count("id"),
            not_started=Count("id", filter=Q(status=ProblemStatus.NOT_STARTED)),
            in_progress=Count("id", filter=Q(status=ProblemStatus.IN_PROGRESS)),
            done=Count("id", filter=Q(status=ProblemStatus.DONE)),
            signed_off=Count("id", filter=Q(signed_off_at__isnull=False)),
            overdue=Count("id", filter=not_done & Q(deadline__lt=today)),
        )
        .order_by("appraisee__unit__parent__code")
    )
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("total", "not_started", "in_progress", "done", "signed_off", "overdue")
    }
    status = request.GET.get("status", "")
    listed = problems.select_related("appraisee__review", "appraisee__cadre", "appraisee__unit")
    if status == "overdue":
        listed = listed.overdue(today)
    elif status in ProblemStatus.values:
        listed = listed.filter(status=status)
    return render(
        request,
        "reviews/dashboard.html",
        {"rows": rows, "totals": totals, "reviews": reviews, "review": review, "status": status,
         "problems": listed.order_by("deadline", "id")[:200], "statuses": ProblemStatus.choices, "today": today,
         "extensions": scoped(request.user, pending_extensions(), "problem__appraisee__unit__path")},
    )  # fmt: skip


def pending_extensions():
    """延期申请 waiting for the organizer, oldest first."""
    return (
        DeadlineExtension.objects.filter(status=ExtensionStatus.PENDING)
        .select_related("problem__appraisee__unit", "problem__appraisee__cadre", "requested_by")
        .order_by("requested_at", "id")
    )


@require_POST
def extension_request(request, pk):
    """延期申请 by the township or county: the deadline moves only when the organizer grants it."""
    problem = _problem_or_404(request, pk)
    require_edit(request.user)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        reason = "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
        return refuse(request, reason, problem_detail, pk, 400)
    try:
        actions.do_request_extension(
            problem,
            user=request.user,
            deadline=form.cleaned_data["deadline"],
            reason=form.cleaned_data["reason"],
        )
    except actions.ReviewError as exc:
        return refuse(request, exc, problem_detail, pk, 400)
    messages.success(request, "延期申请已提交，等待组织部审批")
    return redirect(_back(problem))


@require_POST
@organizer_required
def extension_decide(request, pk):
    extension = get_scoped_or_404(
        request.user,
        DeadlineExtension.objects.select_related("problem"),
        pk,
        "problem__appraisee__unit__path",
        "延期申请",
    )
    grant = "grant" in request.POST
    try:
        actions.do_decide_extension(
            extension, user=request.user, grant=grant, note=request.POST.get("note", "")
        )
    except actions.ReviewError as exc:
        return refuse(request, exc, problem_detail, extension.problem_id)
    messages.success(request, "已同意延期，整改时限已更新" if grant else "已不同意延期")
    return redirect(_back(extension.problem))
