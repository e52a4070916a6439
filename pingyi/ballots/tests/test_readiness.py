"""The ballots' part of the checklist: slips before voting, turnout, min_valid and small groups before publishing."""

from django.test import Client
from django.urls import reverse

from pingyi.audit.models import AuditEvent
from pingyi.ballots import actions
from pingyi.reviews import readiness
from pingyi.reviews.models import Review
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import good_ratings, submit


def organizer_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_groups_without_slips_or_with_fewer_than_the_head_count_are_listed_before_voting(db):
    city = make_city()
    people = make_personas(city)
    review = make_review(people.organizer, stage="meeting", appraisees=[make_cadre(city.qingshan, "甲书记")])
    leaders, _public = actions.do_save_groups(review, people.organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 5},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": 8},
    ])  # fmt: skip
    actions.do_issue_tokens(leaders, people.organizer, 3)
    page = organizer_client(people.organizer).get(reverse("review_stage", args=[review.pk])).content.decode()
    assert "1 个评议组尚未生成测评凭证：群众代表" in page
    assert "凭证少于应到人数：市领导 3/5 张" in page


def test_before_publishing_turnout_below_80_percent_and_thin_appraisees_are_listed(voting):
    for code in voting.codes["leaders"] + voting.codes["public"][:2]:  # 7 of 10 expected
        submit(code, good_ratings())
    gaps = {g.key: g for g in readiness.gaps(voting.review, "published")}
    assert gaps["quorum"].text == "实到 7 人，不足应到 10 人的 80%（至少 8 人）"
    assert not gaps["quorum"].blocking
    assert "small_groups" in gaps and gaps["small_groups"].blocking  # 群众代表 2 ballots
    assert "min_valid" not in gaps  # 7 valid ballots for everyone


def test_a_small_group_blocks_publication_on_the_checklist_and_cannot_be_overridden(voting):
    for code in voting.codes["leaders"] + voting.codes["public"][:2]:
        submit(code, good_ratings())
    client = organizer_client(voting.people.organizer)
    url = reverse("review_stage", args=[voting.review.pk])
    page = client.get(url).content.decode()
    assert "须先处理：" in page and "群众代表 2 张" in page and 'id="stage-form"' not in page
    refused = client.post(
        url, {"to": "published", "confirm": "结果公布", "seen": "min_valid,quorum,small_groups"}
    )
    assert refused.status_code == 409 and "群众代表 2 张" in refused.content.decode()
    assert Review.objects.get(pk=voting.review.pk).stage == "appraisal"


def test_publishing_below_quorum_is_typed_and_the_override_is_in_the_audit_log(voting):
    for code in voting.codes["leaders"]:  # 5 of 10; 群众代表 none
        submit(code, good_ratings())
    client = organizer_client(voting.people.organizer)
    url = reverse("review_stage", args=[voting.review.pk])
    gaps = readiness.gaps(voting.review, "published")
    assert [g.key for g in gaps] == ["quorum"]
    moved = client.post(url, {"to": "published", "confirm": "结果公布", "seen": readiness.fingerprint(gaps)})
    assert moved.status_code == 302
    event = AuditEvent.objects.filter(action="review_stage").latest("id")
    assert event.detail["overridden"] == ["实到 5 人，不足应到 10 人的 80%（至少 8 人）"]


def test_appraisees_who_would_be_flagged_too_few_are_named(voting):
    for code in voting.codes["leaders"]:
        # Only 甲书记 is rated; the others are 不了解 on every ballot.
        ratings = good_ratings()
        ratings["a02"] = dict.fromkeys(ratings["a02"], "不了解")
        ratings["a03"] = dict.fromkeys(ratings["a03"], "不了解")
        ratings["a01"] = dict.fromkeys(ratings["a01"], "一般")
        submit(code, ratings)
    gaps = {g.key: g.text for g in readiness.gaps(voting.review, "published")}
    assert gaps["min_valid"].startswith("有效票少于 5 张、结果将标注“票数不足”的述职人：")
    assert "乙书记 0 张" in gaps["min_valid"] and "丙书记 0 张" in gaps["min_valid"]
    assert "甲书记" not in gaps["min_valid"]


def test_the_organizers_home_announces_publication_without_counting_the_ballots(voting, monkeypatch):
    for code in voting.codes["leaders"]:  # 5 of 10 expected
        submit(code, good_ratings())
    tallied = []
    monkeypatch.setattr("pingyi.ballots.readiness.tally", lambda record: tallied.append(record))
    home = organizer_client(voting.people.organizer).get(reverse("home")).content.decode()
    assert "下一步进入「结果公布」，1 项未就绪（有效票情况见核对清单）" in home  # the quorum, counted
    assert tallied == []  # the stage page, not every visit home, tallies the ballots
