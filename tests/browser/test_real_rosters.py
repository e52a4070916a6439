"""The vendor's .xls, its column placement corrected on the preview, and a cadre from a 任免审批表."""

import pytest

from pingyi.org.models import Cadre
from pingyi.org.tests.realfiles import extract_workbook, lrmx_file
from pingyi.org.tests.test_real_layouts import people
from pingyi.testing import PASSWORD, make_city, make_personas

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_corrects_a_column_and_imports_then_sees_the_photo(page, tmp_path):
    import io

    import openpyxl

    city = make_city()
    make_personas(city)
    rows = people()
    book = openpyxl.load_workbook(io.BytesIO(extract_workbook(rows)))
    book["A02职务"]["C2"] = "任职单位"  # a header the reader does not know
    path = tmp_path / "干部大数据信息提取表.xlsx"
    book.save(path)
    login(page, "organizer", PASSWORD)
    page.goto(page.base_url + "/roster/")
    page.expected_statuses = {400}
    page.set_input_files("input[name=file]", str(path))
    page.click("form:has(input[name=file]) button")
    page.wait_for_selector("#mapping")
    assert "干部大数据信息提取表" in page.inner_text("#layout")
    shot(page, "real-01-mapping-to-correct")
    # On a phone every column's choice is whole on the screen, not cut off at the panel's edge.
    page.set_viewport_size({"width": 360, "height": 800})
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#mapping select')].filter((s) => {
             const box = s.getBoundingClientRect(), panel = s.closest('.panel').getBoundingClientRect();
             return box.width < 60 || box.right > panel.right || box.right > window.innerWidth;
           }).map((s) => s.name)"""
    )
    assert cut == []
    shot(page, "real-01b-mapping-narrow")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.select_option("select[name=map-1-C]", "任职机构名称")
    page.click("button:has-text('按此重新检查')")
    page.wait_for_selector("text=确认导入")
    shot(page, "real-02-preview-after-correction")
    page.set_viewport_size({"width": 360, "height": 800})
    shot(page, "real-02b-preview-after-correction-narrow")
    # The preview fits a phone: nothing wider than the screen but the tables, which scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("text=确认导入")
    page.wait_for_selector("text=导入完成")

    lrmx = tmp_path / "王建国.lrmx"
    lrmx.write_bytes(lrmx_file({**rows[0], "身份证号": rows[0]["身份证号"]}))
    page.goto(page.base_url + "/roster/")
    page.set_input_files("input[name=lrmx]", str(lrmx))
    page.click("#lrmx-upload button")
    page.wait_for_selector("text=确认导入")
    page.click("text=确认导入")
    page.wait_for_selector("text=导入完成")
    wang = Cadre.objects.get(name="王建国")
    page.goto(page.base_url + f"/cadres/{wang.pk}/")
    assert page.locator("#photo").evaluate("img => img.naturalWidth") > 0
    assert "周某" in page.inner_text("#family")
    # The 信息提取表's 已免 副镇长 is kept as a past post, with its 免职 month.
    past = page.inner_text("section:has(h2:text('任职记录'))")
    assert "副镇长" in past and "2015.09" in past
    shot(page, "real-03-cadre-with-photo")
    page.set_viewport_size({"width": 360, "height": 800})
    shot(page, "real-04-cadre-with-photo-narrow")
    page.goto(page.base_url + "/roster/")
    shot(page, "real-05-upload-narrow")
