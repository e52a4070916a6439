"""查重 in the demo city: a pasted report shows its copied passages; a passage opens its source."""

import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pingyi.dupcheck.actions import do_index_texts
from pingyi.dupcheck.demo import TEMPLATE_PARAGRAPH, TEMPLATE_TITLE
from pingyi.reviews.models import Review

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = (
    "一、聚焦第一要务，当好发展的领头雁\n"
    "今年以来，全镇新签约茶叶加工项目3个，到位资金2.4亿元。\n"
    "四、加强党的领导，抓好党建与作风廉洁\n" + TEMPLATE_PARAGRAPH + "\n"
    "全年发展党员11名，整顿软弱涣散村党组织2个。"
)


def test_a_report_pasted_into_the_open_round_shows_what_was_copied_and_from_where(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login(page, "zzb", "pingyi-demo")
    review = Review.objects.get(number=2)
    appraisee = review.appraisees.filter(reports__isnull=True).order_by("order").first()
    page.goto(page.base_url + f"/appraisees/{appraisee.pk}/")
    page.fill("#report-form textarea", PASTED)
    started = time.perf_counter()
    page.click("#report-form button.primary")
    expect(page.locator(".messages")).to_contain_text("已提交述职报告第1版")
    print(f"submitted and checked in {time.perf_counter() - started:.2f} s")  # the page load, for the record

    ratio = page.locator("#report-versions tbody tr").first.locator("a.dc-ratio")
    expect(ratio).to_be_visible()
    page.locator("#report").scroll_into_view_if_needed()
    shot(page, "dupcheck-00-appraisee-report-column")
    ratio.click()
    copied = page.locator(".dc-text mark.dc-copied").first
    expect(copied).to_contain_text("每季度专题研究党建工作")
    # The template's own headings are the template (grey, 模板), not copying, and in no ratio.
    expect(page.locator(".dc-text mark.dc-template").first).to_contain_text("聚焦第一要务")
    expect(page.locator("#dc-figures-note")).to_contain_text("去除引用复制比只计复制的文字")
    shot(page, "dupcheck-01-pasted-report")
    page.set_viewport_size({"width": 360, "height": 800})
    shot(page, "dupcheck-01-pasted-report-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    copied.click()
    source = page.locator("#dc-source .dc-passage")
    expect(source).to_contain_text(TEMPLATE_TITLE)
    expect(source.locator("mark").first).to_contain_text("最大政绩")
    shot(page, "dupcheck-02-source-passage")

    page.click("#dupcheck form button")  # 重新检测
    expect(page.locator(".messages")).to_contain_text("已重新查重：去除引用复制比")


def test_the_organizer_checks_a_text_and_grows_the_corpus(page, tmp_path):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    login(page, "zzb", "pingyi-demo")
    page.click("nav >> text=报告查重")
    page.fill("#id_title", "网上找到的一篇述职报告")
    page.fill("#id_text", "以下是述职正文。\n" + TEMPLATE_PARAGRAPH)
    page.click("#check-form button.primary")
    expect(page.locator("#dc-total")).not_to_have_text("0.00%")
    shot(page, "dupcheck-03-adhoc-result")

    page.goto(page.base_url + "/dupcheck/corpus/")
    html = tmp_path / "范文.html"
    html.write_text(
        "<html><body><div class='nav'>网站首页</div><div class='content'><p>"
        "持续深化“放管服”改革，推行企业开办一日办结，政务服务事项全部实现网上可办，营商环境满意度位居全县前列。"
        "</p></div></body></html>",
        encoding="utf-8",
    )
    page.set_input_files("#id_files", str(html))
    page.click("#corpus-form button.primary")
    expect(page.locator(".messages")).to_contain_text("已入库 1 篇")
    expect(page.locator("#corpus-list")).to_contain_text("范文")
    shot(page, "dupcheck-04-corpus")

    page.set_input_files("#id_files", str(html))
    page.click("#corpus-form button.primary")
    expect(page.locator(".messages")).to_contain_text("未重复入库")

    # A corpus text added without rechecking (as when an upload's time for it ran out): the 查重
    # page says so and rechecks on request.
    do_index_texts(
        [("又一篇范文", "以下是述职正文。\n" + TEMPLATE_PARAGRAPH, "某网站")], kind="template", refresh=False
    )
    page.goto(page.base_url + "/dupcheck/")
    expect(page.locator("#stale-results")).to_contain_text("尚未按最新范文库重新检测")
    expect(page.locator("#recent-results")).to_contain_text("待更新")
    shot(page, "dupcheck-05-stale")
    page.click("#stale-results button")
    expect(page.locator(".messages")).to_contain_text("全部结果均已按最新范文库更新")
    expect(page.locator("#stale-results")).to_have_count(0)

    # The 范文 uploaded above was a mistake: its page takes it out of the corpus, after a confirmation.
    page.goto(page.base_url + "/dupcheck/corpus/")
    mistaken = page.locator("#corpus-list").get_by_role("link", name="范文", exact=True)
    mistaken.click()
    expect(page.locator("#corpus-remove")).to_be_visible()
    shot(page, "dupcheck-06-corpus-document")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.check("#corpus-remove input[name=confirm]")
    page.click("#corpus-remove button")
    expect(page.locator(".messages")).to_contain_text("《范文》已移出范文库，不再参与比对")
    assert "移出范文库" in dialogs[0]
    expect(mistaken).to_have_count(0)
    expect(page.locator("#corpus-list")).to_contain_text("又一篇范文")
