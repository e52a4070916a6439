from types import SimpleNamespace

import pytest

from pingyi.ballots import actions, codes
from pingyi.reviews import actions as review_actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review


@pytest.fixture
def voting(db):
    """A review in 测评 with three appraisees, two groups and five tokens each."""
    return _voting()


@pytest.fixture
def voting_tx(transactional_db):
    return _voting()


def _voting():
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "甲书记"), make_cadre(city.wenchang, "乙书记", titles=["党工委书记"]),
              make_cadre(city.liuying, "丙书记")]  # fmt: skip
    review = make_review(people.organizer, stage="meeting", appraisees=cadres)
    groups = actions.do_save_groups(review, people.organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 5},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": 5},
    ])  # fmt: skip
    plain = {g.key: actions.do_issue_tokens(g, people.organizer, 5) for g in groups}
    review = review_actions.do_move_stage(review, people.organizer, "appraisal")
    return SimpleNamespace(review=review, people=people, groups=groups, codes=plain, city=city)


def good_ratings(first="较好", rest="一般"):
    """A valid ballot. With three appraisees the default quota, max(1, floor(0.3 × 3)), allows one score of 90."""
    criteria = ["development", "livelihood", "safety", "party"]
    return {"a01": dict.fromkeys(criteria, first), "a02": dict.fromkeys(criteria, rest),
            "a03": dict.fromkeys(criteria, "差")}  # fmt: skip


def submit(code, ratings):
    receipt = codes.new_receipt()
    return actions.do_submit_ballot(code, ratings, receipt, codes.receipt_signature(code, receipt))
