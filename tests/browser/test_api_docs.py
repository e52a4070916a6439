"""/api/docs in the browser: the site's own page, axe-clean (the harness checks every goto), readable on
a phone without sideways scrolling of the page (wide tables scroll inside themselves), and usable with
JavaScript off."""

import pytest
from playwright.sync_api import expect

from pingyi.testing import make_city, make_personas

from .conftest import login, shot
from .keyboard import activate, focused, skip_to_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def spill(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_api_reference_reads_on_a_laptop_and_a_phone(page, browser, live_server):
    make_personas(make_city())
    login(page, "organizer")
    page.goto(page.base_url + "/api/docs")
    expect(page.locator("h1")).to_contain_text("接口文档")
    assert spill(page) <= 0
    shot(page, "api-docs-1366")
    # By keyboard, the contents lead to each operation, and its structures to their tables.
    page.reload()
    skip_to_content(page)
    activate(page, "GET /api/v1/cadres/{cadre_id} 干部详情", "link", navigates=False)
    expect(page).to_have_url(page.base_url + "/api/docs#pingyi_org_api_get_cadre")
    expect(page.locator("#pingyi_org_api_get_cadre h3")).to_be_in_viewport()
    page.keyboard.press("Tab")  # on from the operation just reached, not from the contents
    assert (focused(page).role, focused(page).name) == ("link", "CadreDetailOut"), str(focused(page))
    page.keyboard.press("Enter")
    expect(page.locator("#schema-CadreDetailOut")).to_be_in_viewport()

    for scripts in (True, False):
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="zh-CN", java_script_enabled=scripts
        )
        narrow = phone.new_page()
        narrow.goto(live_server.url + "/api/docs")  # anyone may read it, as before
        expect(narrow.locator("#auth")).to_contain_text("Authorization: Bearer pyt_…")
        assert spill(narrow) <= 0, f"/api/docs scrolls sideways at 360 px by {spill(narrow)} px"
        shot(narrow, f"api-docs-360{'' if scripts else '-noscript'}")
        phone.close()
