"""A township clerk sees only its own appraisee, report and problems; every route proves it."""

import pytest
from django.urls import reverse

from pingyi.reviews import actions
from pingyi.testing import make_review


@pytest.fixture
def objects(world):
    organizer, clerk = world.people.organizer, world.people.clerk
    review = make_review(
        organizer, stage="reporting", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )
    own = review.appraisees.get(cadre=world.cadres.qingshan)
    other = review.appraisees.get(cadre=world.cadres.liuying)
    report = actions.do_submit_report(own, clerk, text="本镇述职报告")
    problem = actions.do_add_problem(
        own, clerk, area="development", source="self", description="产业层次不高"
    )
    note = actions.do_add_progress(problem, clerk, text="已制定方案", status="in_progress",
                                   files=[("方案.txt", "text/plain", "方案内容".encode())])  # fmt: skip
    return review, own, other, report, problem, note.evidence.get()


def routes(own, report, problem, evidence):
    get = [
        reverse("appraisee_detail", args=[own.pk]),
        reverse("appraisee_photo", args=[own.pk]),
        reverse("feedback_sheet", args=[own.pk]),
        reverse("report_view", args=[report.pk]),
        reverse("problem_detail", args=[problem.pk]),
        reverse("evidence_download", args=[evidence.pk]),
    ]
    post = [
        (reverse("report_submit", args=[own.pk]), {"text": "冒名提交"}),
        (reverse("problem_add", args=[own.pk]), {"area": "safety", "source": "self", "description": "x"}),
        (reverse("problem_measure", args=[problem.pk]), {"measure": "改"}),
        (reverse("problem_progress", args=[problem.pk]), {"text": "改", "status": "done"}),
    ]
    return get, post


def test_an_outsider_gets_404_for_every_object_route(world, as_user, objects):
    _review, own, _other, report, problem, evidence = objects
    outsider = as_user(world.people.outsider)
    get, post = routes(own, report, problem, evidence)
    for url in get:
        assert outsider.get(url).status_code == 404, url
    for url, data in post:
        assert outsider.post(url, data).status_code == 404, url
    assert own.reports.count() == 1 and own.problems.count() == 1
    problem.refresh_from_db()
    assert problem.measure == "" and problem.status == "in_progress"


def test_the_clerk_reaches_its_own_objects(world, as_user, objects):
    _review, own, _other, report, problem, evidence = objects
    clerk = as_user(world.people.clerk)
    for url in [reverse("appraisee_detail", args=[own.pk]), reverse("report_view", args=[report.pk]),
                reverse("problem_detail", args=[problem.pk])]:  # fmt: skip
        assert clerk.get(url).status_code == 200, url
    assert clerk.get(reverse("evidence_download", args=[evidence.pk])).content == "方案内容".encode()


def test_round_page_lists_only_the_appraisees_in_scope(world, as_user, objects):
    review, *_ = objects
    for persona, expected in [("clerk", {"青山书记"}), ("outsider", {"柳营书记"}), ("liaison", {"青山书记"}),
                              ("leader", {"青山书记", "柳营书记"}), ("organizer", {"青山书记", "柳营书记"})]:  # fmt: skip
        page = (
            as_user(getattr(world.people, persona))
            .get(reverse("review_detail", args=[review.pk]))
            .content.decode()
        )
        table = page.split('id="appraisee-table"')[1].split("</table>")[0]
        assert {n for n in ["青山书记", "柳营书记"] if n in table} == expected, persona


def test_the_dashboard_counts_only_the_scope(world, as_user, objects):
    page = as_user(world.people.outsider).get(reverse("rectification")).content.decode()
    assert "产业层次不高" not in page
    page = as_user(world.people.liaison).get(reverse("rectification")).content.decode()
    assert "产业层次不高" in page


def test_a_city_leader_reads_but_every_edit_is_refused_403(world, as_user, objects):
    _review, own, _other, report, problem, evidence = objects
    leader = as_user(world.people.leader)
    assert leader.get(reverse("appraisee_detail", args=[own.pk])).status_code == 200
    _get, post = routes(own, report, problem, evidence)
    for url, data in post + [(url, {}) for url, _data in post]:  # good and empty forms alike
        refused = leader.post(url, data)
        assert refused.status_code == 403, url
        assert "您的角色只能查看，不能修改" in refused.content.decode(), url
    assert own.reports.count() == 1 and own.problems.count() == 1 and problem.notes.count() == 1
    problem.refresh_from_db()
    assert problem.measure == ""
