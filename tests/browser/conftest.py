"""Browser tests: Playwright for Python driving Debian's chromium, never a downloaded browser."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pingyi.testing import PASSWORD

from .axe import Watch, check_open_pages, watch_context

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium 未安装：请运行 scripts/ensure-system.sh（make test 会自动运行）")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def axe_watch(request):
    """Every context a test opens is checked with axe (tests/browser/axe.py); fail on any violation."""
    if "browser" not in request.fixturenames:
        yield None
        return
    browser = request.getfixturevalue("browser")
    watch = Watch()
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        return watch_context(context, watch, scripts=kwargs.get("java_script_enabled") is not False)

    browser.new_context = watched_context
    try:
        yield watch
    finally:
        browser.new_context = new_context
    for context in watch.contexts:
        check_open_pages(context, watch)
    assert not watch.failures(), "axe (WCAG 2.0/2.1 A, AA):\n" + watch.failures()


@pytest.fixture
def page(browser, live_server):
    with open_page(browser, live_server, viewport={"width": 1366, "height": 900}) as page:
        yield page


@contextmanager
def open_page(browser, live_server, **options):
    """A page in a new context (`options` for it: viewport, device_scale_factor…), failing on exit
    on a script error or an unexpected console error."""
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **options)
    page = context.new_page()
    problems = []
    # A CSP violation or a script error is a defect even when the page looks fine.
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.base_url = live_server.url
    page.expected_statuses = set()  # a test that expects a 4xx page says so
    yield page
    context.close()
    unexpected = [p for p in problems if not any(f"status of {s} " in p for s in page.expected_statuses)]
    assert not unexpected, unexpected


def login(page, username, password=PASSWORD):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(page.base_url + "/")


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def move_stage(page, label):
    """From a round's page, take the next step as an organizer who has read the checklist."""
    page.click(f"#next-stage:has-text('{label}')")
    page.wait_for_selector("#readiness")
    if page.locator("#confirm-phrase").count():
        page.fill("#confirm-phrase", label)
    if page.locator("#confirm-proceed").count():
        page.check("#confirm-proceed")
    page.click("#confirm-stage")
