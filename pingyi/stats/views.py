from django.shortcuts import render

from pingyi.accounts.access import scope_unit
from pingyi.reviews.models import Review

from .forms import AnalysisForm
from .report import analyse


def analysis(request):
    form = AnalysisForm(request.GET or None, request.user)
    result = analyse(form.selection(), form.transition_year, *form.comparison)
    query = request.GET.urlencode()
    # 讲话素材 holds the whole city's figures: offered to those who see the whole city.
    rounds = Review.objects.order_by("-number") if scope_unit(request.user) is None else Review.objects.none()
    return render(
        request,
        "stats/analysis.html",
        {"form": form, "a": result, "charts": result.charts(), "query": query, "rounds": rounds},
        status=400 if form.errors else 200,
    )
