"""Done-when of issue 17: a new organizer runs the demo city's second round to the archive through the pages,
and every step that is not ready or cannot be undone says so before it is taken."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from pingyi.audit.models import AuditEvent
from pingyi.ballots import actions as ballot_actions
from pingyi.ballots import codes as ballot_codes
from pingyi.reviews.models import Review

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


def checklist(page, label):
    """From the round's page to the checklist of the next step."""
    page.click(f"#next-stage:has-text('{label}')")
    page.wait_for_selector("#readiness")
    return page.inner_text("#readiness")


def confirm(page, label):
    if page.locator("#confirm-phrase").count():
        page.fill("#confirm-phrase", label)
    if page.locator("#confirm-proceed").count():
        page.check("#confirm-proceed")
    page.click("#confirm-stage")
    page.wait_for_selector(f".stagebar li.current:has-text('{label}')")


def ballot(keys, i):
    """A valid ballot: the first speaker 好, the rest 较好 or 一般 (within the top-score quota)."""
    criteria = ["development", "livelihood", "safety", "party"]
    levels = ["较好", "一般"]
    return {
        key: dict.fromkeys(criteria, "好" if n == 0 else levels[(n + i) % 2]) for n, key in enumerate(keys)
    }


def test_a_new_organizer_runs_the_demo_citys_second_round_end_to_end(page, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    review = Review.objects.get(number=2)
    login(page, "zzb", "pingyi-demo")

    # Home says what to do: a report to review, the round's next step and what is not ready for it.
    todo = page.inner_text("#todo")
    assert "第2期有 1 份述职报告待审核" in todo and "下一步进入「会议」" in todo
    shot(page, "e2e-01-home-todo")

    # The checklist names the missing reports and links to the 催报 list.
    page.click("#todo >> text=下一步进入「会议」")
    ready = page.inner_text("#readiness")
    assert "4 位述职人尚未提交述职报告" in ready and "1 份述职报告待审核" in ready
    page.click("#readiness li:first-child >> text=去处理")
    expect(page.locator("#reminder-table tbody tr")).to_have_count(4)
    shot(page, "e2e-02-reminders")

    # The pending report is approved from the round's page, several at once if there were more.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    page.check("#appraisee-table input[name=report]")
    page.click("#accept-selected")
    expect(page.locator(".msg-success")).to_contain_text("已通过述职报告 1 份")

    # The ballot setup comes from the first round; each group is offered exactly its head count.
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    page.select_option("#copy-source", label="第1期 第一期全市乡镇（街道）党政正职述职评议会")
    page.click("#copy-setup button")
    expect(page.locator(".msg-success")).to_contain_text("复制测评表和 3 个评议组")
    expect(page.locator("#address-warning")).to_be_visible()  # the live server is 127.0.0.1
    codes = {}
    for row in page.locator("#groups tbody tr").all():
        head = int(row.locator("td").nth(2).inner_text())
        assert int(row.locator("input[name=count]").input_value()) == head
        row.locator("input[name=address_ok]").check()
        if row.locator("input[name=freeze_ok]").count():  # only until the first slips
            row.locator("input[name=freeze_ok]").check()
        with page.expect_download() as download:
            row.locator("button.primary").click()
        text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(download.value.path().read_bytes())).pages
        )
        found = CODE.findall(text)
        codes[row.locator("td").first.inner_text()] = [
            f"{a}-{b}" for a, b in zip(found[::2], found[1::2], strict=True)
        ]
        assert len(codes[row.locator("td").first.inner_text()]) == head
    page.reload()
    assert all(
        v == "" for v in page.locator("#groups input[name=count]").evaluate_all("e => e.map(x => x.value)")
    )
    shot(page, "e2e-03-slips-issued")

    # 会议 with reports missing: listed, ticked, recorded.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    assert "4 位述职人尚未提交述职报告" in checklist(page, "会议")
    confirm(page, "会议")
    page.click("text=会议控制台")
    page.click("button[data-command=start]")
    expect(page.locator("#run-status")).to_have_text("计时中")
    page.click("#agenda button[aria-label^='转到第6位']")
    expect(page.locator("button[data-command=next]")).to_be_disabled()

    # 测评 cannot be undone: typed.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    ready = checklist(page, "测评")
    assert "不能退回上一阶段" in ready and "尚未生成测评凭证" not in ready
    confirm(page, "测评")

    # Votes: 80% of each group, then publication is checked and typed.
    keys = [ballot_actions.appraisee_key(a) for a in review.appraisees.order_by("order")]
    for slips in codes.values():
        for i, code in enumerate(slips[: -(-len(slips) * 4 // 5)]):
            receipt = ballot_codes.new_receipt()
            ballot_actions.do_submit_ballot(
                code, ballot(keys, i), receipt, ballot_codes.receipt_signature(code, receipt)
            )
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    expect(page.locator("#turnout tfoot")).to_contain_text("62")
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    ready = checklist(page, "结果公布")
    assert "实到" not in ready and "须先处理" not in ready
    shot(page, "e2e-04-publish-checklist")
    confirm(page, "结果公布")
    page.click("text=测评结果")
    expect(page.locator("#result-table tbody tr")).to_have_count(6)

    # 归档, typed; then nothing live is offered on the ballots page.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    checklist(page, "归档")
    confirm(page, "归档")
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    assert page.locator("text=生成并下载").count() == 0 and page.locator("[hx-trigger]").count() == 0
    shot(page, "e2e-05-archived-ballots")

    overrides = [
        e.detail.get("overridden") for e in AuditEvent.objects.filter(action="review_stage", target="第2期")
    ]
    assert any(o and any("尚未提交述职报告" in g for g in o) for o in overrides)
