import datetime as dt

import pytest
from django.urls import reverse

from pingyi.audit.models import AuditEvent
from pingyi.reviews import actions, readiness
from pingyi.reviews.models import Review, Stage
from pingyi.testing import make_cadre, make_review


def confirmation(review, stage) -> dict:
    """What the confirmation page asks of an organizer who has read the checklist."""
    gaps = readiness.gaps(review, stage)
    return {"confirm": readiness.confirmation_phrase(stage, gaps), "seen": readiness.fingerprint(gaps)}


def appraisees(world):
    return [world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying]


def test_a_round_moves_forward_one_stage_at_a_time_and_keeps_its_history(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, appraisees=appraisees(world))
    client = as_user(organizer)
    skip = client.post(reverse("review_stage", args=[review.pk]), {"to": "meeting"})
    assert skip.status_code == 409 and "只能进入下一阶段" in skip.content.decode()
    for stage in ["reporting", "meeting", "appraisal", "published", "archived"]:
        fields = {"to": stage, **confirmation(Review.objects.get(pk=review.pk), stage)}
        assert client.post(reverse("review_stage", args=[review.pk]), fields).status_code == 302
    review.refresh_from_db()
    assert review.stage == Stage.ARCHIVED
    history = list(review.stage_changes.values_list("from_stage", "to_stage"))
    assert history == [("", "preparing"), ("preparing", "reporting"), ("reporting", "meeting"),
                       ("meeting", "appraisal"), ("appraisal", "published"), ("published", "archived")]  # fmt: skip
    page = client.get(reverse("review_detail", args=[review.pk])).content.decode()
    assert page.count('<td class="nowrap">') == 6  # every change listed
    assert AuditEvent.objects.filter(action="review_stage").count() == 5


def test_preconditions_of_each_stage(world):
    organizer = world.people.organizer
    review = actions.do_create_review(organizer, title="第二期", meeting_date=None)
    with pytest.raises(actions.ReviewError, match="请先确定述职人"):
        actions.do_move_stage(review, organizer, "reporting")
    actions.do_add_appraisee(review, world.cadres.qingshan, organizer)
    actions.do_move_stage(review, organizer, "reporting")
    with pytest.raises(actions.ReviewError, match="请先填写会议日期"):
        actions.do_move_stage(review, organizer, "meeting")


def test_going_back_needs_a_reason_and_stops_at_appraisal(world):
    organizer = world.people.organizer
    review = make_review(organizer, stage="meeting", appraisees=appraisees(world))
    with pytest.raises(actions.ReviewError, match="须说明理由"):
        actions.do_move_stage(review, organizer, "reporting")
    actions.do_move_stage(review, organizer, "reporting", "会议改期")
    assert Review.objects.get(pk=review.pk).stage == "reporting"
    review = make_review(
        organizer, stage="appraisal", appraisees=[make_cadre(world.city.qingshan, "另一人")], number=5
    )
    with pytest.raises(actions.ReviewError, match="测评开始后不能退回"):
        actions.do_move_stage(review, organizer, "meeting", "误操作")


@pytest.mark.parametrize("persona", ["leader", "liaison", "clerk"])
def test_only_organizers_run_a_round(world, as_user, persona):
    review = make_review(world.people.organizer, appraisees=appraisees(world))
    client = as_user(getattr(world.people, persona))
    assert client.post(reverse("review_stage", args=[review.pk]), {"to": "reporting"}).status_code == 403
    assert client.get(reverse("review_create")).status_code == 403
    assert (
        client.post(
            reverse("appraisee_add", args=[review.pk]), {"cadre": world.cadres.qingshan.pk}
        ).status_code
        == 403
    )
    assert Review.objects.get(pk=review.pk).stage == "preparing"


def test_the_agenda_is_frozen_once_the_meeting_starts(world, as_user):
    organizer = world.people.organizer
    review = make_review(organizer, stage="meeting", appraisees=appraisees(world)[:2])
    client = as_user(organizer)
    added = client.post(reverse("appraisee_add", args=[review.pk]), {"cadre": world.cadres.liuying.pk})
    assert added.status_code == 409 and "会议开始后冻结" in added.content.decode()
    first = review.appraisees.get(order=1)
    moved = client.post(reverse("appraisee_change", args=[first.pk]), {"down": "1"})
    assert moved.status_code == 409
    edited = client.post(reverse("review_edit", args=[review.pk]), {"title": "改名", "speaking_minutes": 5})
    assert edited.status_code == 409
    review.refresh_from_db()
    assert review.appraisees.count() == 2 and review.title != "改名"
    assert list(review.appraisees.values_list("cadre__name", flat=True)) == ["青山书记", "文昌书记"]


def test_speaking_order_can_be_changed_before_the_meeting(world, as_user):
    review = make_review(world.people.organizer, appraisees=appraisees(world))
    client = as_user(world.people.organizer)
    third = review.appraisees.get(order=3)
    client.post(reverse("appraisee_change", args=[third.pk]), {"up": "1"})
    assert list(review.appraisees.order_by("order").values_list("cadre__name", flat=True)) == [
        "青山书记",
        "柳营书记",
        "文昌书记",
    ]
    client.post(reverse("appraisee_change", args=[third.pk]), {"remove": "1"})
    assert list(review.appraisees.order_by("order").values_list("order", "cadre__name")) == [
        (1, "青山书记"),
        (2, "文昌书记"),
    ]


def test_only_current_chiefs_are_offered_and_nobody_twice(world, as_user):
    make_cadre(world.city.qingshan, "副镇长甲", titles=["副镇长"])
    review = make_review(world.people.organizer, appraisees=[world.cadres.qingshan])
    page = as_user(world.people.organizer).get(reverse("review_detail", args=[review.pk])).content.decode()
    options = page.split('id="add-appraisee"')[1]
    assert "文昌书记" in options and "柳营书记" in options
    assert "副镇长甲" not in options and "青山书记" not in options
    with pytest.raises(actions.ReviewError, match="已是本期述职人"):
        actions.do_add_appraisee(review, world.cadres.qingshan, world.people.organizer)


def test_remarks_only_from_the_meeting_until_archiving(world):
    organizer = world.people.organizer
    review = make_review(organizer, stage="reporting", appraisees=appraisees(world))
    appraisee = review.appraisees.first()
    with pytest.raises(actions.ReviewError, match="不能添加点评"):
        actions.do_add_remark(appraisee, organizer, speaker="市委书记", text="很好")
    for stage in ["meeting", "appraisal", "published"]:
        actions.do_move_stage(review, organizer, stage)
        actions.do_add_remark(appraisee, organizer, speaker="市委书记", text=f"{stage}点评")
    actions.do_move_stage(review, organizer, "archived")
    with pytest.raises(actions.ReviewError, match="归档"):
        actions.do_add_remark(appraisee, organizer, speaker="市委书记", text="晚了")
    assert appraisee.remarks.count() == 3


def test_rectification_goes_on_after_archiving(world):
    organizer, clerk = world.people.organizer, world.people.clerk
    review = make_review(organizer, stage="published", appraisees=appraisees(world))
    appraisee = review.appraisees.get(cadre=world.cadres.qingshan)
    problem = actions.do_add_problem(appraisee, clerk, area="development", source="self", description="工业集中区特色不明显",
                                     deadline=dt.date(2027, 6, 30))  # fmt: skip
    actions.do_move_stage(review, organizer, "archived")
    with pytest.raises(actions.ReviewError, match="归档"):
        actions.do_add_problem(appraisee, clerk, area="safety", source="self", description="新问题")
    actions.do_add_progress(problem, clerk, text="已完成规划编制", status="done")
    actions.do_sign_off(problem, organizer)
    problem.refresh_from_db()
    assert problem.status == "done" and problem.signed_off_at is not None
