"""An evaluator on a 360 px phone: from the slip's QR to the receipt, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from pingyi.ballots import actions
from pingyi.ballots.models import Ballot
from pingyi.reviews import actions as review_actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}  # fmt: skip


@pytest.fixture
def round_open():
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "赵青山"), make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"]),
              make_cadre(city.liuying, "孙柳营"), make_cadre(city.qingshan, "李镇长", titles=["镇长"])]  # fmt: skip
    review = make_review(people.organizer, stage="meeting", appraisees=cadres)
    [group] = actions.do_save_groups(
        review, people.organizer, [{"key": "public", "label": "群众代表", "weight": 100, "head_count": 3}]
    )
    codes = actions.do_issue_tokens(group, people.organizer, 3)
    review_actions.do_move_stage(review, people.organizer, "appraisal")
    return review, codes


def rate_all(page, level_for):
    for fieldset in page.locator("fieldset.appraisee").all():
        key = fieldset.get_attribute("data-key")
        for criterion in fieldset.locator(".criterion").all():
            criterion.locator(f"label.level:has-text('{level_for(key)}')").first.click()


def test_from_the_qr_code_to_the_receipt_on_a_phone(browser, live_server, round_open):
    _review, codes = round_open
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{live_server.url}/v/#{codes[0]}")  # what the QR holds
    page.wait_for_selector("#ballot")
    assert "#" not in page.url  # the code left the address bar
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    shot(page, "phone-01-ballot")

    rate_all(page, lambda key: "好")  # four 好 for everyone: over the quota and uniform
    expect(page.locator("#live")).to_contain_text("超过1人的名额")
    page.click("button:has-text('下一步')")
    assert page.url.endswith("/v/") and page.locator("#ballot").count() == 1  # held on the page
    shot(page, "phone-02-warning")

    rate_all(page, lambda key: {"a01": "好", "a02": "较好", "a03": "一般", "a04": "较好"}[key])
    expect(page.locator("#live")).to_have_text("")
    page.click("button:has-text('下一步')")
    page.wait_for_selector("#confirm")
    shot(page, "phone-03-confirm")
    page.click("#confirm")
    receipt = page.wait_for_selector("#receipt").inner_text()
    shot(page, "phone-04-receipt")
    assert Ballot.objects.get().receipt == receipt
    assert not errors, errors
    context.close()


def test_the_ballot_works_with_javascript_off(browser, live_server, round_open):
    _review, codes = round_open
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/v/")
    page.fill("#code", codes[1].lower().replace("-", " "))  # typed, in lower case, with spaces
    page.click("button:has-text('开始测评')")
    page.wait_for_selector("#ballot")
    page.click("button:has-text('下一步')")  # nothing chosen: the server says why
    assert "还有未评价的项目" in page.inner_text("#server-error")
    rate_all(page, lambda key: {"a01": "较好", "a02": "一般", "a03": "不了解", "a04": "差"}[key])
    page.click("button:has-text('下一步')")
    form = {
        i.get_attribute("name"): i.get_attribute("value") for i in page.locator("form.confirm input").all()
    }
    page.click("#confirm")
    receipt = page.wait_for_selector("#receipt").inner_text()
    # The answer was lost on a weak connection and the phone sends the same form again.
    retry = page.request.post(f"{live_server.url}/v/", form={**form, "step": "submit"})
    assert retry.ok and "您的选票已记录" in retry.text() and receipt in retry.text()
    assert Ballot.objects.count() == 1
    context.close()
