import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pingyi.reviews import actions
from pingyi.reviews.models import Problem
from pingyi.testing import make_review


@pytest.fixture
def round_one(world):
    organizer, clerk = world.people.organizer, world.people.clerk
    review = make_review(
        organizer, stage="published", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )
    own = review.appraisees.get(cadre=world.cadres.qingshan)
    actions.do_add_remark(own, organizer, speaker="市委书记", text="发展思路清晰，但产业层次偏低。")
    late = actions.do_add_problem(own, clerk, area="development", source="remark", description="产业层次偏低",
                                  measure="引进两家高新技术企业", owner="镇长", deadline=dt.date(2020, 1, 31))  # fmt: skip
    ok = actions.do_add_problem(own, clerk, area="safety", source="self", description="安全生产检查不到位",
                                deadline=dt.date(2099, 1, 1))  # fmt: skip
    other = actions.do_add_problem(review.appraisees.get(cadre=world.cadres.liuying), organizer,
                                   area="livelihood", source="evaluators", description="低保动态管理不及时")  # fmt: skip
    return review, own, late, ok, other


def test_overdue_is_computed_from_the_deadline(round_one):
    _review, _own, late, ok, _other = round_one
    assert late.status_label == "逾期" and ok.status_label == "未开始"
    assert set(Problem.objects.overdue()) == {late}


def test_progress_notes_with_evidence_and_the_organizers_sign_off(world, as_user, round_one):
    _review, _own, late, _ok, _other = round_one
    clerk, organizer = as_user(world.people.clerk), as_user(world.people.organizer)
    url = reverse("problem_progress", args=[late.pk])
    too_big = clerk.post(url, {"text": "附件太大", "status": "in_progress",
                               "evidence": SimpleUploadedFile("大.pdf", b"0" * (10 * 1024 * 1024 + 1))})  # fmt: skip
    assert too_big.status_code == 400 and "超过10 MB" in too_big.content.decode()
    early = organizer.post(reverse("problem_signoff", args=[late.pk]), {"confirm": "1"})
    assert early.status_code == 409 and "整改完成后才能销号" in early.content.decode()
    clerk.post(
        url,
        {
            "text": "已签约两家企业",
            "status": "done",
            "evidence": [
                SimpleUploadedFile("合同.pdf", b"%PDF-1.4 contract"),
                SimpleUploadedFile("照片.jpg", b"\xff\xd8photo"),
            ],
        },
    )
    late.refresh_from_db()
    assert late.status == "done" and late.status_label == "已完成"
    assert [e.filename for e in late.notes.get().evidence.all()] == ["合同.pdf", "照片.jpg"]
    assert as_user(world.people.clerk).post(reverse("problem_signoff", args=[late.pk])).status_code == 403
    unconfirmed = organizer.post(reverse("problem_signoff", args=[late.pk]))
    assert unconfirmed.status_code == 400 and "销号后不能撤销" in unconfirmed.content.decode()
    late.refresh_from_db()
    assert late.signed_off_at is None  # one click closes nothing
    organizer.post(reverse("problem_signoff", args=[late.pk]), {"confirm": "1"})
    late.refresh_from_db()
    assert late.signed_off_by == world.people.organizer
    closed = clerk.post(url, {"text": "再改", "status": "in_progress"})
    assert closed.status_code == 409 and "已销号" in closed.content.decode()


def test_open_problems_are_carried_into_the_next_round(world, as_user, round_one):
    review, _own, late, ok, _other = round_one
    organizer = world.people.organizer
    actions.do_add_progress(ok, world.people.clerk, text="完成", status="done")
    actions.do_sign_off(ok, organizer)
    actions.do_move_stage(review, organizer, "archived")
    second = make_review(
        organizer, stage="reporting", appraisees=[world.cadres.qingshan], number=2, title="第二期"
    )
    appraisee = second.appraisees.get()
    assert list(Problem.objects.carried_over_for(appraisee)) == [late]
    page = as_user(world.people.clerk).get(reverse("appraisee_detail", args=[appraisee.pk])).content.decode()
    carried = page.split('id="carried-over"')[1].split("</section>")[0]
    assert "产业层次偏低" in carried and "逾期" in carried and "安全生产检查不到位" not in carried


def test_the_dashboard_counts_by_county(world, as_user, round_one):
    page = as_user(world.people.organizer).get(reverse("rectification")).content.decode()
    table = page.split('id="progress-by-county"')[1].split("</table>")[0]
    assert '<td>东城区</td><td class="num">2</td><td class="num">2</td>' in table
    assert '<td class="num danger">1</td>' in table  # the overdue one
    assert '<td>西河县</td><td class="num">1</td>' in table
    overdue = (
        as_user(world.people.organizer).get(reverse("rectification"), {"status": "overdue"}).content.decode()
    )
    listing = overdue.split('id="problem-list"')[1]
    assert "产业层次偏低" in listing and "安全生产检查不到位" not in listing


def test_the_feedback_sheet_has_remarks_problems_and_requirements(world, as_user, round_one):
    _review, own, *_ = round_one
    response = as_user(world.people.clerk).get(reverse("feedback_sheet", args=[own.pk]))
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "青山书记同志：" in text and "市委书记：发展思路清晰" in text and "整改要求" in text
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "产业层次偏低" in cells and "引进两家高新技术企业" in cells and "2020年1月31日" in cells


def test_the_feedback_sheet_and_every_page_are_signed_by_the_configured_department(
    world, as_user, round_one, settings
):
    _review, own, *_ = round_one
    settings.ORGANIZATION_NAME = "中共青州市委组织部"
    client = as_user(world.people.clerk)
    document = docx.Document(io.BytesIO(client.get(reverse("feedback_sheet", args=[own.pk])).content))
    assert "中共青州市委组织部" in [p.text.strip() for p in document.paragraphs]
    page = client.get(reverse("home")).content.decode()
    assert "中共青州市委组织部 · 述职评议系统" in page and "示例市委组织部" not in page
