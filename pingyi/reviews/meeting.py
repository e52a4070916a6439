"""Meeting day: the organizer's control page drives the big screen."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import organizer_required, scoped, sees_whole_city
from pingyi.org.models import CadrePhoto

from . import actions
from .access import get_appraisee_or_404, get_review_or_404

# What a user bound to a county or township gets of the screen's state: the agenda and the current
# speaker within their scope. Anything apps add (the ballots' turnout) is for city-wide roles only.
SCOPED_KEYS = ("version", "stage", "live", "title", "agenda", "current")


def state_for(user, review) -> dict:
    """The big screen's state as `user` may read it: organizers and city leaders see the meeting as
    the hall does; a liaison or a clerk, only the speakers their own pages show them."""
    state = actions.meeting_state(review)
    if sees_whole_city(user):
        return state
    visible = set(scoped(user, review.appraisees.all(), "unit__path").values_list("order", flat=True))
    state = {key: state[key] for key in SCOPED_KEYS if key in state}
    state["agenda"] = [item for item in state["agenda"] if item["order"] in visible]
    if state["current"] is not None and state["current"]["order"] not in visible:
        state["current"] = None
    return state


COMMANDS = {"start", "pause", "resume", "next", "previous", "goto"}


@organizer_required
def control(request, pk):
    review = get_review_or_404(request, pk)
    return render(request, "reviews/meeting_control.html", {
        "review": review, "state": actions.meeting_state(review), "can_run": review.allows("run_meeting"),
    })  # fmt: skip


@require_POST
@organizer_required
def command(request, pk, name):
    review = get_review_or_404(request, pk)
    if name not in COMMANDS:
        return JsonResponse({"error": "未知的操作"}, status=400)
    try:
        order = request.POST.get("order", "")
        review = actions.do_meeting(review, request.user, name, order=int(order) if order.isdigit() else None)
    except actions.ReviewError as exc:
        return JsonResponse({"error": str(exc), "state": actions.meeting_state(review)}, status=409)
    return JsonResponse({"state": actions.meeting_state(review)})


def screen(request, pk):
    review = get_review_or_404(request, pk)
    return render(
        request, "reviews/screen.html", {"review": review, "state": state_for(request.user, review)}
    )


def state(request, pk):
    review = get_review_or_404(request, pk)
    response = JsonResponse(state_for(request.user, review))
    response["Cache-Control"] = "no-store"
    return response


def photo(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    if appraisee.photo:
        return HttpResponse(bytes(appraisee.photo), content_type=appraisee.photo_type or "image/jpeg")
    # Without a photo of its own, the one from the cadre's 任免审批表 (.lrmx).
    kept = CadrePhoto.objects.filter(cadre_id=appraisee.cadre_id).first()
    if kept is None:
        return HttpResponse(status=404)
    content = bytes(kept.content)
    return HttpResponse(content, content_type="image/png" if content.startswith(b"\x89PNG") else "image/jpeg")
