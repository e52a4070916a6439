"""Controls appear only where they work: the meeting console's jump and state, the feedback sheet."""

import pytest
from django.urls import reverse

from pingyi.reviews import actions
from pingyi.reviews.models import Review
from pingyi.testing import make_review


def test_the_console_jumps_to_any_speaker_with_a_fresh_clock(world, as_user):
    organizer = world.people.organizer
    cadres = [world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying]
    review = make_review(organizer, stage="meeting", appraisees=cadres, speaking_minutes=5)
    client = as_user(organizer)
    url = reverse("meeting_command", args=[review.pk, "goto"])
    state = client.post(url, {"order": "3"}).json()["state"]
    assert state["current"]["name"] == "柳营书记" and state["current"]["running"]
    assert state["current"]["elapsed"] < 2
    state = client.post(url, {"order": "2"}).json()["state"]
    assert state["current"]["name"] == "文昌书记"
    for bad in ["0", "4", "", "x"]:
        refused = client.post(url, {"order": bad})
        assert refused.status_code == 409 and refused.json()["error"] == "请选择第 1–3 位述职人"
    assert Review.objects.get(pk=review.pk).current_index == 1


def test_the_console_page_has_the_run_status_time_used_and_the_agenda(world, as_user):
    review = make_review(world.people.organizer, stage="meeting", appraisees=[world.cadres.qingshan])
    page = as_user(world.people.organizer).get(reverse("meeting_control", args=[review.pk])).content.decode()
    assert 'id="run-status"' in page and 'id="time-used"' in page and 'id="agenda"' in page


def test_the_console_refuses_outside_the_meeting(world):
    review = make_review(world.people.organizer, stage="appraisal", appraisees=[world.cadres.qingshan])
    with pytest.raises(actions.ReviewError, match="会议阶段才能操作会议进程"):
        actions.do_meeting(review, world.people.organizer, "goto", order=1)


def test_the_feedback_sheet_is_offered_only_once_results_exist(world, as_user):
    review = make_review(world.people.organizer, stage="appraisal", appraisees=[world.cadres.qingshan])
    own = review.appraisees.get()
    url = reverse("appraisee_detail", args=[own.pk])
    for persona in ("organizer", "clerk"):
        assert 'id="feedback-sheet"' not in as_user(getattr(world.people, persona)).get(url).content.decode()
    actions.do_move_stage(review, world.people.organizer, "published")
    for persona in ("organizer", "clerk"):
        assert 'id="feedback-sheet"' in as_user(getattr(world.people, persona)).get(url).content.decode()


@pytest.mark.parametrize("stage", ["preparing", "reporting", "meeting", "appraisal"])
def test_the_feedback_sheet_is_not_found_before_results_for_every_role(world, as_user, stage):
    review = make_review(world.people.organizer, stage=stage, appraisees=[world.cadres.qingshan])
    url = reverse("feedback_sheet", args=[review.appraisees.get().pk])
    for persona in ("organizer", "leader", "liaison", "clerk"):
        response = as_user(getattr(world.people, persona)).get(url)
        assert response.status_code == 404, persona
        page = response.content.decode()
        assert "反馈意见书尚未生成" in page and "测评结果公布后才能下载" in page, persona
    # Out of scope stays the plain 404 that says nothing about the round.
    outsider = as_user(world.people.outsider).get(url)
    assert outsider.status_code == 404 and "反馈意见书" not in outsider.content.decode()


@pytest.mark.parametrize("stage", ["published", "archived"])
def test_the_feedback_sheet_is_a_word_file_once_results_are_published(world, as_user, stage):
    review = make_review(world.people.organizer, stage=stage, appraisees=[world.cadres.qingshan])
    url = reverse("feedback_sheet", args=[review.appraisees.get().pk])
    for persona in ("organizer", "leader", "liaison", "clerk"):
        response = as_user(getattr(world.people, persona)).get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK", persona


POLLING = 'data-state-url="/reviews/'


@pytest.mark.parametrize(
    "stage, live",
    [("preparing", True), ("meeting", True), ("appraisal", True), ("published", False), ("archived", False)],
)
def test_the_screen_and_console_follow_the_round_until_voting_ends(world, as_user, stage, live):
    review = make_review(world.people.organizer, stage=stage, appraisees=[world.cadres.qingshan])
    for name, persona in [
        ("meeting_screen", "leader"),
        ("meeting_screen", "clerk"),
        ("meeting_control", "organizer"),
    ]:
        page = as_user(getattr(world.people, persona)).get(reverse(name, args=[review.pk])).content.decode()
        assert (POLLING in page) is live and f'"live": {str(live).lower()}' in page, (name, persona)
        assert live or "hx-trigger" not in page, (name, persona)
    # Once results are published, a screen left open since the meeting stops at its next poll.
    state = as_user(world.people.clerk).get(reverse("meeting_state", args=[review.pk])).json()
    assert state["live"] is live


@pytest.mark.parametrize("stage, runs", [("meeting", True), ("appraisal", False), ("archived", False)])
def test_the_console_offers_the_meeting_commands_only_in_the_meeting(world, as_user, stage, runs):
    review = make_review(world.people.organizer, stage=stage, appraisees=[world.cadres.qingshan])
    page = as_user(world.people.organizer).get(reverse("meeting_control", args=[review.pk])).content.decode()
    assert ('data-command="start"' in page) is runs and ("data-command-url" in page) is runs
    assert ("会议进程只能在会议阶段操作" in page) is not runs
