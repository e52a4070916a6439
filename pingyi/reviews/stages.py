"""Moving a round: the readiness checklist and its confirmation before every step forward."""

from django.contrib import messages
from django.shortcuts import redirect, render

from pingyi.accounts.access import organizer_required

from . import actions, readiness
from .access import get_review_or_404
from .models import STAGE_ORDER, Stage
from .refusal import refuse
from .views import review_detail


def _next_stage(review):
    index = review.stage_index()
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


@organizer_required
def stage(request, pk):
    """GET: what is not ready for the next step, and how to confirm it. POST: take the step."""
    review = get_review_or_404(request, pk)
    if request.method == "POST":
        to = request.POST.get("to", "")
        try:
            actions.do_move_stage(
                review,
                request.user,
                to,
                request.POST.get("note", ""),
                confirm=request.POST.get("confirm", ""),
                seen=request.POST.get("seen", ""),
            )
        except actions.ReviewError as exc:
            if to and to == _next_stage(review):
                messages.error(request, str(exc))
                return _checklist(request, review, status=409)
            return refuse(request, exc, review_detail, review.pk)
        review.refresh_from_db()
        messages.success(request, f"已进入「{review.get_stage_display()}」阶段")
        return redirect("review_detail", pk=review.pk)
    return _checklist(request, review)


def _checklist(request, review, status=200):
    to = _next_stage(review)
    if to is None:
        messages.info(request, "本期已归档，没有下一阶段")
        return redirect("review_detail", pk=review.pk)
    gaps = readiness.gaps(review, to)
    return render(
        request,
        "reviews/stage_confirm.html",
        {
            "review": review,
            "to": to,
            "gaps": gaps,
            "blocked": any(g.blocking for g in gaps),
            "phrase": readiness.confirmation_phrase(to, gaps),
            "proceed": readiness.PROCEED,
            "reversible": readiness.reversible(to),
            "seen": readiness.fingerprint(gaps),
            "typed": request.POST.get("confirm", "") if request.method == "POST" else "",
            "note": request.POST.get("note", "") if request.method == "POST" else "",
            "consequence": CONSEQUENCES[Stage(to)],
        },
        status=status,
    )


# What the step does, said before it is taken.
CONSEQUENCES = {
    Stage.REPORTING: "乡镇（街道）即可提交述职报告。可退回「筹备」阶段。",
    Stage.MEETING: "会议安排、述职人名单和发言顺序冻结，会议控制台和大屏可用。可说明理由退回「报告提交」阶段。",
    Stage.APPRAISAL: "手机测评开放，此后不能退回上一阶段，已提交的述职报告不能再补交。",
    Stage.PUBLISHED: "测评关闭，选票密封并计票，结果、回执码和审计记录公布。此步骤不能撤销，公布后不能再投票或补发凭证。",
    Stage.ARCHIVED: "述职报告、点评和问题清单冻结，此后只能继续整改跟踪。此步骤不能撤销。",
}
