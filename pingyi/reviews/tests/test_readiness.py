"""Every step forward shows what is not ready; a step that cannot be undone is never one click."""

from django.urls import reverse
from django.utils import timezone

from pingyi.audit.models import AuditEvent
from pingyi.reviews import actions, readiness
from pingyi.reviews.models import Review
from pingyi.testing import make_review


def stage_url(review):
    return reverse("review_stage", args=[review.pk])


def test_the_round_page_opens_the_checklist_instead_of_moving_the_round(world, as_user):
    review = make_review(world.people.organizer, appraisees=[world.cadres.qingshan])
    client = as_user(world.people.organizer)
    page = client.get(reverse("review_detail", args=[review.pk])).content.decode()
    assert f'id="next-stage" href="{stage_url(review)}"' in page
    checklist = client.get(stage_url(review)).content.decode()
    assert "未设置述职报告截止时间" in checklist and "仍然继续" in checklist
    assert Review.objects.get(pk=review.pk).stage == "preparing"  # looking changes nothing


def test_missing_and_unreviewed_reports_are_named_before_the_meeting(world, as_user):
    organizer = world.people.organizer
    review = make_review(
        organizer,
        stage="reporting",
        appraisees=[world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying],
    )
    qingshan, wenchang, _ = review.appraisees.order_by("order")
    actions.do_submit_report(qingshan, world.people.clerk, text="青山镇述职报告")
    returned = actions.do_submit_report(wenchang, organizer, text="文昌街道述职报告")
    actions.do_decide_report(returned, organizer, accept=False, reason="请补充民生部分")
    page = as_user(organizer).get(stage_url(review)).content.decode()
    assert "2 位述职人尚未提交述职报告（或退回后未重新提交）：文昌书记、柳营书记" in page
    assert "1 份述职报告待审核：青山书记" in page


def test_a_step_with_gaps_that_can_be_undone_needs_the_box_ticked_and_is_logged(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    client = as_user(organizer)
    seen = readiness.fingerprint(readiness.gaps(review, "meeting"))
    refused = client.post(stage_url(review), {"to": "meeting", "seen": seen})
    assert refused.status_code == 409
    assert "请勾选“仍然继续”" in refused.content.decode()
    assert "尚未提交述职报告" in refused.content.decode()  # the checklist is shown again
    moved = client.post(stage_url(review), {"to": "meeting", "seen": seen, "confirm": readiness.PROCEED})
    assert moved.status_code == 302 and Review.objects.get(pk=review.pk).stage == "meeting"
    event = AuditEvent.objects.filter(action="review_stage").latest("id")
    assert "1 项未就绪，确认后继续" in event.summary
    assert event.detail["overridden"] == ["1 位述职人尚未提交述职报告（或退回后未重新提交）：青山书记"]


def test_a_step_without_gaps_that_can_be_undone_is_one_click(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, appraisees=[world.cadres.qingshan])
    actions.do_update_review(review, organizer, report_deadline=timezone.now() + timezone.timedelta(days=7))
    page = as_user(organizer).get(stage_url(review)).content.decode()
    assert "各项均已就绪" in page and 'name="confirm"' not in page
    assert as_user(organizer).post(stage_url(review), {"to": "reporting"}).status_code == 302
    assert AuditEvent.objects.filter(action="review_stage").latest("id").detail == {}


def test_publishing_and_archiving_need_the_stage_name_typed_even_when_all_is_ready(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="appraisal", appraisees=[world.cadres.qingshan])
    client = as_user(organizer)
    page = client.get(stage_url(review)).content.decode()
    assert "请输入“<b>结果公布</b>”以确认" in page and "此步骤不能撤销" in page
    for typed in ["", "确认", "公布"]:
        refused = client.post(stage_url(review), {"to": "published", "confirm": typed})
        assert refused.status_code == 409
        assert "此步骤不能撤销，请在确认框中输入“结果公布”" in refused.content.decode()
        assert f'value="{typed}"' in refused.content.decode()  # what was typed stays in the box
    assert Review.objects.get(pk=review.pk).stage == "appraisal"
    assert client.post(stage_url(review), {"to": "published", "confirm": "结果公布"}).status_code == 302
    assert client.post(stage_url(review), {"to": "archived", "confirm": "结果公布"}).status_code == 409
    assert client.post(stage_url(review), {"to": "archived", "confirm": " 归档 "}).status_code == 302
    assert Review.objects.get(pk=review.pk).stage == "archived"


def test_entering_appraisal_cannot_be_undone_so_it_is_typed_too(world, as_user):
    review = make_review(world.people.organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    client = as_user(world.people.organizer)
    assert "请输入“<b>测评</b>”以确认" in client.get(stage_url(review)).content.decode()
    seen = readiness.fingerprint(readiness.gaps(review, "appraisal"))
    refused = client.post(stage_url(review), {"to": "appraisal", "seen": seen, "confirm": readiness.PROCEED})
    assert refused.status_code == 409
    assert (
        client.post(stage_url(review), {"to": "appraisal", "seen": seen, "confirm": "测评"}).status_code
        == 302
    )


def test_a_gap_that_appeared_after_the_page_was_shown_asks_again(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    seen = readiness.fingerprint(readiness.gaps(review, "meeting"))  # only the missing report
    actions.do_submit_report(appraisee, world.people.clerk, text="青山镇述职报告")  # meanwhile
    refused = as_user(organizer).post(stage_url(review), {"to": "meeting", "seen": seen, "confirm": "继续"})
    assert refused.status_code == 409
    assert "情况有变化，请重新核对：1 份述职报告待审核：青山书记" in refused.content.decode()


def test_the_archive_checklist_counts_problems_without_a_deadline(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="published", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    actions.do_add_problem(appraisee, organizer, area="development", description="产业单一", source="self")
    page = as_user(organizer).get(stage_url(review)).content.decode()
    assert "1 个问题未填写整改时限" in page


def test_other_roles_see_no_checklist(world, as_user):
    review = make_review(world.people.organizer, appraisees=[world.cadres.qingshan])
    for persona in ("leader", "liaison", "clerk"):
        assert as_user(getattr(world.people, persona)).get(stage_url(review)).status_code in (403, 404)
