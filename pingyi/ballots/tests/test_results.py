import io
import json
from io import StringIO

import docx
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pingyi.ballots.models import Publication
from pingyi.reviews import actions as review_actions

from .conftest import good_ratings, submit


def vote_all(voting):
    receipts = []
    for i, code in enumerate(voting.codes["leaders"] + voting.codes["public"]):
        receipts.append(submit(code, good_ratings(first=["较好", "一般"][i % 2], rest="一般")).receipt)
    return receipts


def publish(voting):
    return review_actions.do_move_stage(voting.review, voting.people.organizer, "published")


def test_recount_of_the_exported_record_reproduces_the_published_result(voting, tmp_path):
    vote_all(voting)
    publish(voting)
    published = Publication.objects.get(review=voting.review)
    path = tmp_path / "record.json"
    call_command("export_ballots", str(voting.review.number), "--out", str(path), stdout=StringIO())
    out = StringIO()
    call_command("recount", str(path), "--json", stdout=out)
    assert json.loads(out.getvalue()) == published.result
    assert json.loads(path.read_text(encoding="utf-8")) == published.record
    assert len(published.record["ballots"]) == 10


def test_results_are_hidden_until_published_except_the_organizers_live_count(voting):
    vote_all(voting)
    url = reverse("ballot_results", args=[voting.review.pk])
    organizer, leader = Client(), Client()
    organizer.force_login(voting.people.organizer)
    leader.force_login(voting.people.leader)
    assert "实时计票" in organizer.get(url).content.decode()
    assert "结果尚未公布" in leader.get(url).content.decode()
    assert Client().get(reverse("ballot_receipts", args=[voting.review.number])).status_code == 404
    publish(voting)
    assert "甲书记" in leader.get(url).content.decode()


def test_group_means_need_five_ballots_and_scope_limits_the_rows(voting):
    codes = voting.codes["leaders"][:4] + voting.codes["public"]
    for code in codes:
        submit(code, good_ratings())
    publish(voting)
    organizer, clerk = Client(), Client()
    organizer.force_login(voting.people.organizer)
    clerk.force_login(voting.people.clerk)
    table = (
        organizer.get(reverse("ballot_results", args=[voting.review.pk]))
        .content.decode()
        .split('id="result-table"')[1]
    )
    row = table.split("甲书记")[1].split("</tr>")[0]
    assert "不足5张不显示" in row  # 市领导: four ballots
    assert "80.00" in row  # 群众代表: five ballots, all 较好
    mine = (
        clerk.get(reverse("ballot_results", args=[voting.review.pk]))
        .content.decode()
        .split('id="result-table"')[1]
    )
    assert "甲书记" in mine and "乙书记" not in mine and "丙书记" not in mine


def test_everyone_can_find_their_receipt_and_download_the_record(voting):
    receipts = vote_all(voting)
    publish(voting)
    anonymous = Client()
    page = anonymous.get(reverse("ballot_receipts", args=[voting.review.number])).content.decode()
    assert all(r in page for r in receipts)
    found = anonymous.get(reverse("ballot_receipts", args=[voting.review.number]), {"q": receipts[3].lower()})
    assert "已找到" in found.content.decode()
    record = anonymous.get(reverse("ballot_record", args=[voting.review.number]))
    assert record.status_code == 200 and len(json.loads(record.content)["ballots"]) == 10


def test_the_feedback_sheet_gets_the_score_once_published(voting):
    vote_all(voting)
    publish(voting)
    client = Client()
    client.force_login(voting.people.clerk)
    appraisee = voting.review.appraisees.get(order=1)
    document = docx.Document(io.BytesIO(client.get(reverse("feedback_sheet", args=[appraisee.pk])).content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "三、民主测评结果" in text and "你的民主测评得分为" in text and "四、整改要求" in text


def test_exports_of_published_results(voting):
    vote_all(voting)
    publish(voting)
    client = Client()
    client.force_login(voting.people.organizer)
    from pingyi.lib.xlsx import read_workbook

    sheets, _ = read_workbook(client.get(reverse("ballot_results_xlsx", args=[voting.review.pk])).content,
                              {"测评结果": ["名次", "姓名", "得分"]})  # fmt: skip
    assert [r["姓名"] for _, r in sheets["测评结果"].rows] == ["甲书记", "乙书记", "丙书记"]
    document = docx.Document(
        io.BytesIO(client.get(reverse("ballot_results_docx", args=[voting.review.pk])).content)
    )
    assert document.tables[0].rows[1].cells[1].text == "甲书记"
