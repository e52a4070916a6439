"""查重 of duty reports: every submitted version is checked against the corpus and earlier reports."""

import io

import openpyxl
import pytest
from django.urls import reverse

from pingyi.dupcheck import actions as dupcheck
from pingyi.dupcheck.models import CheckResult, Document
from pingyi.reviews import actions
from pingyi.reviews.models import DutyReport
from pingyi.testing import make_review

TEMPLATE = (
    "乡镇党委书记述职报告范文\n"
    "一年来，在县委的坚强领导下，我始终坚持把抓好党建作为最大政绩，把项目建设作为经济工作的生命线，"
    "推动全镇经济社会发展迈上新台阶。\n"
    "一是聚焦主责主业，压实管党治党责任。坚持每季度专题研究党建工作，带头讲党课，推动基层党组织标准化规范化建设。\n"
)
OWN = (
    "一、发展\n今年以来，青山镇完成固定资产投资12.6亿元，新签约亿元以上项目4个，茶叶加工园二期投产。\n"
    "二、民生\n新建改建农村公路38公里，完成老旧小区改造3个，卫生院新增床位40张。\n"
)
COPYING = (
    OWN
    + "三、党建\n一是聚焦主责主业，压实管党治党责任。坚持每季度专题研究党建工作，带头讲党课，推动基层党组织标准化规范化建设。\n"
)


@pytest.fixture
def review(world):
    return make_review(
        world.people.organizer, stage="reporting", appraisees=[world.cadres.qingshan, world.cadres.liuying]
    )


@pytest.fixture
def qingshan(review, world):
    return review.appraisees.get(cadre=world.cadres.qingshan)


@pytest.fixture
def liuying(review, world):
    return review.appraisees.get(cadre=world.cadres.liuying)


def test_a_pasted_report_copying_a_template_shows_the_copied_paragraph_and_its_source(
    world, as_user, qingshan
):
    dupcheck.do_index_texts([("乡镇党委书记述职报告范文", TEMPLATE, "某范文网")], kind="template")
    response = as_user(world.people.clerk).post(
        reverse("report_submit", args=[qingshan.pk]), {"text": COPYING}
    )
    assert response.status_code == 302
    report = DutyReport.objects.get()
    result = CheckResult.objects.get(document_id=report.dupcheck_document_id)
    copied = [p for p in result.passages if p["class"] == "copied"]
    assert {p["source"] for p in copied} == {"乡镇党委书记述职报告范文"}
    assert "压实管党治党责任" in report.text[copied[0]["start"] : copied[0]["end"]]
    assert 0.3 < result.total_copy_ratio < 0.6

    organizer = as_user(world.people.organizer)
    page = organizer.get(reverse("report_view", args=[report.pk])).content.decode()
    assert "总文字复制比" in page and 'class="dc-copied"' in page and "dupcheck.js" in page
    assert reverse("dupcheck_result_docx", args=[result.pk]) in page
    detail = organizer.get(reverse("appraisee_detail", args=[qingshan.pk])).content.decode()
    assert f'class="dc-ratio dc-high">{result.total_copy_ratio * 100:.2f}%' in detail


def test_the_township_does_not_see_the_check(world, as_user, qingshan):
    dupcheck.do_index_texts([("范文", TEMPLATE, "某范文网")], kind="template")
    report = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    clerk = as_user(world.people.clerk)
    page = clerk.get(reverse("report_view", args=[report.pk])).content.decode()
    assert "总文字复制比" not in page and "压实管党治党责任" in page
    assert "/docx/" not in page
    assert "查重" not in clerk.get(reverse("appraisee_detail", args=[qingshan.pk])).content.decode()
    assert clerk.post(reverse("report_recheck", args=[report.pk])).status_code == 403


def test_another_townships_earlier_report_is_a_source(world, qingshan, liuying):
    first = actions.do_submit_report(liuying, world.people.organizer, text=COPYING.replace("青山", "柳营"))
    second = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    result = CheckResult.objects.get(document_id=second.dupcheck_document_id)
    assert result.total_copy_ratio > 0.8
    assert result.metrics["max_single_source"]["document"] == first.dupcheck_document_id
    assert "柳营" in result.metrics["max_single_source"]["source"]


def test_a_new_version_is_not_copied_from_the_townships_own_earlier_version(world, qingshan):
    v1 = actions.do_submit_report(qingshan, world.people.clerk, text=OWN)
    actions.do_decide_report(v1, world.people.organizer, accept=False, reason="补充党建部分")
    v2 = actions.do_submit_report(qingshan, world.people.clerk, text=OWN + "三、党建\n全年发展党员6名。")
    assert CheckResult.objects.get(document_id=v2.dupcheck_document_id).total_copy_ratio == 0
    # The earlier version keeps its result but leaves the comparison set.
    assert Document.objects.get(pk=v1.dupcheck_document_id).indexed is False
    assert CheckResult.objects.filter(document_id=v1.dupcheck_document_id).exists()


def test_a_report_is_rechecked_on_demand_and_when_the_corpus_grows(world, as_user, qingshan):
    report = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    result = CheckResult.objects.get(document_id=report.dupcheck_document_id)
    assert result.total_copy_ratio == 0
    # Importing the template the report copied refreshes the stored result.
    dupcheck.do_index_texts([("范文", TEMPLATE, "某范文网")], kind="template")
    result.refresh_from_db()
    assert result.total_copy_ratio > 0.3
    response = as_user(world.people.organizer).post(reverse("report_recheck", args=[report.pk]), follow=True)
    assert f"已重新查重：去除引用复制比 {result.excluding_quotes_ratio * 100:.2f}%（总文字复制比" in (
        response.content.decode()
    )
    assert CheckResult.objects.filter(document_id=report.dupcheck_document_id).count() == 1


def test_an_outsider_cannot_recheck_a_report(world, as_user, qingshan):
    report = actions.do_submit_report(qingshan, world.people.clerk, text=OWN)
    assert as_user(world.people.outsider).post(reverse("report_recheck", args=[report.pk])).status_code in (
        403,
        404,
    )


def test_a_failing_check_does_not_lose_the_report(world, qingshan, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(dupcheck, "do_check_document", broken)
    report = actions.do_submit_report(qingshan, world.people.clerk, text=OWN)
    assert DutyReport.objects.get(pk=report.pk).text == OWN.strip()
    assert not CheckResult.objects.exists()


def test_a_report_submitted_before_the_template_was_imported_shows_it_when_opened(world, as_user, qingshan):
    report = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    result = CheckResult.objects.get(document_id=report.dupcheck_document_id)
    assert not [p for p in result.passages if p["class"] == "copied"]
    dupcheck.do_index_texts(
        [("乡镇党委书记述职报告范文", TEMPLATE, "某范文网")], kind="template", refresh=False
    )
    page = as_user(world.people.organizer).get(reverse("report_view", args=[report.pk])).content.decode()
    assert "乡镇党委书记述职报告范文" in page and 'class="dc-copied"' in page


def test_the_appraisee_page_shows_the_ratio_against_todays_corpus(world, as_user, qingshan):
    report = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    dupcheck.do_index_texts(
        [("乡镇党委书记述职报告范文", TEMPLATE, "某范文网")], kind="template", refresh=False
    )
    detail = (
        as_user(world.people.organizer).get(reverse("appraisee_detail", args=[qingshan.pk])).content.decode()
    )
    result = CheckResult.objects.get(document_id=report.dupcheck_document_id)
    assert 0.3 < result.total_copy_ratio < 0.6
    assert f"{result.total_copy_ratio * 100:.2f}%</a>" in detail


def test_the_round_page_shows_each_latest_reports_ratio_to_organizers_only(world, as_user, review, qingshan):
    dupcheck.do_index_texts([("乡镇党委书记述职报告范文", TEMPLATE, "某范文网")], kind="template")
    actions.do_submit_report(qingshan, world.people.clerk, text=OWN)
    latest = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    result = CheckResult.objects.get(document_id=latest.dupcheck_document_id)
    page = as_user(world.people.organizer).get(reverse("review_detail", args=[review.pk])).content.decode()
    table = page.split('id="appraisee-table"')[1].split("</table>")[0]
    assert '<th class="num">查重</th>' in table
    assert f'{reverse("report_view", args=[latest.pk])}#dupcheck" class="dc-ratio dc-high"' in table
    assert f"{result.total_copy_ratio * 100:.2f}%</a>" in table and "待更新" not in table
    assert table.count("未提交") == 1  # 柳营乡 has not submitted

    dupcheck.do_index_texts([("又一篇范文", OWN, "某网站")], kind="template", refresh=False)
    page = as_user(world.people.organizer).get(reverse("review_detail", args=[review.pk])).content.decode()
    assert "待更新</span>" in page.split('id="appraisee-table"')[1].split("</table>")[0]

    clerk = as_user(world.people.clerk).get(reverse("review_detail", args=[review.pk])).content.decode()
    assert "查重" not in clerk.split('id="appraisee-table"')[1].split("</table>")[0]


def test_the_rounds_check_summary_exports_as_a_workbook(world, as_user, review, qingshan):
    dupcheck.do_index_texts([("乡镇党委书记述职报告范文", TEMPLATE, "某范文网")], kind="template")
    actions.do_submit_report(qingshan, world.people.clerk, text=OWN)
    latest = actions.do_submit_report(qingshan, world.people.clerk, text=COPYING)
    # Stale when exported: rechecked first.
    dupcheck.do_index_texts([("又一篇范文", "述职报告\n" + OWN, "某网站")], kind="template", refresh=False)
    url = reverse("review_dupcheck_xlsx", args=[review.pk])
    organizer = as_user(world.people.organizer)
    assert url in organizer.get(reverse("review_detail", args=[review.pk])).content.decode()
    response = organizer.get(url)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [[c.value for c in row] for row in book["查重汇总"].iter_rows()]
    assert rows[0][:3] == ["顺序", "姓名", "单位"] and rows[0][7:9] == [
        "去除引用复制比（%）",
        "总文字复制比（%）",
    ]
    result = CheckResult.objects.get(document_id=latest.dupcheck_document_id)
    assert not CheckResult.objects.stale().filter(pk=result.pk).exists()
    qing = next(r for r in rows[1:] if r[1] == qingshan.cadre.name)
    assert qing[4] == f"第{latest.version}版" and qing[6] == result.metrics["chars"]
    assert qing[7] == round(result.excluding_quotes_ratio * 100, 2) > 30
    assert qing[8] == round(result.total_copy_ratio * 100, 2)
    assert qing[10] == result.metrics["max_single_source"]["source"]
    liu = next(r for r in rows[1:] if r[1] != qingshan.cadre.name)
    assert liu[4] == "未提交"
    assert as_user(world.people.clerk).get(url).status_code == 403
