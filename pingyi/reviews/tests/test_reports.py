import datetime as dt
import io
import os

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from pingyi.reviews import actions
from pingyi.reviews.models import DutyReport
from pingyi.testing import make_review


@pytest.fixture
def appraisee(world):
    review = make_review(
        world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )
    return review.appraisees.get(cadre=world.cadres.qingshan)


def submit(client, appraisee, **data):
    return client.post(reverse("report_submit", args=[appraisee.pk]), data)


def upload(client, appraisee, name, content):
    return submit(client, appraisee, file=SimpleUploadedFile(name, content))


def _docx(text):
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(encrypt=False, pages=1):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_township_clerk_pastes_a_report_and_the_characters_are_counted(world, as_user, appraisee):
    response = submit(as_user(world.people.clerk), appraisee, text="一、发展\n今年以来，全镇 GDP 增长 6%。")
    assert response.status_code == 302
    report = DutyReport.objects.get()
    assert (report.version, report.char_count, report.late, report.status) == (1, 19, False, "submitted")
    assert report.submitted_by == world.people.clerk


def test_a_word_file_is_read_and_kept(world, as_user, appraisee):
    response = upload(
        as_user(world.people.clerk), appraisee, "述职报告.docx", _docx("一、聚焦发展\n招商引资到位资金12亿元")
    )
    assert response.status_code == 302
    report = DutyReport.objects.get()
    assert "招商引资到位资金12亿元" in report.text and report.filename == "述职报告.docx"
    download = as_user(world.people.clerk).get(reverse("report_view", args=[report.pk]), {"download": "1"})
    assert download.content == bytes(report.original)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("空白.docx", lambda: b"", "文件为空"),
        ("巨大.pdf", lambda: b"%PDF-1.4" + b"0" * (50 * 1024 * 1024), "文件过大"),
        ("伪装.pdf", lambda: os.urandom(4096), "不是有效的 PDF"),
        ("加密.pdf", lambda: _pdf(encrypt=True), "PDF 文件设置了打开密码"),
        ("八百页.pdf", lambda: _pdf(pages=800), "PDF 共 800 页，超过上限 500 页"),
        ("扫描件.pdf", _pdf, "没有可提取的文字"),
        ("伪装.docx", lambda: os.urandom(4096), "Word"),
        (
            "网页.html",
            lambda: b"<html><body><p>" + "述职".encode() * 20 + b"</p></body></html>",
            "不支持的文件类型「.html」",
        ),
    ],
)
def test_bad_files_get_a_clear_message_and_leave_nothing(world, as_user, appraisee, name, make, message):
    response = upload(as_user(world.people.clerk), appraisee, name, make())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DutyReport.objects.exists()


def _text_pdf(lines: list[str], owner_only=False) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for i, line in enumerate(lines):
        pdf.drawString(40, 800 - 12 * (i % 60), line)
        if i % 60 == 59:
            pdf.showPage()
    pdf.save()
    if not owner_only:
        return out.getvalue()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(out.getvalue())))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    return encrypted.getvalue()


def test_a_pdf_with_only_an_owner_password_is_read_like_any_pdf_reader_would(world, as_user, appraisee):
    data = _text_pdf(
        ["Duty report of Qingshan town: investment grew by 12 percent this year."], owner_only=True
    )
    assert PdfReader(io.BytesIO(data)).is_encrypted
    response = upload(as_user(world.people.clerk), appraisee, "限制打印.pdf", data)
    assert response.status_code == 302
    assert "investment grew by 12 percent" in DutyReport.objects.get().text


def test_a_pdf_holding_more_text_than_any_door_allows_is_refused_like_a_long_text_file(
    world, as_user, appraisee
):
    # 4,000 lines of 60 characters: 240,000 characters, over the 200,000 a .txt or pasted text may hold.
    data = _text_pdf(["x" * 60] * 4000)
    response = upload(as_user(world.people.clerk), appraisee, "超长.pdf", data)
    assert response.status_code == 400
    assert "文字过长" in response.content.decode() and "上限为 20 万字" in response.content.decode()
    assert not DutyReport.objects.exists()


def test_pasted_text_has_the_limit_of_a_files_text(world, as_user, appraisee):
    response = submit(as_user(world.people.clerk), appraisee, text="字" * 200_001)
    assert (
        response.status_code == 400
        and "正文过长（约 20.0 万字），上限为 20 万字" in response.content.decode()
    )
    assert not DutyReport.objects.exists()


def test_nothing_submitted_is_a_form_error(world, as_user, appraisee):
    response = submit(as_user(world.people.clerk), appraisee, text="   ")
    assert response.status_code == 400 and "请上传述职报告文件或粘贴正文" in response.content.decode()


def test_late_reports_are_flagged(world, appraisee):
    review = appraisee.review
    review.report_deadline = timezone.now() - dt.timedelta(hours=1)
    review.save()
    report = actions.do_submit_report(appraisee, world.people.clerk, text="迟交的报告")
    assert report.late


def test_returned_then_resubmitted_then_accepted_keeps_every_version(world, as_user, appraisee):
    clerk, organizer = as_user(world.people.clerk), as_user(world.people.organizer)
    submit(clerk, appraisee, text="第一稿")
    first = DutyReport.objects.get()
    refused = organizer.post(reverse("report_decide", args=[first.pk]), {"return": "1", "reason": ""})
    assert refused.status_code == 409 and "退回须说明理由" in refused.content.decode()
    organizer.post(reverse("report_decide", args=[first.pk]), {"return": "1", "reason": "数据不全"})
    submit(clerk, appraisee, text="第二稿，补充了数据")
    second = DutyReport.objects.get(version=2)
    organizer.post(reverse("report_decide", args=[second.pk]), {"accept": "1"})
    assert list(DutyReport.objects.order_by("version").values_list("version", "status", "return_reason")) == [
        (1, "returned", "数据不全"), (2, "accepted", ""),
    ]  # fmt: skip
    again = submit(clerk, appraisee, text="第三稿")
    assert again.status_code == 409 and "已审核通过" in again.content.decode()
    page = clerk.get(reverse("appraisee_detail", args=[appraisee.pk])).content.decode()
    assert "退回理由：数据不全" in page and "第2版" in page


def test_only_organizers_decide(world, as_user, appraisee):
    report = actions.do_submit_report(appraisee, world.people.clerk, text="报告")
    assert (
        as_user(world.people.clerk)
        .post(reverse("report_decide", args=[report.pk]), {"accept": "1"})
        .status_code
        == 403
    )
    assert (
        as_user(world.people.leader)
        .post(reverse("report_decide", args=[report.pk]), {"accept": "1"})
        .status_code
        == 403
    )


def test_reports_only_while_the_round_takes_them(world, appraisee):
    organizer = world.people.organizer
    review = appraisee.review
    actions.do_move_stage(review, organizer, "preparing", "补充述职人")
    with pytest.raises(actions.ReviewError, match="不能提交述职报告"):
        actions.do_submit_report(appraisee, world.people.clerk, text="太早")
    for stage in ["reporting", "meeting", "appraisal"]:
        actions.do_move_stage(review, organizer, stage)
    with pytest.raises(actions.ReviewError, match="不能提交述职报告"):
        actions.do_submit_report(appraisee, world.people.clerk, text="太晚")


def test_the_report_template_has_the_four_areas(world, as_user):
    response = as_user(world.people.clerk).get(reverse("report_template"))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    for heading in [
        "当好发展的领头雁",
        "当好群众的贴心人",
        "当好平安的守护者",
        "党建与作风廉洁",
        "存在的问题和不足",
    ]:
        assert heading in text
