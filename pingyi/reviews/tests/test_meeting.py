import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from pingyi.lib import hostile_files
from pingyi.reviews import actions
from pingyi.reviews.models import Review
from pingyi.testing import make_review


@pytest.fixture
def review(world):
    cadres = [world.cadres.qingshan, world.cadres.wenchang, world.cadres.liuying]
    return make_review(world.people.organizer, stage="meeting", appraisees=cadres, speaking_minutes=5)


def command(client, review, name):
    return client.post(reverse("meeting_command", args=[review.pk, name]))


def test_the_organizer_drives_the_agenda_and_the_screen_state_follows(world, as_user, review):
    organizer = as_user(world.people.organizer)
    screen = as_user(world.people.leader)
    state = screen.get(reverse("meeting_state", args=[review.pk])).json()
    assert state["current"] is None and [a["name"] for a in state["agenda"]] == [
        "青山书记",
        "文昌书记",
        "柳营书记",
    ]

    assert command(organizer, review, "start").json()["state"]["current"]["name"] == "青山书记"
    state = screen.get(reverse("meeting_state", args=[review.pk])).json()
    assert state["current"]["name"] == "青山书记" and state["current"]["running"]
    assert state["current"]["allotted"] == 300 and 299 <= state["current"]["remaining"] <= 300
    assert [a["current"] for a in state["agenda"]] == [True, False, False]

    command(organizer, review, "next")
    assert screen.get(reverse("meeting_state", args=[review.pk])).json()["current"]["name"] == "文昌书记"
    command(organizer, review, "previous")
    assert screen.get(reverse("meeting_state", args=[review.pk])).json()["current"]["name"] == "青山书记"
    refused = command(organizer, review, "previous")
    assert refused.status_code == 409 and refused.json()["error"] == "已是第一位述职人"


def test_pause_and_resume_keep_the_time_used(world, review):
    organizer = world.people.organizer
    actions.do_meeting(review, organizer, "start")
    review = Review.objects.get(pk=review.pk)
    Review.objects.filter(pk=review.pk).update(clock_started_at=timezone.now() - dt.timedelta(seconds=100))
    review = actions.do_meeting(review, organizer, "pause")
    assert 99 <= review.clock_elapsed <= 101
    later = timezone.now() + dt.timedelta(minutes=10)
    assert actions.meeting_state(review, later)["current"]["remaining"] == pytest.approx(200, abs=1)
    with pytest.raises(actions.ReviewError, match="计时已暂停"):
        actions.do_meeting(review, organizer, "pause")
    review = actions.do_meeting(review, organizer, "resume")
    assert actions.meeting_state(review)["current"]["running"]


def test_overtime_is_negative_remaining_time(world, review):
    organizer = world.people.organizer
    review = actions.do_meeting(review, organizer, "start")
    state = actions.meeting_state(review, timezone.now() + dt.timedelta(seconds=330))
    assert state["current"]["remaining"] == pytest.approx(-30, abs=1)


def test_the_next_speaker_starts_with_the_full_time(world, review):
    organizer = world.people.organizer
    review = actions.do_meeting(review, organizer, "start")
    Review.objects.filter(pk=review.pk).update(clock_started_at=timezone.now() - dt.timedelta(seconds=200))
    review = actions.do_meeting(Review.objects.get(pk=review.pk), organizer, "next")
    assert actions.meeting_state(review)["current"]["remaining"] == pytest.approx(300, abs=1)


def test_only_in_the_meeting_stage_and_only_organizers(world, as_user, review):
    assert command(as_user(world.people.leader), review, "start").status_code == 403
    assert command(as_user(world.people.clerk), review, "next").status_code == 403
    actions.do_move_stage(review, world.people.organizer, "appraisal")
    refused = command(as_user(world.people.organizer), review, "start")
    assert refused.status_code == 409 and "会议阶段" in refused.json()["error"]


def test_the_screen_page_carries_the_first_state_without_inline_script(world, as_user, review):
    actions.do_meeting(review, world.people.organizer, "start")
    page = as_user(world.people.organizer).get(reverse("meeting_screen", args=[review.pk])).content.decode()
    data = page.split('<script id="meeting-state" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data)["current"]["name"] == "青山书记"
    for tag in page.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 80), "#9b1c1c").save(out, "PNG")
    return out.getvalue()


def test_a_photo_is_checked_stored_and_shown_on_the_screen(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    organizer = as_user(world.people.organizer)
    url = reverse("appraisee_settings", args=[appraisee.pk])
    bad = organizer.post(url, {"photo": SimpleUploadedFile("照片.jpg", b"not an image")})
    assert bad.status_code == 400 and "JPG 或 PNG" in bad.content.decode()
    bad = organizer.post(url, {"minutes": "0"})
    assert bad.status_code == 400 and "1–60" in bad.content.decode()
    assert (
        organizer.post(url, {"minutes": "6", "photo": SimpleUploadedFile("照片.png", _png())}).status_code
        == 302
    )
    appraisee.refresh_from_db()
    assert appraisee.speaking_seconds == 360
    photo = as_user(world.people.clerk).get(reverse("appraisee_photo", args=[appraisee.pk]))
    assert photo["Content-Type"] == "image/png" and photo.content == _png()
    actions.do_move_stage(review, world.people.organizer, "meeting")
    review = actions.do_meeting(review, world.people.organizer, "start")
    assert actions.meeting_state(review)["current"]["has_photo"]
    frozen = organizer.post(url, {"minutes": "9"})
    assert frozen.status_code == 409


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (9_000, 9_000)])
def test_a_photo_declaring_billions_of_pixels_is_refused_with_the_limit(world, as_user, width, height):
    from django.core.files.uploadedfile import SimpleUploadedFile

    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    url = reverse("appraisee_settings", args=[appraisee.pk])
    data = hostile_files.declared_png(width, height)
    response = as_user(world.people.organizer).post(url, {"photo": SimpleUploadedFile("照片.png", data)})
    assert response.status_code == 400
    assert "照片的像素尺寸过大，上限为 4000 万像素" in response.content.decode()
    appraisee.refresh_from_db()
    assert not appraisee.photo


def test_the_appraisee_page_shows_the_lrmx_photo_until_one_is_uploaded(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.org.models import CadrePhoto
    from pingyi.org.tests.realfiles import photo_jpeg

    review = make_review(world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan])
    appraisee = review.appraisees.get()
    page_url = reverse("appraisee_detail", args=[appraisee.pk])
    photo_url = reverse("appraisee_photo", args=[appraisee.pk])
    clerk = as_user(world.people.clerk)
    assert photo_url not in clerk.get(page_url).content.decode()  # no photo anywhere: none shown

    CadrePhoto.objects.create(cadre=world.cadres.qingshan, content=photo_jpeg())
    page = clerk.get(page_url).content.decode()
    assert f'src="{photo_url}"' in page and "取自任免审批表" in page
    assert clerk.get(photo_url).content == photo_jpeg()

    as_user(world.people.organizer).post(
        reverse("appraisee_settings", args=[appraisee.pk]), {"photo": SimpleUploadedFile("照片.png", _png())}
    )
    page = clerk.get(page_url).content.decode()
    assert f'src="{photo_url}"' in page and "取自任免审批表" not in page
    assert clerk.get(photo_url).content == _png()
