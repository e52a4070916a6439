"""Paper ballots, typed twice by two people and settled by a third when they disagree."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from pingyi.accounts.access import organizer_required
from pingyi.reviews.access import get_review_or_404

from . import actions
from .models import PaperEntry, PaperStatus


def _grid(review, values: dict | None = None, marked=()):
    form = actions.form_for(review)
    rows = []
    for a in review.appraisees.select_related("cadre").order_by("order"):
        key = actions.appraisee_key(a)
        rows.append({"a": a, "cells": [
            {"name": f"r-{key}-{c['key']}", "value": (values or {}).get(key, {}).get(c["key"], ""),
             "marked": (key, c["key"]) in marked, "label": c["label"]}
            for c in form.criteria
        ]})  # fmt: skip
    return {"criteria": form.criteria, "levels": [level["label"] for level in form.scale], "rows": rows}


def _ratings(request, review) -> dict:
    form = actions.form_for(review)
    ratings = {}
    for a in review.appraisees.order_by("order"):
        key = actions.appraisee_key(a)
        row = {c["key"]: request.POST.get(f"r-{key}-{c['key']}", "") for c in form.criteria}
        ratings[key] = {c: level for c, level in row.items() if level}
    return ratings


@organizer_required
def entries(request, pk):
    review = get_review_or_404(request, pk)
    status, error, typed = 200, "", {}
    if request.method == "POST":
        group = review.evaluator_groups.filter(pk=request.POST.get("group") or None).first()
        try:
            if group is None:
                raise actions.BallotError("请选择评议组")
            entry = actions.do_enter_paper(review, request.user, group=group, number=request.POST.get("number", ""),
                                           ratings=_ratings(request, review))  # fmt: skip
        except actions.BallotError as exc:
            # Twenty selects typed from a paper sheet are not lost to a wrong number.
            status, error = 400, str(exc)
            typed = {"ratings": _ratings(request, review), "group": request.POST.get("group", ""),
                     "number": request.POST.get("number", "")}  # fmt: skip
        else:
            messages.success(request, f"纸质选票 {entry.number}：{entry.get_status_display()}")
            return redirect("paper_entries", pk=review.pk)
    listed = review.paper_entries.select_related("group", "first_by", "second_by")
    return render(request, "ballots/paper.html", {
        "review": review, "entries": listed, "grid": _grid(review, typed.get("ratings")),
        "groups": review.evaluator_groups.all(), "error": error, "typed": typed,
        "counts": {s: listed.filter(status=s).count() for s in PaperStatus.values},
    }, status=status)  # fmt: skip


@organizer_required
def resolve(request, pk):
    entry = get_object_or_404(
        PaperEntry.objects.select_related("review", "group", "first_by", "second_by"), pk=pk
    )
    review = get_review_or_404(request, entry.review_id)
    status, error = 200, ""
    if request.method == "POST":
        try:
            actions.do_resolve_paper(entry, request.user, _ratings(request, review))
        except actions.BallotError as exc:
            status, error = 409, str(exc)
        else:
            messages.success(request, f"纸质选票 {entry.number} 已核对并计入")
            return redirect("paper_entries", pk=review.pk)
    differences = set(entry.differences())
    agreed = {
        a: {c: v for c, v in row.items() if (a, c) not in differences} for a, row in entry.first.items()
    }
    return render(request, "ballots/paper_resolve.html", {
        "review": review, "entry": entry, "error": error, "grid": _grid(review, agreed, differences),
        "first": _grid(review, entry.first, differences), "second": _grid(review, entry.second, differences),
    }, status=status)  # fmt: skip
