import io

import openpyxl
import pytest
from django.core.management import call_command

from pingyi.indicators.analysis import Dataset
from pingyi.indicators.profile import township_profile
from pingyi.lib.demo_clock import indicator_years
from pingyi.org.models import Unit

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_reads_a_township_profile_and_its_big_screen(page):
    call_command("load_demo", stdout=io.StringIO())
    login(page, "zzb", "pingyi-demo")
    page.goto(page.base_url + "/indicators/")
    assert page.inner_text("#speech-text").startswith(
        "全市乡镇每万人口病床数、教育机构数、专任教师数和公共文化服务设施建筑面积均低于市均"
    )
    assert page.locator("#township-table tbody tr").count() == 80
    shot(page, "indicators-01-overview")

    township = Unit.objects.townships().get(
        kind="镇", name=page.inner_text("#township-table tbody tr:nth-child(30) a")
    )
    page.click("#township-table tbody tr:nth-child(30) a")
    page.wait_for_selector("#profile-radar canvas")
    page.wait_for_selector("[data-chart=gaps] canvas")
    years = list(indicator_years())
    profile = township_profile(Dataset(years), township, years[-1])
    gaps = page.locator("#gaps li").all_inner_texts()
    assert gaps == [line.sentence() for line in profile.gaps]
    assert page.locator("#strengths li").all_inner_texts() == [line.sentence() for line in profile.strengths]
    shot(page, "indicators-02-profile")

    page.click("#area-2 a >> text=每万人口医疗机构床位数")
    page.wait_for_selector("[data-chart=ranking] canvas")
    page.click("#indicator-table thead >> text=乡镇（街道）")
    names = page.locator("#indicator-table tbody tr td:first-child").all_inner_texts()
    assert names == sorted(names) and len(names) == 80
    shot(page, "indicators-03-table")

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(page.base_url + f"/indicators/profile/{township.pk}/screen/preview/")
    page.wait_for_selector(".ind-screen-radar canvas")
    assert page.locator(".ind-screen .gaps li").count() == len(profile.gaps)
    shot(page, "indicators-04-big-screen")


def test_the_fragment_draws_its_radar_when_htmx_swaps_it_in(page):
    call_command("load_demo", stdout=io.StringIO())
    login(page, "zzb", "pingyi-demo")
    first, second = Unit.objects.townships().order_by("code")[:2]
    # A host page that loads echarts and indicator_charts.js, as the lead's big screen will.
    page.goto(page.base_url + f"/indicators/profile/{second.pk}/")
    # What the big screen does: swap the current speaker's fragment into a container.
    page.evaluate(
        """url => {
            const box = document.createElement("div");
            box.id = "speaker";
            box.setAttribute("hx-get", url);
            box.setAttribute("hx-trigger", "load");
            document.querySelector("main").prepend(box);
            htmx.process(box);
        }""",
        f"/indicators/profile/{first.pk}/screen/",
    )
    page.wait_for_selector(f"#indicator-screen-{first.pk} .ind-screen-radar canvas")
    # The next speaker replaces the first; the new radar is drawn, the old chart goes with its element.
    page.evaluate(
        "url => htmx.ajax('GET', url, {target: '#speaker', swap: 'innerHTML'})",
        f"/indicators/profile/{second.pk}/screen/",
    )
    page.wait_for_selector(f"#indicator-screen-{second.pk} .ind-screen-radar canvas")
    assert page.locator(f"#indicator-screen-{first.pk}").count() == 0
    shot(page, "indicators-05-htmx-fragment")


def test_a_years_workbook_goes_out_and_comes_back_unchanged(page, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    login(page, "zzb", "pingyi-demo")
    page.goto(page.base_url + f"/indicators/entry/?year={indicator_years()[1]}")
    with page.expect_download() as download:
        page.click("#export-link")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    assert openpyxl.load_workbook(path)["指标数据"].max_row == 81

    page.goto(page.base_url + "/indicators/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("text=上传并检查")
    page.wait_for_selector("#counts")
    cells = page.locator("#counts tbody td").all_inner_texts()
    assert cells[0] == "80" and cells[1] == "0" and cells[2] == "0" and int(cells[3]) > 2000
    shot(page, "indicators-06-import-preview")
    page.click("text=确认导入")
    page.wait_for_selector("text=导入完成：新增 0 项，修改 0 项")
