"""The indicator workbook: template, import all-or-nothing with row errors, export round trip."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from pingyi.audit.models import AuditEvent
from pingyi.indicators.actions import ValuesRejected, do_import_values
from pingyi.indicators.models import IndicatorValue, Status, ValueChange, ValueImport
from pingyi.indicators.workbook import SHEET
from pingyi.lib import xlsx
from pingyi.testing import make_city, make_personas

from .helpers import approve, client_for, indicator

pytestmark = pytest.mark.django_db
BEDS = "医疗机构床位数（张）"
POPULATION = "常住人口（人）"


@pytest.fixture
def people():
    city = make_city()
    people = make_personas(city)
    people.city = city
    return people


def fill(template: bytes, rows: dict[int, dict]) -> bytes:
    """What a clerk does in Excel: type values into the template's rows (by Excel row number)."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book[SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row, values in rows.items():
        for header, value in values.items():
            sheet.cell(row=row, column=headers[header], value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rows_of(content: bytes) -> list[dict]:
    sheets, _ = xlsx.read_workbook(
        content, {SHEET: ["区划代码", "单位名称", "年度"]}, optional={SHEET: [BEDS]}
    )
    return [values for _, values in sheets[SHEET].rows]


def upload(client, content: bytes, name="指标.xlsx"):
    response = client.post(reverse("indicator_import"), {"file": _named(content, name)})
    staged = ValueImport.objects.latest("id")
    return response, staged


def _named(content, name):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_the_template_lists_the_users_townships_with_a_column_per_raw_indicator(people):
    response = client_for(people.liaison).get(reverse("indicator_template"), {"year": 2025})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["区划代码", "单位名称", "年度"]
    assert BEDS in headers and POPULATION in headers
    assert "每万人口医疗机构床位数（张）" not in headers  # derived: computed, never entered
    names = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert names == ["文昌街道", "青山镇"]  # the liaison's county only
    assert sheet.cell(row=2, column=3).value == 2025


def test_a_clerk_imports_the_filled_template_and_the_values_wait_for_sign_off(people):
    clerk = client_for(people.clerk)
    template = clerk.get(reverse("indicator_template"), {"year": 2025}).content
    content = fill(template, {2: {BEDS: 123, POPULATION: "41,000", "专任教师数（人）": 12.34567}})
    response, staged = upload(clerk, content)
    assert response.status_code == 302
    preview = clerk.get(reverse("indicator_import_preview", args=[staged.pk]))
    assert preview.status_code == 200 and "确认导入" in preview.content.decode()
    assert not IndicatorValue.objects.exists()  # nothing written before confirmation

    clerk.post(reverse("indicator_import_confirm", args=[staged.pk]), {"confirm": "1"})
    values = {v.indicator.key: v for v in IndicatorValue.objects.select_related("indicator")}
    assert values["beds"].value == Decimal("123") and values["population"].value == Decimal("41000")
    assert values["teachers"].value == Decimal("12.3457")
    assert {v.status for v in values.values()} == {Status.PENDING}
    assert all(v.approved_value is None for v in values.values())
    assert ValueChange.objects.filter(action=ValueChange.Action.IMPORTED).count() == 3
    assert AuditEvent.objects.filter(action="indicator_import", actor=people.clerk).exists()
    staged.refresh_from_db()
    assert staged.status == ValueImport.Status.APPLIED


def test_bad_rows_are_named_and_nothing_is_written(people):
    clerk = client_for(people.clerk)
    city = people.city
    template = clerk.get(reverse("indicator_template"), {"year": 2025}).content
    content = fill(
        template,
        {
            2: {BEDS: "很多", POPULATION: -5},
            3: {"区划代码": "379901101000", "单位名称": "青山镇", "年度": 2025, BEDS: 10},  # duplicate
            4: {"区划代码": city.liuying.code, "单位名称": "柳营乡", "年度": 2025, BEDS: 10},  # not the clerk's
            5: {"区划代码": "379901999000", "单位名称": "无名镇", "年度": 2025},
            6: {"区划代码": city.qingshan.code, "单位名称": "青山乡", "年度": 1999, BEDS: 10},
            7: {"区划代码": city.qingshan.code, "单位名称": "青山镇", "年度": 2024,
                "信访事项按期办结件数（件）": 50, "信访事项应按期办结件数（件）": 40},
            8: {"区划代码": city.qingshan.code, "单位名称": "青山镇", "年度": 2023, BEDS: "=1+1"},
        },
    )  # fmt: skip
    _response, staged = upload(clerk, content)
    preview = clerk.get(reverse("indicator_import_preview", args=[staged.pk]))
    assert preview.status_code == 400
    problems = {(p["row"], p["column"]): p["reason"] for p in staged.summary["problems"]}
    assert all(p["sheet"] == SHEET for p in staged.summary["problems"])
    assert problems[(2, BEDS)] == "「很多」不是数值"
    assert problems[(2, POPULATION)] == "「-5」不能为负数"
    assert problems[(3, "年度")] == "与第2行重复（同一单位同一年度）"
    assert problems[(4, "区划代码")] == "「柳营乡」不在您的填报范围内"
    assert problems[(5, "区划代码")] == "系统中没有区划代码为 379901999000 的单位"
    assert problems[(6, "单位名称")] == "「青山乡」与区划代码 379901101000 的单位「青山镇」不符"
    assert problems[(6, "年度")].startswith("1999 不在 2000—")
    assert problems[(7, "信访事项按期办结件数（件）")] == "不能大于「信访事项应按期办结件数（件）」"
    assert problems[(8, BEDS)] == "含有公式，请改为直接填写数值"
    html = preview.content.decode()
    assert "未导入任何数据" in html and "「很多」不是数值" in html
    # Confirming a rejected upload does nothing either.
    assert (
        clerk.post(reverse("indicator_import_confirm", args=[staged.pk]), {"confirm": "1"}).status_code == 302
    )
    assert not IndicatorValue.objects.exists() and not ValueChange.objects.exists()


def test_a_file_that_is_no_workbook_is_refused_with_a_reason(people):
    clerk = client_for(people.clerk)
    _response, staged = upload(clerk, b"%PDF-1.4 not a workbook", "指标.pdf")
    preview = clerk.get(reverse("indicator_import_preview", args=[staged.pk]))
    assert preview.status_code == 400
    assert "不是 Excel 工作簿" in preview.content.decode()


def test_export_and_import_round_trip(people):
    city = people.city
    approve(city.qingshan, 2024, population=40_000, beds=123, sewage_total="12.5")
    approve(city.wenchang, 2024, population=60_000, beds=456)
    approve(city.liuying, 2024, beds=7)
    organizer = client_for(people.organizer)
    exported = organizer.get(reverse("indicator_export"), {"year": 2024})
    assert exported.status_code == 200
    rows = {r["单位名称"]: r for r in rows_of(exported.content)}
    assert rows["青山镇"][BEDS] == 123 and rows["文昌街道"][BEDS] == 456 and rows["柳营乡"][BEDS] == 7
    history = ValueChange.objects.count()

    plan = do_import_values(exported.content, people.organizer, filename="导出.xlsx")
    assert plan.ok and plan.counts()["changed"] == plan.counts()["new"] == 0
    assert plan.counts()["unchanged"] == 6
    assert ValueChange.objects.count() == history  # nothing changed, nothing recorded
    again = organizer.get(reverse("indicator_export"), {"year": 2024}).content
    assert rows_of(again) == rows_of(exported.content)
    assert IndicatorValue.objects.get(
        unit=city.qingshan, indicator=indicator("sewage_total")
    ).value == Decimal("12.5")


def test_an_edited_export_changes_only_what_was_edited_and_blanks_keep_values(people):
    city = people.city
    approve(city.qingshan, 2024, population=40_000, beds=123)
    exported = client_for(people.organizer).get(reverse("indicator_export"), {"year": 2024}).content
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book[SHEET]
    headers = {c.value: c.column for c in sheet[1]}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "青山镇")
    sheet.cell(row, headers[BEDS]).value = 130
    sheet.cell(row, headers[POPULATION]).value = None
    out = io.BytesIO()
    book.save(out)
    plan = do_import_values(out.getvalue(), people.organizer)
    assert plan.counts() == {"new": 0, "changed": 1, "unchanged": 0}
    beds = IndicatorValue.objects.get(unit=city.qingshan, indicator=indicator("beds"))
    assert beds.value == beds.approved_value == Decimal("130")  # the organizer's import counts at once
    assert IndicatorValue.objects.get(unit=city.qingshan, indicator=indicator("population")).value == 40_000


def test_a_city_leader_cannot_import(people):
    leader = client_for(people.leader)
    assert leader.get(reverse("indicator_import")).status_code == 403
    assert leader.post(reverse("indicator_import"), {"file": _named(b"x", "a.xlsx")}).status_code == 403
    with pytest.raises(ValuesRejected):
        template = client_for(people.organizer).get(reverse("indicator_template"), {"year": 2025}).content
        do_import_values(fill(template, {2: {BEDS: 1}}), people.leader)
