"""The 基本情况统计表, the changes and the 讲话素材 on the demo city, checked against a count made here."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from pingyi.org.models import Post
from pingyi.reviews.models import Review

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hand_count() -> dict:
    """The demo chiefs counted here in Python, today, as statistics.md defines the table."""
    today = timezone.localdate()
    cadres = {
        p.cadre.pk: p.cadre
        for p in Post.objects.valid_on(today).filter(is_chief=True).select_related("cadre")
    }
    ages = [today.year - c.birth.year - (c.birth.month > today.month) for c in cadres.values()]
    return {
        "count": len(cadres),
        "party": sum(c.political_status in ("中共党员", "中共预备党员") for c in cadres.values()),
        "age_51_54": sum(51 <= a <= 54 for a in ages),
        "age_55_59": sum(55 <= a <= 59 for a in ages),
    }


def test_the_table_the_changes_and_the_speech_material(page, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    expected = hand_count()
    login(page, "zzb", "pingyi-demo")
    page.goto(page.base_url + "/stats/")
    table = page.locator("#basic-table")
    total = table.locator("tbody tr.total")
    cells = [c.strip() for c in total.locator("th, td").all_inner_texts()]
    headers = [h.strip() for h in table.locator("thead tr").nth(1).locator("th").all_inner_texts()]
    assert cells[0] == "合计" and int(cells[1]) == expected["count"]
    # The second header row begins with 女's 人数 and 占比; 中共党员 is the third pair.
    assert headers[:2] == ["人数", "占比"]
    assert int(cells[6]) == expected["party"]
    age_51 = 2 + headers.index("51岁至54岁")
    assert int(cells[age_51]) == expected["age_51_54"] and int(cells[age_51 + 2]) == expected["age_55_59"]
    assert page.locator("#change-table tbody tr").count() >= 10
    assert page.inner_text("#speech-text").count("与上年同期相比，平均年龄") == 1
    shot(page, "stats-table-01-city")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "stats-table-02-city-360")
    page.set_viewport_size({"width": 1366, "height": 900})

    with page.expect_download() as download:
        page.click("text=导出 Excel")
    path = tmp_path / "stats.xlsx"
    download.value.save_as(path)
    ws = openpyxl.load_workbook(path)["基本情况统计表"]
    assert "A2:A3" in {str(r) for r in ws.merged_cells.ranges}
    last = [c.value for c in list(ws.iter_rows())[-1]]
    assert last[0] == "合计" and last[1] == expected["count"] and last[6] == expected["party"]

    review = Review.objects.order_by("number").first()
    page.click(f"#speech-material-links >> text={review.label}")
    page.wait_for_selector("#material-text")
    mean_age = page.inner_text("[data-key=mean_age] td.num")
    page.click("[data-copy=material-text]")
    page.wait_for_selector("#copy-done:not([hidden])")
    shot(page, "stats-table-03-material")
    page.fill("#id_draft", "目前，全市160名乡镇（街道）党政正职，平均年龄99.9岁，其中**%是“70后”。")
    page.click("#draft-check button.primary")
    page.wait_for_selector("#checked-draft")
    assert f"不一致：{mean_age}" in page.inner_text("#checked-draft")
    shot(page, "stats-table-04-draft-checked")
    page.set_viewport_size({"width": 360, "height": 740})
    shot(page, "stats-table-05-draft-checked-360")
