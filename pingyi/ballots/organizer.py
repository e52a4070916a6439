"""The organizer's ballot pages: form, groups, tokens, turnout."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import organizer_required
from pingyi.lib.downloads import attachment
from pingyi.reviews.models import Stage
from pingyi.reviews.views import get_review_or_404

from . import actions, publish
from .forms import BallotFormEditor, GroupsEditor
from .models import MIN_GROUP_BALLOTS, EvaluatorGroup, TokenStatus
from .slips import ballot_url, slips_pdf


def _base_url(request) -> str:
    # The address evaluators' phones reach, which may differ from the organizer's own.
    return getattr(settings, "BALLOT_BASE_URL", "") or request.build_absolute_uri("/")


@organizer_required
def overview(request, pk):
    review = get_review_or_404(request, pk)
    form = actions.form_for(review)
    groups = []
    for group in review.evaluator_groups.all():
        tokens = group.tokens
        groups.append({"g": group, "issued": tokens.count(), "used": tokens.filter(status=TokenStatus.USED).count(),
                       "void": tokens.filter(status=TokenStatus.VOID).count(),
                       "batches": sorted(set(tokens.values_list("batch", flat=True)))})  # fmt: skip
    return render(request, "ballots/overview.html", {
        "review": review, "form": form, "groups": groups, "turnout": actions.turnout(review),
        "vote_url": ballot_url(_base_url(request)), **_small_groups(review),
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
    return {"combine_rows": rows, "min_group": MIN_GROUP_BALLOTS, "still_small": publish.small_groups(review)}


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


@require_POST
@organizer_required
def issue(request, pk):
    group = get_object_or_404(EvaluatorGroup.objects.select_related("review"), pk=pk)
    count = request.POST.get("count", "")
    try:
        if not count.isdigit():
            raise actions.BallotError("请填写要生成的凭证张数")
        plain = actions.do_issue_tokens(group, request.user, int(count))
    except actions.BallotError as exc:
        messages.error(request, str(exc))
        response = overview(request, group.review_id)
        response.status_code = 400
        return response
    pdf = slips_pdf(group.review.title, group.label, plain, _base_url(request))
    batch = group.tokens.order_by("-batch").first().batch
    response = attachment(pdf, f"{group.review.label}测评凭证_{group.label}_第{batch}批.pdf")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@organizer_required
def void(request, pk):
    group = get_object_or_404(EvaluatorGroup.objects.select_related("review"), pk=pk)
    batch = request.POST.get("batch", "")
    count = actions.do_void_tokens(group, request.user, batch=int(batch) if batch.isdigit() else None)
    messages.success(request, f"已作废{group.label}未使用的凭证 {count} 张")
    return redirect("ballots_overview", pk=group.review_id)


@organizer_required
def turnout(request, pk):
    # The overview's htmx partial: every evaluator group of the city, so the overview's reader only.
    review = get_review_or_404(request, pk)
    return render(request, "ballots/_turnout.html", {"turnout": actions.turnout(review), "review": review})
