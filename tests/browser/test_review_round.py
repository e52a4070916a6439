import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingyi.reviews.models import Review
from pingyi.testing import make_cadre, make_city, make_personas

from .conftest import login, move_stage, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_stage(page, label):
    move_stage(page, label)
    page.wait_for_selector(f".stagebar li.current:has-text('{label}')")


def test_an_organizer_runs_a_round_from_creation_to_archive(page):
    city = make_city()
    make_personas(city)
    make_cadre(city.qingshan, "赵青山", titles=["党委书记"])
    make_cadre(city.wenchang, "钱文昌", titles=["党工委书记"], birth=dt.date(1985, 3, 1))
    make_cadre(city.liuying, "孙柳营", titles=["党委书记"], birth=dt.date(1968, 9, 1))
    login(page, "organizer")

    page.click("nav >> text=述职评议")
    page.click("text=新建一期")
    page.fill("#id_title", "第一期全市乡镇（街道）党政正职述职评议会")
    page.fill("#id_meeting_date", "2026-12-01")
    page.fill("#id_venue", "市委会议中心")
    page.fill("#id_speaking_minutes", "1")
    page.click("form button.primary")
    for unit, name in [("青山镇", "赵青山"), ("文昌街道", "钱文昌"), ("柳营乡", "孙柳营")]:
        page.select_option("#add-appraisee select", label=f"{unit} {name}")
        page.click("#add-appraisee button")
        page.wait_for_selector(f"#appraisee-table >> text={name}")
    shot(page, "review-01-preparing")
    post_stage(page, "报告提交")

    for name in ["赵青山", "钱文昌", "孙柳营"]:
        page.click(f"#appraisee-table >> text={name}")
        page.fill("#report-form textarea", f"{name}述职报告：今年以来，坚持发展第一要务……")
        page.click("#report-form button.primary")
        page.wait_for_selector(".msg-success")
        page.click("#report-versions button.primary")  # 通过
        page.wait_for_selector("#report-versions .rs-accepted")
        page.click(".crumbs >> text=第1期")
    shot(page, "review-02-reports")
    post_stage(page, "会议")

    page.click("text=会议控制台")
    page.wait_for_selector("#meeting")
    screen = page.context.new_page()
    screen.set_viewport_size({"width": 1920, "height": 1080})
    screen.goto(page.url.replace("/meeting/", "/screen/"))
    screen.wait_for_selector(".screen-agenda li")
    assert screen.inner_text(".screen-main .label") == "等待开始"

    page.click("button[data-command=start]")
    expect(screen.locator(".speaker .who")).to_have_text("赵青山", timeout=2000)
    assert "青山镇" in screen.inner_text(".speaker .where")
    # One minute each: the countdown already warns.
    screen.wait_for_selector(".screen-main .clock.warning", timeout=2000)
    shot(screen, "review-03-screen-first-speaker")

    page.click("button[data-command=next]")
    expect(screen.locator(".speaker .who")).to_have_text("钱文昌", timeout=2000)
    page.click("button[data-command=pause]")
    expect(screen.locator(".clock-note")).to_have_text("已暂停", timeout=2000)
    page.click("button[data-command=resume]")
    page.click("button[data-command=next]")
    expect(screen.locator(".speaker .who")).to_have_text("孙柳营", timeout=2000)
    # Thirty seconds over time: the clock counts up in red.
    Review.objects.update(clock_started_at=timezone.now() - dt.timedelta(seconds=90), screen_version=99)
    screen.wait_for_selector(".screen-main .clock.overtime", timeout=2000)
    assert screen.inner_text(".screen-main .clock").startswith("+00:3")
    shot(screen, "review-04-screen-overtime")
    shot(page, "review-05-control")
    screen.close()

    page.click(".crumbs >> text=第1期")
    for label in ["测评", "结果公布", "归档"]:
        post_stage(page, label)
    assert page.locator("#history tbody tr").count() == 6  # created, then five moves
    shot(page, "review-06-archived")


def test_the_big_screen_shows_the_speakers_township_profile(page):
    import io

    from django.core.management import call_command

    from pingyi.accounts.models import User
    from pingyi.org.models import Cadre
    from pingyi.reviews import actions
    from pingyi.testing import make_review

    call_command("load_demo", stdout=io.StringIO())
    organizer = User.objects.get(username="zzb")
    speakers = list(
        Cadre.objects.chiefs()
        .filter(posts__title="党委书记", posts__end__isnull=True)
        .exclude(appraisals__isnull=False)[:2]
    )
    review = make_review(
        organizer,
        stage="meeting",
        appraisees=speakers,
        number=3,
        title="第三期全市乡镇（街道）党政正职述职评议会",
    )
    actions.do_meeting(review, organizer, "start")
    login(page, "zzb", "pingyi-demo")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/reviews/{review.pk}/screen/")
    expect(page.locator(".speaker .who")).to_have_text(speakers[0].name, timeout=2000)
    page.wait_for_selector("#profile-box .ind-screen-radar canvas", timeout=5000)
    assert speakers[0].unit.name in page.inner_text("#profile-box")
    shot(page, "review-07-screen-with-profile")
    actions.do_meeting(review, organizer, "next")
    expect(page.locator("#profile-box h2")).to_contain_text(speakers[1].unit.name, timeout=3000)
