"""The pages a leader, liaison or clerk uses fit a 360 px phone; results, 催报, roster and problem lists print on A4."""

import datetime as dt
import io
import shutil
import subprocess
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pingyi.ballots import actions as ballot_actions
from pingyi.ballots import codes as ballot_codes
from pingyi.indicators.actions import do_enter_values
from pingyi.indicators.models import Indicator
from pingyi.reviews import actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import SCREENSHOTS, login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}  # fmt: skip


@pytest.fixture
def city_with_rounds():
    city = make_city()
    people = make_personas(city)
    cadres = [make_cadre(city.qingshan, "赵青山"), make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"]),
              make_cadre(city.liuying, "孙柳营")]  # fmt: skip
    organizer = people.organizer
    first = make_review(
        organizer, stage="meeting", appraisees=cadres, title="第一期全市乡镇（街道）党政正职述职评议会"
    )
    groups = ballot_actions.do_save_groups(first, organizer, [
        {"key": "leaders", "label": "市领导", "weight": 40, "head_count": 5},
        {"key": "public", "label": "群众代表", "weight": 60, "head_count": 6},
    ])  # fmt: skip
    slips = [code for g in groups for code in ballot_actions.do_issue_tokens(g, organizer, g.head_count)]
    actions.do_move_stage(first, organizer, "appraisal")
    criteria = ["development", "livelihood", "safety", "party"]
    for i, code in enumerate(slips):
        ratings = {"a01": dict.fromkeys(criteria, "好" if i % 3 == 0 else "较好"),
                   "a02": dict.fromkeys(criteria, "较好"), "a03": dict.fromkeys(criteria, "一般")}  # fmt: skip
        receipt = ballot_codes.new_receipt()
        ballot_actions.do_submit_ballot(code, ratings, receipt, ballot_codes.receipt_signature(code, receipt))
    actions.do_move_stage(first, organizer, "published")
    today = timezone.localdate()
    for a in first.appraisees.all():
        problem = actions.do_add_problem(a, organizer, area="development", source="evaluators",
                                         description=f"{a.unit.name}产业结构单一，新兴产业培育不足，带动就业能力不强",
                                         measure="引进培育两家规模以上企业", owner="镇长",
                                         deadline=today + dt.timedelta(days=60))  # fmt: skip
        actions.do_add_progress(problem, organizer, text="已完成招商对接三次", status="in_progress")
    second = make_review(organizer, stage="reporting", appraisees=cadres, number=2,
                         title="第二期全市乡镇（街道）党政正职述职评议会",
                         report_deadline=timezone.now() + dt.timedelta(days=5))  # fmt: skip
    year = today.year - 1
    do_enter_values(city.qingshan, year, {Indicator.objects.get(key="gdp"): Decimal("23.4")}, people.clerk)
    return city, people, first, second, year


def signed_in(browser, live_server, role, **options):
    """A new browser context (a phone unless told otherwise) and its page, logged in as `role`."""
    context = browser.new_context(**(options or PHONE))
    page = context.new_page()
    page.base_url = live_server.url
    login(page, role)
    return context, page


def fits(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def culprits(page) -> list[str]:
    """The innermost elements reaching past the screen's right edge, to say what to fix."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361 && !e.closest('table') && ![...e.children].some(
            c => c.getBoundingClientRect().right > 361))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)""")


def test_the_pages_of_every_role_fit_a_360_px_phone(browser, live_server, city_with_rounds):
    city, _people, first, second, year = city_with_rounds
    qingshan = second.appraisees.get(unit=city.qingshan)
    problem = first.appraisees.get(unit=city.qingshan).problems.get()
    pages = {
        "clerk": [("home", "/"), ("round", f"/reviews/{second.pk}/"),
                  ("report-upload", reverse("appraisee_detail", args=[qingshan.pk])),
                  ("results", reverse("ballot_results", args=[first.pk])),
                  ("problem", reverse("problem_detail", args=[problem.pk])),
                  ("rectification", reverse("rectification")),
                  ("indicator-entry", reverse("indicator_entry", args=[city.qingshan.pk, year]))],
        "liaison": [("home", "/"), ("reminders", reverse("review_reminders", args=[second.pk])),
                    ("problems", reverse("round_problems", args=[first.pk]))],
        "leader": [("home", "/"), ("round", f"/reviews/{first.pk}/"),
                   ("results", reverse("ballot_results", args=[first.pk])),
                   ("appraisee", reverse("appraisee_detail", args=[first.appraisees.get(order=1).pk]))],
        # The organizer's pages too: none of them may push the page sideways either.
        "organizer": [("home", "/"), ("round", f"/reviews/{second.pk}/"),
                      ("stage", reverse("review_stage", args=[second.pk])),
                      ("ballots", reverse("ballots_overview", args=[first.pk])),
                      ("add-speakers", reverse("add_speakers", args=[second.pk])),
                      ("reviews", reverse("review_list")), ("cadres", reverse("cadre_list")),
                      ("units", reverse("unit_tree")),
                      ("stats", reverse("stats")), ("indicators", reverse("indicators")), ("audit", reverse("audit")),
                      ("dupcheck", reverse("dupcheck")), ("indicator-review", reverse("indicator_review_list"))],
    }  # fmt: skip
    wide = {}
    for role, visits in pages.items():
        context, phone = signed_in(browser, live_server, role)
        for name, path in visits:
            response = phone.goto(live_server.url + path)
            assert response.status == 200, (role, name)
            phone.wait_for_load_state("networkidle")
            width = fits(phone)
            if width > 360:
                wide[f"{role}-{name}"] = (width, culprits(phone))
            shot(phone, f"phone-{role}-{name}")
        context.close()
    assert wide == {}, f"pages wider than 360 px: {wide}"


RECORD_TABLES = """() => [...document.querySelectorAll('table.cards')].map(t => ({
    id: t.id, labelled: t.classList.contains('labelled'), overflow: t.scrollWidth - t.clientWidth,
    right: Math.round(t.getBoundingClientRect().right), head: getComputedStyle(t.tHead).position}))"""


def test_on_a_phone_records_read_as_cards_with_each_value_under_its_name(
    browser, live_server, city_with_rounds
):
    city, _people, first, second, _year = city_with_rounds
    visits = {
        "leader": [("results", reverse("ballot_results", args=[first.pk])), ("round", f"/reviews/{first.pk}/"),
                   ("appraisee", reverse("appraisee_detail", args=[first.appraisees.get(unit=city.qingshan).pk]))],
        "liaison": [("problems", reverse("round_problems", args=[first.pk])),
                    ("reminders", reverse("review_reminders", args=[second.pk]))],
        "clerk": [("round", f"/reviews/{second.pk}/"), ("rectification", reverse("rectification"))],
    }  # fmt: skip
    for role, pages in visits.items():
        context, phone = signed_in(browser, live_server, role)
        for name, path in pages:
            phone.goto(live_server.url + path)
            tables = phone.evaluate(RECORD_TABLES)
            assert tables, (role, name)  # every page here lists records
            for table in tables:
                # Nothing to scroll sideways, not even inside the table; the header row is out of sight.
                assert table["labelled"] and table["overflow"] <= 1 and table["right"] <= 360, (
                    role,
                    name,
                    table,
                )
                assert table["head"] == "absolute", (role, name, table)
            shot(phone, f"cards-{role}-{name}")
        if role == "leader":
            phone.goto(live_server.url + reverse("ballot_results", args=[first.pk]))
            score = phone.locator("#result-table tbody tr").first.locator("td").nth(3)
            assert score.get_attribute("data-label") == "得分"
            shown = score.evaluate("td => getComputedStyle(td, '::before').content")
            assert shown == '"得分"'  # the value is read after its column's name
        context.close()
    # On a wide screen the same page keeps its table: a header row and one line per record.
    context, wide = signed_in(browser, live_server, "leader", viewport={"width": 1366, "height": 900})
    wide.goto(live_server.url + reverse("ballot_results", args=[first.pk]))
    assert wide.locator("#result-table thead").evaluate("h => getComputedStyle(h).position") == "static"
    assert (
        wide.locator("#result-table tbody tr").first.evaluate("tr => getComputedStyle(tr).display")
        == "table-row"
    )
    context.close()


def pdf_of(page, url, name) -> str:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    data = page.pdf(format="A4", prefer_css_page_size=True, print_background=False)
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"{name}.pdf").write_bytes(data)
    if shutil.which("pdftoppm"):  # a picture of the first page, to look at
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(SCREENSHOTS / f"{name}.pdf"), str(SCREENSHOTS / name)], check=True)  # fmt: skip
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)  # A4
    # The PDF's text comes out with some characters as their radical forms (⻘ for 青): read it back.
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
    return text.translate(str.maketrans("⻘⺠⻓⻔⻢", "青民长门马"))


def test_results_reminders_roster_and_problem_lists_print_on_a4(page, city_with_rounds):
    _city, _people, first, second, _year = city_with_rounds
    login(page, "organizer")
    printed_on = f"打印日期:{timezone.localdate():%Y年%-m月%-d日}"  # NFKC: the colon is half-width
    text = pdf_of(page, page.base_url + reverse("ballot_results", args=[first.pk]), "print-results")
    assert "测评结果" in text and "赵青山" in text and printed_on in text and "— 1 —" in text
    assert "退出" not in text and "操作日志" not in text  # no masthead or navigation on paper
    text = pdf_of(page, page.base_url + reverse("review_reminders", args=[second.pk]), "print-reminders")
    assert "关于催报述职报告的通知" in text and "孙柳营" in text and printed_on in text and "— 1 —" in text
    assert "中共示例市委组织部" in text and "导出 Excel" not in text
    text = pdf_of(page, page.base_url + reverse("round_problems", args=[first.pk]), "print-problems")
    assert "问题清单" in text and "产业结构单一" in text and "— 1 —" in text and "设置" not in text
    text = pdf_of(page, page.base_url + reverse("cadre_list"), "print-roster")
    assert "干部名册" in text and "赵青山" in text and printed_on in text and "— 1 —" in text
