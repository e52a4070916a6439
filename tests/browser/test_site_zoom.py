"""The management site at 200 % zoom and in 大字: no sideways scrolling, the choice kept over a reload,
and the skip link first on every page. 200 % of a 1366 px screen is a 683 px wide page at twice the
pixels; 大字 on top of it is a quarter larger again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from pingyi.reviews import actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .axe import assert_accessible
from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/tmp/shots/a11ysite"


def spill(page):
    """How many CSS pixels the page reaches past the window's right edge (0: nothing to scroll to)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def zoomed(browser, live_server):
    context = browser.new_context(
        viewport={"width": 683, "height": 450}, device_scale_factor=2, locale="zh-CN"
    )
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def test_every_kind_of_page_reads_at_200_percent_and_in_large_type_without_sideways_scrolling(zoomed):
    page = zoomed
    city = make_city()
    people = make_personas(city)
    review = make_review(
        people.organizer, stage="reporting", appraisees=[make_cadre(city.qingshan, "赵青山")]
    )
    appraisee = review.appraisees.get()
    actions.do_submit_report(appraisee, people.clerk, text="一年来，镇党委坚持……")
    pages = {
        "home": "/", "cadres": "/cadres/", "units": "/units/", "stats": "/stats/",
        "rounds": "/reviews/", "round": reverse("review_detail", args=[review.pk]),
        "appraisee": reverse("appraisee_detail", args=[appraisee.pk]),
        "users": reverse("user_list"), "account": reverse("account"), "indicators": "/indicators/",
    }  # fmt: skip
    login(page, "organizer")
    for large in (False, True):
        for name, url in pages.items():
            page.goto(page.base_url + url)
            assert spill(page) <= 0, (
                f"{url} scrolls sideways by {spill(page)} px ({'大字' if large else '200 %'})"
            )
            if name in ("round", "cadres", "appraisee"):
                shot(page, f"zoom-{name}-{'large' if large else 'normal'}")
                page.screenshot(path=f"{SHOTS}/zoom200-{name}{'-large' if large else ''}.png", full_page=True)
        if not large:
            page.click("#text-size button")  # 大字
            expect(page.locator("html")).to_have_class("large-text")
            expect(page.locator("#text-size button")).to_have_attribute("aria-pressed", "true")

    # The choice survives a reload and a new visit, and undoes with the same button.
    page.reload()
    expect(page.locator("html")).to_have_class("large-text")
    font = page.evaluate("getComputedStyle(document.body).zoom")
    assert float(font) == 1.25
    page.click("#text-size button")
    expect(page.locator("html")).not_to_have_class("large-text")
    page.reload()
    expect(page.locator("html")).not_to_have_class("large-text")
    assert_accessible(page)


def test_the_first_tab_stop_skips_to_the_content(page):
    make_personas(make_city())
    login(page, "clerk")
    page.goto(page.base_url + "/cadres/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("跳到正文")
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is the page's own first control, not the menu
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert page.title().startswith("干部名册 · ")  # the title says where one is
