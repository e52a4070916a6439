import importlib
import io
import json
from io import StringIO

import docx
import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pingyi.accounts.models import Role
from pingyi.ballots import actions
from pingyi.ballots.actions import BallotError
from pingyi.ballots.count.record import AuditRecord
from pingyi.ballots.count.tally import tally
from pingyi.ballots.models import Publication
from pingyi.reviews import actions as review_actions
from pingyi.reviews.actions import ReviewError
from pingyi.testing import make_user

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
    # Five 市领导 ballots, one of them 不了解 on 甲书记: the group has four ballots that score him.
    unknown = good_ratings()
    unknown["a01"] = dict.fromkeys(unknown["a01"], "不了解")
    submit(voting.codes["leaders"][0], unknown)
    for code in voting.codes["leaders"][1:] + voting.codes["public"]:
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
    assert "不足5张不显示" in row  # 市领导: four ballots score him
    assert "80.00" in row  # 群众代表: five ballots, all 较好
    mine = (
        clerk.get(reverse("ballot_results", args=[voting.review.pk]))
        .content.decode()
        .split('id="result-table"')[1]
    )
    assert "甲书记" in mine and "乙书记" not in mine and "丙书记" not in mine


def small_round(voting, leaders=4):
    for code in voting.codes["leaders"][:leaders] + voting.codes["public"]:
        submit(code, good_ratings())


def groups_in(record) -> dict[str, int]:
    return {g["key"]: sum(b["group"] == g["key"] for b in record["ballots"]) for g in record["groups"]}


def test_a_group_of_fewer_than_five_ballots_stops_publication_until_the_organizer_combines_it(voting):
    small_round(voting)
    client = Client()
    client.force_login(voting.people.organizer)
    page = client.get(reverse("ballots_overview", args=[voting.review.pk])).content.decode()
    assert "目前仍不能公布：市领导 4 张" in page
    with pytest.raises(ReviewError, match="以下评议组的选票少于5张，公布后可被逐张辨认：市领导 4 张"):
        publish(voting)
    voting.review.refresh_from_db()
    assert voting.review.stage == "appraisal" and not Publication.objects.exists()

    leaders, public = voting.groups
    response = client.post(reverse("group_combine", args=[leaders.pk]), {"into": public.pk})
    assert response.status_code == 302
    assert "可以公布结果" in client.get(reverse("ballots_overview", args=[voting.review.pk])).content.decode()
    publish(voting)
    record = Publication.objects.get(review=voting.review).record
    assert record["groups"] == [{"key": "public", "label": "群众代表（含市领导）", "weight": 100}]
    assert groups_in(record) == {"public": 9}
    page = client.get(reverse("ballot_results", args=[voting.review.pk])).content.decode()
    assert "群众代表（含市领导）平均分" in page or "群众代表（含市领导）" in page
    assert "市领导</th>" not in page


def test_small_groups_pooled_as_others_must_reach_five_together(voting):
    small_round(voting, leaders=3)
    leaders = voting.groups[0]
    actions.do_combine_group(leaders, user=voting.people.organizer, pooled=True)
    with pytest.raises(ReviewError, match="其他评议人（市领导） 3 张"):
        publish(voting)
    for code in voting.codes["leaders"][3:]:
        submit(code, good_ratings())
    publish(voting)
    record = Publication.objects.get(review=voting.review).record
    assert [g["label"] for g in record["groups"]] == ["群众代表", "其他评议人（市领导）"]
    assert sorted(groups_in(record).values()) == [5, 5]


def test_only_the_organizer_combines_groups_and_only_while_voting_runs(voting):
    leaders, public = voting.groups
    clerk = Client()
    clerk.force_login(voting.people.clerk)
    assert clerk.post(reverse("group_combine", args=[leaders.pk]), {"into": public.pk}).status_code in (
        403,
        404,
    )
    with pytest.raises(BallotError, match="只有组织部管理员"):
        actions.do_combine_group(leaders, user=voting.people.leader, into=public)
    actions.do_combine_group(leaders, user=voting.people.organizer, into=public)
    with pytest.raises(BallotError, match="本身已合并"):
        actions.do_combine_group(public, user=voting.people.organizer, into=leaders)
    small_round(voting, leaders=5)
    publish(voting)
    with pytest.raises(BallotError, match="只能在测评阶段"):
        actions.do_combine_group(leaders, user=voting.people.organizer)


def test_the_public_record_has_no_group_of_fewer_than_five_ballots_nor_a_receipt_beside_a_ballot(voting):
    receipts = vote_all(voting)
    publish(voting)
    record = json.loads(Client().get(reverse("ballot_record", args=[voting.review.number])).content)
    assert all(n == 0 or n >= 5 for n in groups_in(record).values())
    assert record["receipts"] == sorted(receipts)
    assert all(set(b) == {"group", "ratings"} for b in record["ballots"])
    assert not any(r in json.dumps(record["ballots"]) for r in receipts)


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


def test_records_published_in_the_older_form_lose_the_receipt_beside_each_ballot(voting):
    codes = voting.codes["leaders"] + voting.codes["public"]
    for code in codes[:-1]:
        submit(code, good_ratings())
    # Paper ballots can be invalid: one that rates everybody 一般 is 同一档次.
    uniform = {a: dict.fromkeys(good_ratings()["a01"], "一般") for a in ("a01", "a02", "a03")}
    for typist in (voting.people.organizer, make_user("organizer2", Role.ORGANIZER)):
        actions.do_enter_paper(voting.review, typist, group=voting.groups[1], number="P1", ratings=uniform)
    publish(voting)
    publication = Publication.objects.get(review=voting.review)
    current, result = publication.record, publication.result
    assert [i["reason"] for i in result["ballots"]["invalid"]] == ["同一档次"]
    # As it was published before: a receipt beside each ballot, the invalid one named by its receipt.
    older = {k: v for k, v in current.items() if k != "receipts"}
    older["ballots"] = [{"group": b["group"], "receipt": r, "ratings": b["ratings"]}
                        for b, r in zip(current["ballots"], current["receipts"], strict=True)]  # fmt: skip
    publication.record = older
    publication.result = tally(AuditRecord.from_json(older)).to_json()
    assert "receipt" in publication.result["ballots"]["invalid"][0]
    publication.save()

    migration = importlib.import_module(
        "pingyi.ballots.migrations.0005_records_without_receipts_beside_ballots"
    )
    migration.forwards(apps, None)
    publication.refresh_from_db()
    assert publication.record["receipts"] == current["receipts"]
    assert all(set(b) == {"group", "ratings"} for b in publication.record["ballots"])
    assert publication.result == tally(AuditRecord.from_json(publication.record)).to_json()
    assert [set(i) for i in publication.result["ballots"]["invalid"]] == [{"index", "reason"}]
