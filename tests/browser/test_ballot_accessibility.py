"""The phone ballot as a screen reader, a keyboard, an older evaluator's eyes and axe meet it.

What a screen reader reads is taken from Playwright's ARIA snapshot (roles and accessible
names computed by Chromium); 200 % zoom on a 360 px phone is a 180 px wide viewport.
"""

import pytest
from playwright.sync_api import expect

from pingyi.ballots.actions import WRONG_CODE, form_for
from pingyi.ballots.models import Ballot
from pingyi.ballots.tests.conftest import _voting, good_ratings, submit
from pingyi.reviews import actions as review_actions

from .axe import assert_accessible
from .conftest import shot
from .test_phone_ballot import PHONE, round_open  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZOOMED = {**PHONE, "viewport": {"width": 180, "height": 370}, "device_scale_factor": 4}  # 200 % of 360 px
# What a finger can hit. Links inside a sentence are exempt (WCAG 2.5.5); the pages have one, on the receipts list.
TARGETS = "input:not([type=hidden]), button, select, textarea, a:not(p a)"


def small_targets(page) -> list:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter((el) => el.getClientRects().length)
            .map((el) => ({what: el.name + " " + (el.value || el.textContent).trim(),
                           width: el.getBoundingClientRect().width, height: el.getBoundingClientRect().height}))
            .filter((t) => t.width < 44 || t.height < 44)""",
        TARGETS,
    )


def spills_sideways(page) -> list:
    """The page scrolls sideways, or some box's content sticks out of it (cut off or over its border).
    A text field is left out: a code longer than the field scrolls inside it, as in any field."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll("main *:not(input)")]
            .filter((el) => el.getClientRects().length && el.scrollWidth > el.clientWidth + 1
                    && getComputedStyle(el).display !== "inline")
            .map((el) => el.tagName + "." + el.className + " " + el.scrollWidth + ">" + el.clientWidth)"""
    )


def check_fits(page, name):
    """No sideways scrolling, every tap target at least 44 × 44 px, nothing for axe; and a screenshot."""
    assert spills_sideways(page) == [], name
    targets = page.locator(TARGETS)
    assert targets.count() and small_targets(page) == [], name
    assert_accessible(page)
    shot(page, f"a11y-ballot-{name}")


def choose(page, pattern):
    """pattern(person_index, criterion_index) -> level label, clicked like a finger would."""
    for i, person in enumerate(page.locator("fieldset.appraisee").all()):
        for j, criterion in enumerate(person.locator("fieldset.criterion").all()):
            level = pattern(i, j)
            if level:
                criterion.get_by_role("radio", name=level, exact=True).check()


def valid(i, j):
    return ["好", "较好", "一般", "较好"][i]


def test_a_screen_reader_hears_whom_and_what_each_level_rates(browser, live_server, round_open):  # noqa: F811
    review, codes = round_open
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    expect(page.locator("main")).to_match_aria_snapshot('- textbox "凭证码"')
    assert_accessible(page)

    # A wrong code: the field, named and marked invalid, takes the focus and is described by the reason.
    page.get_by_role("textbox", name="凭证码").fill("AAAA-BBBB-CCCC-DDDD")
    page.get_by_role("button", name="开始测评").click()
    code = page.get_by_role("textbox", name="凭证码")
    expect(code).to_be_focused()
    expect(page.locator("main")).to_match_aria_snapshot('- textbox "凭证码" [invalid]')
    described = page.evaluate(
        """() => document.activeElement.getAttribute("aria-describedby").split(" ")
            .map((id) => document.getElementById(id).textContent.trim())"""
    )
    assert described[0] == WRONG_CODE
    assert page.title().startswith("出错：")
    assert_accessible(page)

    code.fill(codes[0])
    code.press("Enter")
    page.wait_for_selector("#ballot")
    form = form_for(review)
    levels = "\n".join(f'    - radio "{level["label"]}"' for level in form.scale)
    people = page.locator("fieldset.appraisee").all()
    for appraisee, person in zip(review.appraisees.order_by("order"), people, strict=True):
        # The person is the enclosing group, each criterion a radio group of its own inside it.
        name = f"{appraisee.order} {appraisee.cadre.name} {appraisee.unit.name}{appraisee.title}"
        groups = "\n".join(f'  - radiogroup "{c["label"]}":\n{levels}' for c in form.criteria)
        expect(person).to_match_aria_snapshot(f'- group "{name}":\n{groups}')
    assert_accessible(page)

    # Rule messages go to a polite live region, written only when they change.
    live = page.locator("#live")
    assert live.get_attribute("aria-live") == "polite"
    choose(page, lambda i, j: "好")
    expect(live).to_contain_text("超过1人的名额")
    expect(live).to_contain_text("不能对所有人都评“好”")

    # One criterion left open: sending takes the focus to it, and its group's name says so.
    page.reload()
    choose(page, lambda i, j: None if (i, j) == (3, 3) else valid(i, j))
    page.get_by_role("button", name="下一步：核对").click()
    person = page.get_by_role("group", name="4 李镇长", exact=False)
    open_criterion = person.get_by_role("radiogroup", name=f"{form.criteria[3]['label']} 未评价")
    expect(open_criterion.get_by_role("radio").first).to_be_focused()
    expect(live).to_have_text("还有1位述职人未评价完")
    assert_accessible(page)
    shot(page, "a11y-ballot-unrated")
    open_criterion.get_by_role("radio", name="较好", exact=True).check()
    expect(page.get_by_role("radiogroup", name=form.criteria[3]["label"], exact=True)).to_have_count(4)
    expect(live).to_have_text("")
    # Empty, the region stays in the page: one that appears with its message is not announced.
    assert live.evaluate("(el) => getComputedStyle(el).display") != "none"

    # The server's refusal (what a phone without JavaScript gets) is focused and read as an alert.
    page.reload()
    page.evaluate("document.getElementById('ballot').submit()")  # past the script's own check
    page.wait_for_selector("#server-error")
    expect(page.locator("#server-error")).to_be_focused()
    expect(page.locator("main")).to_match_aria_snapshot("- alert: /还有未评价的项目/")
    expect(page.get_by_role("radiogroup", name=f"{form.criteria[0]['label']} 未评价")).to_have_count(4)
    assert page.title().startswith("请修改：")
    assert_accessible(page)

    choose(page, valid)
    page.get_by_role("button", name="下一步：核对").click()
    page.wait_for_selector("#confirm")
    summary = page.locator("#summary li").first
    expect(summary).to_match_aria_snapshot(
        f"- heading /1 赵青山/ [level=2]\n- term: {form.criteria[0]['label']}\n- definition: 好"
    )
    assert_accessible(page)
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator("#receipt")).to_have_text(Ballot.objects.get().receipt)
    assert_accessible(page)

    # The same code again: the page says so, in its title too.
    page.goto(f"{live_server.url}/v/")
    page.get_by_role("textbox", name="凭证码").fill(codes[0])
    page.get_by_role("button", name="开始测评").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("该凭证已经投过票")
    assert page.title().startswith("该凭证已经投过票")
    assert_accessible(page)
    context.close()


def test_keyboard_alone_from_the_code_to_the_receipt(browser, live_server, round_open):  # noqa: F811
    review, codes = round_open
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="大字")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="凭证码")).to_be_focused()
    page.keyboard.type(codes[1])
    page.keyboard.press("Enter")
    page.wait_for_selector("#ballot")

    form = form_for(review)
    labels = [level["label"] for level in form.scale]
    wanted = {0: "好", 1: "较好", 2: "一般", 3: "较好"}
    page.keyboard.press("Tab")  # 大字
    for i in range(review.appraisees.count()):
        for _criterion in form.criteria:
            page.keyboard.press("Tab")  # into the next radio group, on its first level
            page.keyboard.press("Space")
            for _step in range(labels.index(wanted[i])):
                page.keyboard.press("ArrowRight")  # moves and chooses
            focused = page.evaluate("document.activeElement.value")
            assert focused == wanted[i]
            # Focus stays visible: the chosen level's box carries the focus ring.
            ring = page.evaluate("getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")
            assert ring == "solid"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="下一步：核对")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_selector("#confirm")
    page.keyboard.press("Tab")  # 大字
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="确认提交")).to_be_focused()
    page.keyboard.press("Enter")
    receipt = page.wait_for_selector("#receipt").inner_text()
    ballot = Ballot.objects.get()
    assert ballot.receipt == receipt
    assert {key: set(r.values()) for key, r in ballot.ratings.items()} == {
        "a01": {"好"}, "a02": {"较好"}, "a03": {"一般"}, "a04": {"较好"}
    }  # fmt: skip
    context.close()


def walk_to_the_receipt(page, code, name):
    """From the code page to the receipt, checking each page on the way."""
    check_fits(page, f"{name}-code")
    page.get_by_role("textbox", name="凭证码").fill(code)
    page.get_by_role("button", name="开始测评").click()
    page.wait_for_selector("#ballot")
    check_fits(page, f"{name}-ballot")
    choose(page, valid)
    page.get_by_role("button", name="下一步：核对").click()
    page.wait_for_selector("#confirm")
    check_fits(page, f"{name}-confirm")
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_selector("#receipt")
    check_fits(page, f"{name}-receipt")


def test_larger_type_survives_a_reload_and_every_page_fits_at_200_percent(browser, live_server, round_open):  # noqa: F811
    _review, codes = round_open
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    root_size = "getComputedStyle(document.documentElement).fontSize"
    assert page.evaluate(root_size) == "16px"
    page.get_by_role("button", name="大字").click()
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(root_size) == "20px"
    page.reload()
    assert page.evaluate(root_size) == "20px"  # drawn large by the server, not after the script
    expect(page.get_by_role("button", name="大字")).to_have_attribute("aria-pressed", "true")
    # All the phone keeps is the choice itself.
    assert [(c["name"], c["value"]) for c in context.cookies()] == [("pingyi_text", "large")]
    walk_to_the_receipt(page, codes[0], "large")
    assert page.evaluate(root_size) == "20px"
    page.get_by_role("button", name="大字").click()  # and back
    assert page.evaluate(root_size) == "16px" and context.cookies() == []
    context.close()

    context = browser.new_context(**ZOOMED)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    walk_to_the_receipt(page, codes[1], "zoom200")
    context.close()

    # Without JavaScript the code page's switch is a plain link-like form, and the ballot follows it.
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    page.get_by_role("button", name="大字").click()
    page.wait_for_url("**/v/?text=large")
    page.get_by_role("textbox", name="凭证码").fill(codes[2])
    page.get_by_role("button", name="开始测评").click()
    page.wait_for_selector("#ballot")
    assert "large-text" in (page.locator("html").get_attribute("class") or "")
    # Without the script the switch would leave the ballot: it is not offered there.
    assert not page.get_by_role("button", name="大字").is_visible()
    context.close()

    # Both at once: 200 % zoom and 大字 (opening a ballot above spent nothing of its code).
    context = browser.new_context(**ZOOMED)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/?text=large")
    walk_to_the_receipt(page, codes[2], "zoom200-large")
    assert page.evaluate(root_size) == "20px"
    context.close()


def test_the_receipts_list_reads_well_large_and_zoomed(browser, live_server):
    voting = _voting()
    receipts = [submit(code, good_ratings(first=["较好", "一般"][i % 2])).receipt
                for i, code in enumerate(voting.codes["leaders"] + voting.codes["public"])]  # fmt: skip
    review_actions.do_move_stage(voting.review, voting.people.organizer, "published")
    url = f"{live_server.url}/v/receipts/{voting.review.number}/"
    for name, options in (("phone", PHONE), ("zoom200", ZOOMED)):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(url)
        check_fits(page, f"receipts-{name}")
        page.get_by_role("textbox", name="查找您的回执码").fill(receipts[3].lower())
        page.get_by_role("button", name="查找").click()
        expect(page.get_by_role("status")).to_contain_text(receipts[3])
        page.get_by_role("button", name="大字").click()
        page.reload()
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"
        check_fits(page, f"receipts-{name}-found-large")
        context.close()
