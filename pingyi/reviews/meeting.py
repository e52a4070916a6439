"""Meeting day: the organizer's control page drives the big screen."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import organizer_required

from . import actions
from .views import get_appraisee_or_404, get_review_or_404

COMMANDS = {"start", "pause", "resume", "next", "previous"}


@organizer_required
def control(request, pk):
    review = get_review_or_404(request, pk)
    return render(
        request, "reviews/meeting_control.html", {"review": review, "state": actions.meeting_state(review)}
    )


@require_POST
@organizer_required
def command(request, pk, name):
    review = get_review_or_404(request, pk)
    if name not in COMMANDS:
        return JsonResponse({"error": "未知的操作"}, status=400)
    try:
        review = actions.do_meeting(review, request.user, name)
    except actions.ReviewError as exc:
        return JsonResponse({"error": str(exc), "state": actions.meeting_state(review)}, status=409)
    return JsonResponse({"state": actions.meeting_state(review)})


def screen(request, pk):
    review = get_review_or_404(request, pk)
    return render(request, "reviews/screen.html", {"review": review, "state": actions.meeting_state(review)})


def state(request, pk):
    review = get_review_or_404(request, pk)
    response = JsonResponse(actions.meeting_state(review))
    response["Cache-Control"] = "no-store"
    return response


def photo(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    if not appraisee.photo:
        return HttpResponse(status=404)
    return HttpResponse(bytes(appraisee.photo), content_type=appraisee.photo_type or "image/jpeg")
