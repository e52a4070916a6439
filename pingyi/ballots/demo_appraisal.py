"""Ballots for the demo's first round, cast through the same checks as a phone ballot."""

from . import actions, codes

GROUPS = [
    {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 12},
    {"key": "departments", "label": "市直部门", "weight": 30, "head_count": 20},
    {"key": "representatives", "label": "两代表一委员及群众代表", "weight": 30, "head_count": 30},
]
TURNOUT = {"leaders": 11, "departments": 19, "representatives": 27}


def appraise(review, organizer, rng):
    """Called by reviews.demo while the first round is in 测评."""
    groups = actions.do_save_groups(review, organizer, [dict(g) for g in GROUPS])
    form = actions.form_for(review)
    keys = [actions.appraisee_key(a) for a in review.appraisees.order_by("order")]
    strength = {key: rng.uniform(0.1, 0.95) for key in keys}  # how well each one is regarded
    for group in groups:
        for code in actions.do_issue_tokens(group, organizer, group.head_count)[: TURNOUT[group.key]]:
            ratings = _ballot(rng, form, keys, strength)
            receipt = codes.new_receipt()
            actions.do_submit_ballot(code, ratings, receipt, codes.receipt_signature(code, receipt))


def _ballot(rng, form, keys, strength) -> dict:
    levels = [level["label"] for level in form.scale]  # 好 较好 一般 差 不了解
    while True:
        ratings = {}
        for key in keys:
            ratings[key] = {}
            for criterion in form.criteria:
                s, roll = strength[key], rng.random()
                if rng.random() < 0.04:
                    level = levels[-1]  # 不了解
                elif roll < s * 0.65:
                    level = levels[0]
                elif roll < 0.5 + s * 0.45:
                    level = levels[1]
                elif roll < 0.93 + s * 0.06:
                    level = levels[2]
                else:
                    level = levels[3]
                ratings[key][criterion["key"]] = level
        # The phone refuses a ballot over the quota; an evaluator would lower someone. So does the demo.
        if actions.check_ratings_for(form, keys, ratings) is None:
            return ratings
