"""A whole round carried by an organizer with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7).

No click, and no address typed after the login page: the organizer Tabs to a control, checks that it
is the one meant (by the name a screen reader reads, from Chromium's accessibility tree) and that its
focus is drawn, and presses Enter, Space, an arrow key or types. What is not the organizer's to do
is done by the actions the other people's pages call: the townships' reports, the evaluators'
ballots (the phone ballot's own keyboard walk is in test_ballot_accessibility.py).

The same walk is played three times: on a 1366 px screen, at 200 % zoom (683×450 CSS px at twice the
pixels) and at 200 % with 大字 on, switched by the keyboard on the login page. In each, every Tab stop
and every page opened is held to the reflow rules (keyboard.watch_layout): no sideways scrolling (a
wide table scrolls inside itself) and the focused control in sight.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from pingyi.ballots import actions as ballot_actions
from pingyi.ballots import codes as ballot_codes
from pingyi.reviews import actions
from pingyi.reviews.models import Review
from pingyi.testing import PASSWORD, make_cadre, make_city, make_personas

from .conftest import open_page, shot
from .keyboard import (
    activate,
    assert_focus_drawn,
    choose,
    focused,
    skip_to_content,
    tab_to,
    tab_to_field,
    type_date,
    type_into,
    watch_layout,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}")


@dataclass
class Screen:
    page: object
    suffix: str  # of the screenshots' names
    large: bool  # 大字


SCREENS = {
    "1366px": ({"viewport": {"width": 1366, "height": 900}}, False),
    "zoom200": ({"viewport": {"width": 683, "height": 450}, "device_scale_factor": 2}, False),
    "zoom200-large": ({"viewport": {"width": 683, "height": 450}, "device_scale_factor": 2}, True),
}


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, live_server):
    options, large = SCREENS[request.param]
    with open_page(browser, live_server, **options) as page:
        watch_layout(page)
        yield Screen(page, "" if request.param == "1366px" else f"-{request.param}", large)


def move_stage(page, label: str, *, typed: bool, slip=False):
    """From the round's page: open the next step's checklist, confirm it, back on the round's page.
    With `slip`, the stage's name is first typed short: the step is refused and focus is on the field."""
    activate(page, f"进入「{label}」阶段…", "link")
    expect(page.locator("#readiness")).to_be_visible()
    skip_to_content(page)
    if typed:  # an irreversible step: the stage's name is typed
        tab_to_field(page, "#confirm-phrase")
        if slip:
            page.keyboard.type(label[:-1])
            tab_to(page, f"进入「{label}」阶段", "button")
            page.keyboard.press("Enter")
            expect(page.locator("#confirm-phrase")).to_be_focused()
            assert urlsplit(page.url).path.endswith("/stage/"), page.url
            page.keyboard.press("End")
        page.keyboard.type(label[-1] if slip else label)
    elif page.locator("#confirm-proceed").count():  # gaps passed over: a tick
        tab_to_field(page, "#confirm-proceed")
        page.keyboard.press("Space")
        expect(page.locator("#confirm-proceed")).to_be_checked()
    activate(page, f"进入「{label}」阶段", "button")
    expect(page.locator(".stagebar li.current")).to_have_text(label)


def test_an_organizer_carries_a_round_from_creation_to_archive_with_the_keyboard_alone(screen):
    page = screen.page
    city = make_city()
    people = make_personas(city)
    make_cadre(city.qingshan, "赵青山", titles=["党委书记"])
    make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"])
    make_cadre(city.liuying, "孙柳营", titles=["党委书记"])
    meeting = timezone.localdate() + dt.timedelta(days=20)

    # The login page is the one address typed; from here on, only keys.
    page.goto(page.base_url + "/login/")
    if screen.large:  # the masthead's button, above the form
        activate(page, "大字", back=True)
        expect(page.locator("html")).to_have_class("large-text")
    start = focused(page)  # the login form takes the focus itself
    assert (start.role, start.name) == ("textbox", "用户名"), start
    assert_focus_drawn(page, start)
    page.keyboard.type("organizer")
    type_into(page, "密码", PASSWORD)
    activate(page, "登录", "button")
    assert page.url == page.base_url + "/"

    skip_to_content(page)
    activate(page, "述职评议", "link", back=True)  # the menu is above the content
    activate(page, "新建一期", "link")
    skip_to_content(page)
    type_into(page, "名称*", "第一期全市乡镇（街道）党政正职述职评议会")
    tab_to(page, "会议日期")
    type_date(page, meeting)
    assert page.locator("#id_meeting_date").input_value() == meeting.isoformat()
    type_into(page, "会议地点", "市委会议中心")
    tab_to(page, "每人发言时间（分钟）*", "spinbutton")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    activate(page, "保存", "button")
    review = Review.objects.get()
    assert urlsplit(page.url).path == f"/reviews/{review.pk}/"

    for unit, name in [("青山镇", "赵青山"), ("文昌街道", "钱文昌"), ("柳营乡", "孙柳营")]:
        skip_to_content(page)
        tab_to(page, "选择要添加的述职人", "combobox")
        choose(page, f"{unit} {name}")
        activate(page, "添加述职人", "button")
        expect(page.locator("#appraisee-table")).to_contain_text(name)
    shot(page, "keyboard-01-preparing" + screen.suffix)
    skip_to_content(page)
    move_stage(page, "报告提交", typed=False)

    # The townships submit their reports; the organizer accepts them on the round's page.
    for appraisee in review.appraisees.all():
        actions.do_submit_report(
            appraisee, people.organizer, text=f"{appraisee.cadre.name}述职报告：今年以来……"
        )
    page.reload()
    skip_to_content(page)
    tab_to(page, "全选待审核的报告", "checkbox")
    page.keyboard.press("Space")
    for name in ["赵青山", "钱文昌", "孙柳营"]:
        expect(page.get_by_role("checkbox", name=f"选择{name}的报告")).to_be_checked()
    activate(page, "通过所选报告", "button")
    expect(page.locator("#appraisee-table .rs-accepted")).to_have_count(3)
    skip_to_content(page)
    move_stage(page, "会议", typed=False)

    # The meeting, run from the console.
    skip_to_content(page)
    activate(page, "会议控制台", "link")
    skip_to_content(page)
    # A button the new state disables or redraws hands its focus on, never to the page's body.
    activate(page, "开始", "button", key="Space", navigates=False)
    expect(page.locator("[data-bind=current-name]")).to_have_text("赵青山")
    expect(page.get_by_role("button", name="暂停")).to_be_focused()
    activate(page, "下一位", "button", navigates=False)
    expect(page.locator("[data-bind=current-name]")).to_have_text("钱文昌")
    expect(page.get_by_role("button", name="下一位")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-bind=current-name]")).to_have_text("孙柳营")
    expect(page.get_by_role("button", name="上一位")).to_be_focused()  # 下一位 is off after the last
    assert_focus_drawn(page, focused(page))
    activate(page, "转到第1位 赵青山", "button", navigates=False)
    expect(page.locator("[data-bind=current-name]")).to_have_text("赵青山")
    expect(page.locator("[data-bind=current-name]")).to_be_focused()  # the speaker now on is read out
    assert_focus_drawn(page, focused(page))
    shot(page, "keyboard-02-console" + screen.suffix)
    skip_to_content(page)
    activate(page, "第1期", "link", back=True)  # the breadcrumb above the heading

    # Evaluators: one group of five, and its slips printed.
    skip_to_content(page)
    activate(page, "民主测评", "link")
    skip_to_content(page)
    activate(page, "设置评议组", "link")
    skip_to_content(page)
    type_into(page, "评议组1名称", "群众代表")
    type_into(page, "评议组1权重", "100", role="spinbutton")
    type_into(page, "评议组1人数", "5", role="spinbutton")
    activate(page, "保存", "button")
    expect(page.locator("#groups")).to_contain_text("群众代表")
    skip_to_content(page)
    tab_to(page, "群众代表生成张数", "spinbutton")
    assert page.evaluate("document.activeElement.value") == "5"  # the head count, none issued yet
    for tick in ["测评表和评议组已核对（生成后冻结）", "仍用此地址"]:  # the live server is a loopback address
        tab_to(page, tick, "checkbox")
        page.keyboard.press("Space")
        assert page.evaluate("document.activeElement.checked"), tick
    tab_to(page, "生成并下载", "button")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    found = CODE.findall("".join(p.extract_text() for p in pdf.pages))
    slips = [f"{a}-{b}" for a, b in zip(found[::2], found[1::2], strict=True)]
    assert len(slips) == 5

    # One slip too many, printed by mistake and voided on its confirmation page.
    page.reload()  # F5: the counts after the download
    skip_to_content(page)
    type_into(page, "群众代表生成张数", "1", role="spinbutton")
    for tick in ["允许超过应到人数", "仍用此地址"]:
        tab_to(page, tick, "checkbox")
        page.keyboard.press("Space")
    tab_to(page, "生成并下载", "button")
    with page.expect_download():
        page.keyboard.press("Enter")
    page.reload()
    skip_to_content(page)
    tab_to(page, "群众代表作废批次", "combobox")
    choose(page, "第2批（未使用 1 张）")
    activate(page, "作废…", "button")
    expect(page.locator("#void-confirm")).to_contain_text("不能撤销")
    skip_to_content(page)
    activate(page, "确认作废 1 张", "button")
    expect(page.locator("#groups tbody tr").first).to_contain_text("群众代表")
    assert [c.inner_text() for c in page.locator("#groups tbody tr").first.locator("td.num").all()] == [
        "100.00", "5", "5", "0", "1"
    ]  # weight, head count, issued, used, voided  # fmt: skip
    skip_to_content(page)
    activate(page, "第1期", "link", back=True)

    skip_to_content(page)
    move_stage(page, "测评", typed=True, slip=True)
    keys = [ballot_actions.appraisee_key(a) for a in review.appraisees.order_by("order")]
    criteria = [c["key"] for c in ballot_actions.form_for(review).criteria]
    for code in slips:
        ratings = {
            key: dict.fromkeys(criteria, level)
            for key, level in zip(keys, ["较好", "一般", "差"], strict=True)
        }
        receipt = ballot_codes.new_receipt()
        ballot_actions.do_submit_ballot(code, ratings, receipt, ballot_codes.receipt_signature(code, receipt))
    page.reload()
    skip_to_content(page)
    move_stage(page, "结果公布", typed=True)

    skip_to_content(page)
    activate(page, "测评结果", "link")
    first = page.locator("#result-table tbody tr").first
    expect(first).to_contain_text("赵青山")
    expect(first).to_contain_text("80.00")  # 较好 from every evaluator
    shot(page, "keyboard-03-results" + screen.suffix)
    skip_to_content(page)
    activate(page, "第1期", "link", back=True)

    skip_to_content(page)
    move_stage(page, "归档", typed=True)
    expect(page.locator("#history tbody tr")).to_have_count(6)  # created, then five moves
    shot(page, "keyboard-04-archived" + screen.suffix)
