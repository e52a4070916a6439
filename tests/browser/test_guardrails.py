"""A new organizer's round: every step forward shows what is not ready, slips and the console say what they do."""

import pytest
from playwright.sync_api import expect

from pingyi.ballots import actions as ballot_actions
from pingyi.reviews import actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_checklist_console_and_slips_as_a_new_organizer_meets_them(page):
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "赵青山"), make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"]),
              make_cadre(city.liuying, "孙柳营")]  # fmt: skip
    review = make_review(people.organizer, stage="reporting", appraisees=cadres)
    actions.do_submit_report(review.appraisees.get(order=1), people.clerk, text="青山镇述职报告")
    (group,) = ballot_actions.do_save_groups(
        review, people.organizer, [{"key": "leaders", "label": "市领导", "weight": 100, "head_count": 5}]
    )
    ballot_actions.do_issue_tokens(group, people.organizer, 3)
    login(page, "organizer")

    # 会议: two reports missing, one unreviewed; the step can be undone, so a tick suffices.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    page.click("#next-stage")
    expect(page.locator("#readiness")).to_contain_text("2 位述职人尚未提交述职报告")
    expect(page.locator("#readiness")).to_contain_text("1 份述职报告待审核：赵青山")
    shot(page, "guard-01-checklist")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "guard-01-checklist-360")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.check("#confirm-proceed")
    page.click("#confirm-stage")
    page.wait_for_selector(".stagebar li.current:has-text('会议')")

    # The console: not started, then running, paused, and a jump to the third speaker.
    page.click("text=会议控制台")
    expect(page.locator("#run-status")).to_have_text("未开始")
    expect(page.locator("button[data-command=pause]")).to_be_disabled()
    page.click("button[data-command=start]")
    expect(page.locator("#run-status")).to_have_text("计时中")
    expect(page.locator("#time-used")).to_contain_text("/ 共 08:00")
    page.click("button[data-command=pause]")
    expect(page.locator("#run-status")).to_have_text("已暂停")
    expect(page.locator("button[data-command=resume]")).to_be_enabled()
    page.click("#agenda button[aria-label^='转到第3位']")
    expect(page.locator(".now .who")).to_have_text("孙柳营")
    expect(page.locator("#run-status")).to_have_text("计时中")
    expect(page.locator("button[data-command=next]")).to_be_disabled()  # the last speaker
    shot(page, "guard-02-console")

    # Slips: the missing two proposed; voiding a batch asks first and names it.
    page.goto(f"{page.base_url}/reviews/{review.pk}/ballots/")
    expect(page.locator("#address-warning")).to_contain_text("指向服务器本机")
    assert page.locator(f"#count-{group.pk}").input_value() == "2"
    page.select_option(f"#batch-{group.pk}", "1")
    page.click("#groups button.danger")
    expect(page.locator("#void-confirm")).to_contain_text("将作废市领导第1批未使用的凭证，共 3 张")
    shot(page, "guard-03-void-confirm")
    page.click("#confirm-void")
    expect(page.locator(".msg-success")).to_contain_text("已作废市领导第1批未使用的凭证 3 张")
    assert page.locator(f"#count-{group.pk}").input_value() == "5"

    # 测评 cannot be undone: the stage's name is typed; a wrong word is refused and kept.
    page.goto(f"{page.base_url}/reviews/{review.pk}/")
    page.click("#next-stage")
    expect(page.locator("#readiness")).to_contain_text("尚未生成测评凭证：市领导")
    page.expected_statuses.add(409)
    page.fill("#confirm-phrase", "测")
    page.evaluate("document.getElementById('confirm-phrase').removeAttribute('pattern')")
    page.click("#confirm-stage")
    expect(page.locator(".msg-error")).to_contain_text("此步骤不能撤销，请在确认框中输入“测评”")
    assert page.locator("#confirm-phrase").input_value() == "测"
    shot(page, "guard-04-typed-confirmation")
    page.fill("#confirm-phrase", "测评")
    page.click("#confirm-stage")
    page.wait_for_selector(".stagebar li.current:has-text('测评')")


def test_the_big_screen_stops_polling_once_nothing_can_change(page):
    city = make_city()
    people = make_personas(city)
    review = make_review(people.organizer, stage="meeting", appraisees=[make_cadre(city.qingshan, "赵青山")])
    asked = []
    page.on("request", lambda r: "/screen/state.json" in r.url and asked.append(r.url))
    login(page, "leader")

    # The meeting: the screen follows the console, asking every second.
    page.goto(f"{page.base_url}/reviews/{review.pk}/screen/")
    page.wait_for_timeout(2600)
    assert len(asked) >= 2
    # Voting ends while the screen is open: at its next poll it stops.
    actions.do_move_stage(review, people.organizer, "appraisal")
    actions.do_move_stage(review, people.organizer, "published")
    expect(page.locator("[data-bind=current-order]")).to_have_text("会议已结束", timeout=5000)
    settled = len(asked)
    page.wait_for_timeout(2600)
    assert len(asked) == settled

    # Archived: the page is drawn once and never asks.
    actions.do_move_stage(review, people.organizer, "archived")
    asked.clear()
    page.goto(f"{page.base_url}/reviews/{review.pk}/screen/")
    expect(page.locator("[data-bind=current-order]")).to_have_text("会议已结束")
    assert page.locator("#meeting").get_attribute("data-state-url") is None
    page.wait_for_timeout(2600)
    assert asked == []
    shot(page, "guard-05-archived-screen")
