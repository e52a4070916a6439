"""A round appraised from printed slips to published results, as the organizer and an evaluator see it."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import login, move_stage, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def test_from_printed_slips_to_published_results(page, browser, live_server, tmp_path):
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "赵青山"), make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"]),
              make_cadre(city.liuying, "孙柳营"), make_cadre(city.qingshan, "李镇长", titles=["镇长"])]  # fmt: skip
    review = make_review(people.organizer, stage="meeting", appraisees=cadres)
    login(page, "organizer")
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    page.click("text=设置评议组")
    page.fill("#id_label_0", "市领导")
    page.fill("#id_weight_0", "40")
    page.fill("#id_count_0", "3")
    page.fill("#id_label_1", "群众代表")
    page.fill("#id_weight_1", "60")
    page.fill("#id_count_1", "3")
    page.click("#groups-editor button.primary")
    page.wait_for_selector("#groups >> text=群众代表")

    # The live server listens on 127.0.0.1, which no phone can reach: the page says so first.
    expect(page.locator("#address-warning")).to_contain_text("PINGYI_BALLOT_BASE_URL")
    codes = []
    for row in range(2):
        line = page.locator("#groups tbody tr").nth(row)
        assert line.locator("input[name=count]").input_value() == "3"  # the head count, none issued yet
        line.locator("input[name=address_ok]").check()
        line.locator("input[name=freeze_ok]").check()
        with page.expect_download() as download:
            line.locator("button.primary").click()
        path = tmp_path / f"slips{row}.pdf"
        download.value.save_as(path)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
        assert "测评凭证" in text
        found = CODE.findall(text)
        codes.append([f"{a}-{b}" for a, b in zip(found[::2], found[1::2], strict=True)])
    assert [len(c) for c in codes] == [3, 3]
    shot(page, "appraisal-01-overview")

    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    move_stage(page, "测评")  # voting opens
    page.wait_for_selector(".stagebar li.current:has-text('测评')")

    phones = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    receipts = []
    for code in codes[0][:2] + codes[1]:  # two 市领导, three 群众代表
        phone = phones.new_page()  # every evaluator their own phone
        phone.goto(f"{live_server.url}/v/#{code}")
        phone.wait_for_load_state("networkidle")
        assert phone.locator("#ballot").count() == 1, (code, phone.inner_text("main"))
        for fieldset, level in zip(
            phone.locator("fieldset.appraisee").all(), ["较好", "一般", "较好", "差"], strict=True
        ):
            for criterion in fieldset.locator(".criterion").all():
                criterion.locator(f"label.level:has-text('{level}')").first.click()
        phone.click("button:has-text('下一步')")
        phone.click("#confirm")
        receipts.append(phone.wait_for_selector("#receipt").inner_text())

    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    expect(page.locator("#turnout")).to_contain_text("群众代表", timeout=3000)
    assert "3" in page.locator("#turnout tbody tr").nth(1).inner_text()
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    page.click("#next-stage")  # 结果公布: the checklist refuses, two 市领导 ballots could be read one by one
    expect(page.locator("#readiness")).to_contain_text("公布后可被逐张辨认：市领导 2 张、群众代表 3 张")
    assert page.locator("#stage-form").count() == 0
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    expect(page.locator("#small-groups")).to_contain_text("目前仍不能公布")
    page.select_option("#small-groups tbody tr:nth-child(1) select", label="并入群众代表")
    page.click("#small-groups tbody tr:nth-child(1) button")
    expect(page.locator("#small-groups")).to_contain_text("可以公布结果")
    shot(page, "appraisal-02-small-groups")
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    move_stage(page, "结果公布")
    page.wait_for_selector(".stagebar li.current:has-text('结果公布')")
    page.click("text=测评结果")
    page.wait_for_selector("#result-table")
    first = page.locator("#result-table tbody tr").first.inner_text()
    assert "赵青山" in first and "80.00" in first  # all 较好 from every evaluator
    assert "群众代表（含市领导）" in page.inner_text("#result-table thead")
    shot(page, "appraisal-03-results")

    phone.goto(f"{live_server.url}/v/receipts/{review.number}/?q={receipts[0]}")
    assert "已找到" in phone.inner_text("#found")
    shot(phone, "appraisal-04-receipts")
