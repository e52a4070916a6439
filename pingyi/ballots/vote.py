"""The evaluator's phone: no login, no app, works with JavaScript off.

Stateless on purpose: the code travels in each POST body (never in a URL, so no
access log keeps it); the ballot is shown, confirmed, then submitted with a
receipt the server generated and signed on the confirmation page, so a retried
submission can be recognised as already recorded without linking anything to
the token.
"""

import math
from fractions import Fraction

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pingyi.lib import textsize
from pingyi.reviews.models import Review

from . import actions, codes
from .actions import BallotError, appraisee_key, form_for


def _ratings_from(post, spec: actions.BallotSpec) -> dict:
    ratings = {}
    for key in spec.keys:
        chosen = {c["key"]: post.get(f"r-{key}-{c['key']}") for c in spec.form.criteria}
        ratings[key] = {c: level for c, level in chosen.items() if level}
    return ratings


def _ballot_context(review: Review, code: str, ratings: dict, error: str = "") -> dict:
    form = form_for(review)
    appraisees = []
    for appraisee in review.appraisees.select_related("cadre", "unit").order_by("order"):
        key = appraisee_key(appraisee)
        rows = [
            {"criterion": c, "name": f"r-{key}-{c['key']}", "chosen": ratings.get(key, {}).get(c["key"])}
            for c in form.criteria
        ]  # fmt: skip
        appraisees.append({"key": key, "a": appraisee, "rows": rows,
                           "incomplete": any(row["chosen"] is None for row in rows)})  # fmt: skip
    quota = form.rules.get("top_quota")
    # max(1, floor(share × N)) exactly, as the tally counts it (0.58 × 50 is 29, not float's 28).
    allowed = max(1, math.floor(Fraction(str(quota["share"])) * len(appraisees))) if quota else None
    return {"review": review, "code": code, "form": form, "appraisees": appraisees, "error": error,
            "quota": quota, "allowed": allowed, "rules_json": {"scale": form.scale, "criteria": form.criteria,
            "rules": form.rules, "keys": [x["key"] for x in appraisees], "allowed": allowed}}  # fmt: skip


# No CSRF token: the one-time code in the body is the credential, so a forged request
# cannot vote for anyone, and evaluators' phones may refuse the cookie a token needs.
@csrf_exempt
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def vote(request):
    if request.method == "GET":
        return textsize.remember(request, render(request, "ballots/vote_code.html", {}))
    step = request.POST.get("step", "open")
    typed = request.POST.get("code", "")
    if step == "submit":  # the hot path during a meeting: one lookup, inside do_submit_ballot
        return _submit(request, typed)
    try:
        token = actions.token_for(typed)
        actions.open_for_voting(token)
    except BallotError as exc:
        return render(request, "ballots/vote_code.html", {"error": str(exc), "code": typed}, status=400)
    code = codes.grouped(codes.normalize(typed))
    review = token.group.review
    if token.status != "issued":
        return render(
            request,
            "ballots/vote_done.html",
            {"review": review, "already": True, "receipt": None},
            status=409,
        )
    if step == "open":
        return render(request, "ballots/vote_ballot.html", _ballot_context(review, code, {}))
    ratings = _ratings_from(request.POST, actions.ballot_spec(review))
    if step == "edit":
        return render(request, "ballots/vote_ballot.html", _ballot_context(review, code, ratings))
    reason = actions.check_ratings(review, ratings)
    if reason:
        return render(
            request, "ballots/vote_ballot.html", _ballot_context(review, code, ratings, reason), status=400
        )
    receipt = codes.new_receipt()
    context = _ballot_context(review, code, ratings)
    context.update(receipt=receipt, signature=codes.receipt_signature(code, receipt), group=token.group)
    return render(request, "ballots/vote_confirm.html", context)


def _submit(request, typed: str):
    try:
        target = actions.submission_target(typed)
        ratings = _ratings_from(request.POST, target.spec)
        receipt, signature = request.POST.get("receipt", ""), request.POST.get("signature", "")
        result = actions.do_submit_ballot(typed, ratings, receipt, signature, target=target)
    except BallotError as exc:
        return render(request, "ballots/vote_code.html", {"error": str(exc)}, status=409)
    return render(request, "ballots/vote_done.html", {"receipt": result.receipt, "already": result.already})
