"""Input survives errors: every form of a round comes back as typed, with the bad field marked."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingyi.ballots import actions as ballot_actions
from pingyi.reviews import actions
from pingyi.reviews.models import DutyReport, Problem
from pingyi.testing import make_review

PASTED = "今年以来，青山镇坚持发展第一要务，" * 20  # a report of 340 characters pasted in


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def appraisee(world):
    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    return review.appraisees.get()


def test_a_pasted_report_survives_a_bad_file(world, as_user, appraisee):
    response = as_user(world.people.clerk).post(
        reverse("report_submit", args=[appraisee.pk]),
        {"text": PASTED, "file": SimpleUploadedFile("报告.docx", b"not a word file")},
    )
    assert response.status_code == 400
    body = page(response)
    assert PASTED in body  # still in the textarea
    assert 'class="field has-error"><label for="id_file">' in body
    assert "已粘贴的正文保留在下面" in body
    assert not DutyReport.objects.exists()


def test_an_empty_report_form_is_marked(world, as_user, appraisee):
    response = as_user(world.people.clerk).post(reverse("report_submit", args=[appraisee.pk]), {"text": "  "})
    assert response.status_code == 400 and "请上传述职报告文件或粘贴正文" in page(response)
    assert 'class="form-error" role="alert">请上传述职报告文件或粘贴正文' in page(response)


def test_add_problem_stays_open_with_its_fields_after_an_error(world, as_user, appraisee):
    typed = {"area": "livelihood", "source": "self", "description": "养老服务设施不足",
             "measure": "新建两处日间照料中心", "owner": "分管副镇长", "deadline": "2026-13-40"}  # fmt: skip
    response = as_user(world.people.clerk).post(reverse("problem_add", args=[appraisee.pk]), typed)
    assert response.status_code == 400
    body = page(response)
    assert '<details class="add-problem" open>' in body
    for value in ("养老服务设施不足", "新建两处日间照料中心", "分管副镇长", "2026-13-40"):
        assert value in body
    assert '<option value="livelihood" selected>' in body
    assert 'class="field has-error"' in body and "整改时限" in body
    assert not Problem.objects.exists()


def test_a_remark_without_a_speaker_keeps_its_text(world, as_user):
    review = make_review(world.people.organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    own = review.appraisees.get()
    response = as_user(world.people.organizer).post(
        reverse("remark_add", args=[own.pk]), {"speaker": "", "text": "思路清晰，抓落实还需加力。"}
    )
    assert response.status_code == 400
    assert "思路清晰，抓落实还需加力。" in page(response) and 'class="field has-error"' in page(response)


def test_speaking_minutes_out_of_range_are_shown_as_typed(world, as_user, appraisee):
    response = as_user(world.people.organizer).post(
        reverse("appraisee_settings", args=[appraisee.pk]), {"minutes": "90"}
    )
    assert response.status_code == 400 and 'name="minutes" min="1" max="60" value="90"' in page(response)


def test_a_return_reason_box_is_marked_when_empty(world, as_user, appraisee):
    report = actions.do_submit_report(appraisee, world.people.clerk, text="青山镇述职报告")
    response = as_user(world.people.organizer).post(
        reverse("report_decide", args=[report.pk]), {"return": "1"}
    )
    assert response.status_code == 409 and "退回须说明理由" in page(response)
    assert 'name="reason" placeholder="退回理由" maxlength="300" value="" class="has-error"' in page(response)


def test_arrangements_refused_after_the_meeting_began_are_kept_in_the_form(world, as_user):
    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    client = as_user(world.people.organizer)
    form = client.get(reverse("review_edit", args=[review.pk]))  # opened before the meeting began
    assert form.status_code == 200
    actions.do_move_stage(review, world.people.organizer, "meeting")
    response = client.post(
        reverse("review_edit", args=[review.pk]),
        {"number": review.number, "title": review.title, "meeting_date": "2026-12-08",
         "venue": "市委党校报告厅", "speaking_minutes": "8", "requirements": "一月内报送整改方案"},
    )  # fmt: skip
    assert response.status_code == 409
    body = page(response)
    assert "会议开始后冻结" in body and "市委党校报告厅" in body and "一月内报送整改方案" in body


def test_a_rectification_measure_with_a_bad_date_keeps_its_text(world, as_user, appraisee):
    problem = actions.do_add_problem(appraisee, world.people.clerk, area="safety", source="self",
                                     description="安全检查不到位")  # fmt: skip
    response = as_user(world.people.clerk).post(
        reverse("problem_measure", args=[problem.pk]),
        {"measure": "每月开展一次隐患排查", "owner": "镇长", "deadline": "明年"},
    )
    assert response.status_code == 400
    assert "每月开展一次隐患排查" in page(response) and 'value="明年"' in page(response)


def test_progress_with_too_many_files_keeps_its_text(world, as_user, appraisee, settings):
    problem = actions.do_add_problem(appraisee, world.people.clerk, area="safety", source="self",
                                     description="安全检查不到位")  # fmt: skip
    files = [SimpleUploadedFile(f"{i}.txt", b"x") for i in range(11)]
    response = as_user(world.people.clerk).post(
        reverse("problem_progress", args=[problem.pk]),
        {"text": "已完成第一轮排查，整改隐患12处", "status": "in_progress", "evidence": files},
    )
    assert response.status_code == 400
    body = page(response)
    assert "已完成第一轮排查，整改隐患12处" in body and '<option value="in_progress" selected>' in body
    assert 'class="form-error" role="alert">' in body


def test_a_paper_ballot_refused_keeps_every_choice(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    (group,) = ballot_actions.do_save_groups(
        review, organizer, [{"key": "leaders", "label": "市领导", "weight": 100, "head_count": 5}]
    )
    actions.do_move_stage(review, organizer, "appraisal")
    typed = {"group": str(group.pk), "number": "  ", "r-a01-development": "好", "r-a01-safety": "差"}
    response = as_user(organizer).post(reverse("paper_entries", args=[review.pk]), typed)
    assert response.status_code == 400 and "请填写纸质选票编号" in page(response)
    body = page(response)
    assert f'<option value="{group.pk}" selected>' in body
    assert '<option value="好" selected>' in body and '<option value="差" selected>' in body


def test_a_refused_issue_keeps_the_count_typed_for_that_group(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    leaders, public = ballot_actions.do_save_groups(review, organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 5},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": 9},
    ])  # fmt: skip
    response = as_user(organizer).post(
        reverse("tokens_issue", args=[leaders.pk]), {"count": "7", "over": "1"}
    )
    assert response.status_code == 400
    body = page(response)
    assert f'id="count-{leaders.pk}" min="1" max="2000" value="7"' in body
    assert '<input type="checkbox" name="over" value="1" checked>' in body  # the box ticked stays ticked
    assert f'id="count-{public.pk}" min="1" max="2000" value="9"' in body  # the other row as proposed
