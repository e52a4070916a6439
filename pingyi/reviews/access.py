"""Loaders that answer 404 outside the user's scope: rounds, appraisees, a round's appraisees."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from pingyi.accounts.access import get_scoped_or_404, scoped, visible_units

from .models import Appraisee, Review


def get_review_or_404(request, pk) -> Review:
    # A round is city-wide; what is inside it is filtered by scope.
    if not visible_units(request.user).exists():
        raise Http404("内容不存在")
    return get_object_or_404(Review, pk=pk)


def get_appraisee_or_404(request, pk) -> Appraisee:
    queryset = Appraisee.objects.select_related("review", "cadre", "unit", "unit__parent")
    return get_scoped_or_404(request.user, queryset, pk, "unit__path", "述职人")


def appraisees_for(request, review: Review):
    return scoped(
        request.user, review.appraisees.select_related("cadre", "unit", "unit__parent"), "unit__path"
    )
