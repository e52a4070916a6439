import io

import openpyxl
import pytest

from pingyi.org.models import Cadre
from pingyi.org.roster import CADRE_COLUMNS
from pingyi.testing import make_cadre, make_city, make_personas

from .conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_template(path_in) -> bytes:
    """What an organizer does in Excel: overwrite the example row, add two more."""
    book = openpyxl.load_workbook(path_in)
    sheet = book["干部名册"]
    headers = [c.name for c in CADRE_COLUMNS]
    people = [
        ("周晓燕", "女", "1986.04", "青山镇", "镇长"),
        ("吴建国", "男", "1972.11", "文昌街道", "党工委书记"),
        ("郑一鸣", "男", "1991.12", "柳营乡", "乡长"),
    ]
    for row, (name, gender, birth, unit, title) in enumerate(people, start=2):
        values = dict.fromkeys(headers)
        values.update(
            姓名=name, 性别=gender, 民族="汉族", 出生年月=birth, 单位=unit, 现任职务=title,
            任现职时间="2021.09", 全日制学历="大学本科", 全日制学位="学士", 政治面貌="中共党员",
            简历=f"2010.07--2021.09  {unit}科员、副职\n2021.09--  {unit}{title}",
        )  # fmt: skip
        for col, header in enumerate(headers, start=1):
            sheet.cell(row=row, column=col, value=values[header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_organizer_imports_the_template_and_finds_the_people(page, tmp_path):
    city = make_city()
    make_personas(city)
    login(page, "organizer")
    shot(page, "01-home")

    page.click("text=名册导入")
    with page.expect_download() as download:
        page.click("#template-link")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "名册.xlsx"
    filled.write_bytes(fill_template(template))
    # The 单位 sheet lists the real units: the rows can name them and nothing changes.
    page.set_input_files("input[type=file]", str(filled))
    page.click("text=上传并检查")
    page.wait_for_selector("#counts")
    shot(page, "02-roster-preview")
    assert "周晓燕（青山镇）" in page.content()
    assert Cadre.objects.count() == 0

    page.click("text=确认导入")
    page.wait_for_selector(".msg-success")
    assert "新增 3 人" in page.inner_text(".msg-success")
    assert Cadre.objects.count() == 3

    page.click("nav >> text=干部名册")
    page.fill("input[name=q]", "周晓燕")
    page.click("#cadre-filters button.primary")
    page.wait_for_selector("#cadre-table >> text=周晓燕")
    assert page.locator("#cadre-table tbody tr").count() == 1
    page.goto(page.base_url + "/cadres/?chiefs=on")
    for name in ("周晓燕", "吴建国", "郑一鸣"):
        assert page.locator(f"#cadre-table >> text={name}").count() == 1
    shot(page, "03-cadre-list")

    page.click("#cadre-table >> text=吴建国")
    page.wait_for_selector("table.approval-form")
    text = page.inner_text("table.approval-form")
    assert "1972.11" in text and "党工委书记" in text and "党政正职" in text
    shot(page, "04-cadre-detail")


def test_a_bad_file_shows_its_message_in_the_browser(page, tmp_path):
    city = make_city()
    make_personas(city)
    login(page, "organizer")
    page.expected_statuses.add(400)
    page.goto(page.base_url + "/roster/")
    bad = tmp_path / "报告.xlsx"
    bad.write_bytes(b"%PDF-1.4 not a workbook")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=上传并检查")
    page.wait_for_selector("#file-error")
    assert "不是 Excel 工作簿" in page.inner_text("#file-error")
    shot(page, "05-bad-file")


def test_main_pages_render_chinese_and_charts(page):
    city = make_city()
    make_personas(city)
    make_cadre(city.qingshan, "张明")
    make_cadre(city.wenchang, "王芳", titles=["街道办事处主任"], gender="女")
    login(page, "leader")
    page.wait_for_selector("#age-chart canvas")
    for path, name in [("/units/", "06-unit-tree"), (f"/units/{city.east.pk}/", "07-unit-detail"),
                       ("/account/", "08-account"), ("/api/docs", "09-api-docs")]:  # fmt: skip
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
        shot(page, name)
    assert page.locator("h1").inner_text().startswith("接口文档")
