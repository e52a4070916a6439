from django.shortcuts import render

from .forms import AnalysisForm
from .report import analyse


def analysis(request):
    form = AnalysisForm(request.GET or None, request.user)
    result = analyse(form.selection(), form.transition_year, *form.comparison)
    query = request.GET.urlencode()
    return render(
        request,
        "stats/analysis.html",
        {"form": form, "a": result, "charts": result.charts(), "query": query},
        status=400 if form.errors else 200,
    )
