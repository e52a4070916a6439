"""The organizer's ballot pages: form, groups, tokens, turnout."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import organizer_required
from pingyi.lib.downloads import attachment
from pingyi.lib.kept import posted_to
from pingyi.reviews.access import get_review_or_404
from pingyi.reviews.models import Review, Stage

from . import actions, publish
from .forms import BallotFormEditor, GroupsEditor
from .models import MIN_GROUP_BALLOTS, EvaluatorGroup, TokenStatus
from .slips import ballot_url, slips_pdf, unreachable_address


def _base_url(request) -> str:
    # The address evaluators' phones reach, which may differ from the organizer's own.
    return getattr(settings, "BALLOT_BASE_URL", "") or request.build_absolute_uri("/")


# Said wherever slips are printed from an address phones cannot open: where the address comes from and
# how to set it, since the organizer who reads it may have to pass it on to whoever runs the server.
SET_BASE_URL = (
    "请在服务器的环境变量中设置 PINGYI_BALLOT_BASE_URL 为评议人手机能访问的地址"
    "：服务器的内网 IP 地址或完整的内网域名，以 http:// 或 https:// 开头，如"
    " PINGYI_BALLOT_BASE_URL=http://192.168.1.10/ 或 PINGYI_BALLOT_BASE_URL=http://pingyi.zzb.gov.cn:8000/，"
    "重启服务后再生成凭证"
)


def address_warning(request) -> str:
    problem = unreachable_address(_base_url(request))
    if not problem:
        return ""
    if getattr(settings, "BALLOT_BASE_URL", ""):
        source = "（此地址取自环境变量 PINGYI_BALLOT_BASE_URL）"
    else:
        source = "（未设置环境变量 PINGYI_BALLOT_BASE_URL，凭证上印的是您此刻访问本系统所用的地址）"
    return f"{problem}{source}。{SET_BASE_URL}。"


def group_rows(review) -> list[dict]:
    """Each group with its tokens counted: all issued, not voided, used, voided, still to issue, batches."""
    rows = []
    for group in review.evaluator_groups.all():
        counts = dict(group.tokens.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
        used, void = counts.get(TokenStatus.USED, 0), counts.get(TokenStatus.VOID, 0)
        active = used + counts.get(TokenStatus.ISSUED, 0)
        unused = dict(
            group.tokens.filter(status=TokenStatus.ISSUED)
            .values_list("batch")
            .annotate(n=Count("id"))
            .values_list("batch", "n")
        )
        batches = sorted(set(group.tokens.values_list("batch", flat=True)))
        rows.append({"g": group, "issued": active + void, "active": active, "used": used, "void": void,
                     "missing": max(group.head_count - active, 0),
                     "batches": [(b, unused.get(b, 0)) for b in batches], "unused": sum(unused.values())})  # fmt: skip
    return rows


@organizer_required
def overview(request, pk):
    review = get_review_or_404(request, pk)
    form = actions.form_for(review)
    rows = group_rows(review)
    if posted_to(request, "tokens_issue"):
        # A refused issue: that group's row keeps the count and the boxes as they were.
        for row in rows:
            if row["g"].pk == request.resolver_match.kwargs["pk"]:
                row["typed"] = request.POST
    return render(request, "ballots/overview.html", {
        "review": review, "form": form, "groups": rows, **_turnout(review),
        "vote_url": ballot_url(_base_url(request)), "address_warning": address_warning(request),
        "can_issue": review.allows("issue_slips"), "can_void": review.allows("void_slips"),
        "live": review.allows("live_turnout"),
        "earlier": Review.objects.exclude(pk=review.pk).filter(evaluator_groups__isnull=False).distinct()
        if not form.frozen else [],
        **_small_groups(review),
    })  # fmt: skip


def _small_groups(review) -> dict:
    """While voting runs: each group's ballots, how it is combined, and what would still be too small."""
    if review.stage != Stage.APPRAISAL:
        return {}
    counts = publish.ballots_by_group(review)
    groups = list(review.evaluator_groups.all())
    rows = [
        {"g": g, "ballots": counts.get(g.pk, 0), "targets": [t for t in groups if t.pk != g.pk]}
        for g in groups
    ]
    return {
        "combine_rows": rows,
        "min_group": MIN_GROUP_BALLOTS,
        "still_small": publish.small_groups(review, counts),
    }


@require_POST
@organizer_required
def combine(request, pk):
    group = get_object_or_404(EvaluatorGroup.objects.select_related("review"), pk=pk)
    choice = request.POST.get("into", "")
    into = None
    if choice.isdigit():
        into = EvaluatorGroup.objects.filter(review=group.review, pk=int(choice)).first()
    try:
        if choice not in ("", "pooled") and into is None:
            raise actions.BallotError("请选择本期的另一个评议组")
        actions.do_combine_group(group, user=request.user, into=into, pooled=choice == "pooled")
    except actions.BallotError as exc:
        messages.error(request, str(exc))
        response = overview(request, group.review_id)
        response.status_code = 409
        return response
    messages.success(request, f"已保存“{group.label}”的合并方式")
    return redirect("ballots_overview", pk=group.review_id)


@require_POST
@organizer_required
def copy_setup(request, pk):
    review = get_review_or_404(request, pk)
    source = Review.objects.filter(pk=request.POST.get("source") or None).exclude(pk=review.pk).first()
    try:
        if source is None:
            raise actions.BallotError("请选择要复制的往期")
        groups = actions.do_copy_setup(review, source, user=request.user)
    except actions.BallotError as exc:
        messages.error(request, str(exc))
        response = overview(request, review.pk)
        response.status_code = 409 if actions.form_for(review).frozen else 400
        return response
    messages.success(request, f"已从{source.label}复制测评表和 {len(groups)} 个评议组，请核对各组人数")
    return redirect("ballots_overview", pk=review.pk)


@organizer_required
def edit_form(request, pk):
    review = get_review_or_404(request, pk)
    current = actions.form_for(review)
    editor = (
        BallotFormEditor(request.POST) if request.method == "POST" else BallotFormEditor.from_config(current)
    )
    if request.method == "POST" and editor.is_valid():
        try:
            actions.do_save_form(
                review, request.user, **editor.to_config([c["key"] for c in current.criteria])
            )
        except actions.BallotError as exc:
            messages.error(request, str(exc))
            return render(request, "ballots/edit_form.html", {"review": review, "editor": editor}, status=409)
        messages.success(request, "测评表已保存")
        return redirect("ballots_overview", pk=review.pk)
    return render(
        request,
        "ballots/edit_form.html",
        {"review": review, "editor": editor},
        status=400 if editor.errors else 200,
    )


@organizer_required
def edit_groups(request, pk):
    review = get_review_or_404(request, pk)
    editor = (
        GroupsEditor(request.POST)
        if request.method == "POST"
        else GroupsEditor.from_groups(review.evaluator_groups.all())
    )
    if request.method == "POST" and editor.is_valid():
        try:
            actions.do_save_groups(review, request.user, editor.cleaned_data["groups"])
        except actions.BallotError as exc:
            messages.error(request, str(exc))
            return render(
                request, "ballots/edit_groups.html", {"review": review, "editor": editor}, status=409
            )
        messages.success(request, "评议组已保存")
        return redirect("ballots_overview", pk=review.pk)
    return render(
        request,
        "ballots/edit_groups.html",
        {"review": review, "editor": editor},
        status=400 if editor.errors else 200,
    )


def _refused(request, group, reason, status=400):
    messages.error(request, str(reason))
    response = overview(request, group.review_id)
    response.status_code = status
    return response


@require_POST
@organizer_required
def issue(request, pk):
    group = get_object_or_404(EvaluatorGroup.objects.select_related("review"), pk=pk)
    count = request.POST.get("count", "").strip()
    if not count.isdigit() or int(count) < 1:
        return _refused(request, group, f"请填写{group.label}要生成的凭证张数（正整数）")
    count = int(count)
    active = group.tokens.exclude(status=TokenStatus.VOID).count()
    if active + count > group.head_count and not request.POST.get("over"):
        return _refused(request, group,
                        f"{group.label}应到 {group.head_count} 人，已发凭证 {active} 张（不含作废），再生成 {count} 张"
                        f"将超过应到人数 {active + count - group.head_count} 张。如确需多发（如备用），"
                        "请勾选“允许超过应到人数”后再生成")  # fmt: skip
    if not actions.form_for(group.review).frozen and not request.POST.get("freeze_ok"):
        # The first slips freeze the form and the groups for good.
        return _refused(
            request,
            group,
            "生成第一批凭证后，测评表和评议组冻结、不能再修改。请核对后勾选“测评表和评议组已核对”再生成",
        )
    warning = address_warning(request)
    if warning and not request.POST.get("address_ok"):
        return _refused(
            request,
            group,
            f"{warning}如确认评议人的手机能打开此地址（或仅在本机试用），请勾选“仍用此地址”后再生成",
        )
    try:
        plain = actions.do_issue_tokens(group, request.user, count)
    except actions.BallotError as exc:
        return _refused(request, group, exc)
    pdf = slips_pdf(group.review.title, group.label, plain, _base_url(request))
    batch = group.tokens.order_by("-batch").first().batch
    response = attachment(pdf, f"{group.review.label}测评凭证_{group.label}_第{batch}批.pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@organizer_required
def void(request, pk):
    """First POST: what would be voided, to confirm; the second (confirm=1) voids it."""
    group = get_object_or_404(EvaluatorGroup.objects.select_related("review"), pk=pk)
    batch = request.POST.get("batch", "")
    if batch != "all" and not batch.isdigit():
        return _refused(request, group, f"请选择要作废{group.label}哪一批凭证")
    number = int(batch) if batch.isdigit() else None
    unused = group.tokens.filter(status=TokenStatus.ISSUED)
    if number is not None:
        unused = unused.filter(batch=number)
    what = f"{group.label}{f'第{number}批' if number else '全部批次'}未使用的凭证"
    if request.POST.get("confirm") != "1":
        return render(request, "ballots/void_confirm.html", {
            "review": group.review, "group": group, "batch": batch, "what": what, "count": unused.count(),
            "live": group.review.stage == Stage.APPRAISAL,
        })  # fmt: skip
    try:
        count = actions.do_void_tokens(group, request.user, batch=number)
    except actions.BallotError as exc:
        return _refused(request, group, exc, 409)
    messages.success(request, f"已作废{what} {count} 张")
    return redirect("ballots_overview", pk=group.review_id)


@organizer_required
def turnout(request, pk):
    # The overview's htmx partial: every evaluator group of the city, so the overview's reader only.
    review = get_review_or_404(request, pk)
    return render(request, "ballots/_turnout.html", {**_turnout(review), "review": review})


def _turnout(review) -> dict:
    rows = actions.turnout(review)
    return {"turnout": rows, "turnout_total": actions.turnout_total(rows)}
