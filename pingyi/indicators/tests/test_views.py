"""Pages: scope (out of scope is 404), the city table, the profile and the big-screen fragment."""

import io

import openpyxl
import pytest
from django.urls import reverse

from pingyi.audit.models import AuditEvent
from pingyi.indicators.actions import do_stage_import
from pingyi.indicators.workbook import workbook
from pingyi.org.models import Unit
from pingyi.testing import make_city, make_personas, make_unit

from .helpers import approve, client_for

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def people():
    city = make_city()
    people = make_personas(city)
    people.city = city
    for unit, beds, population in ((city.qingshan, 200, 40_000), (city.wenchang, 900, 60_000),
                                   (city.liuying, 40, 20_000)):  # fmt: skip
        approve(unit, Y, beds=beds, population=population, accidents=1)
    return people


def unit_routes(unit):
    return [
        ("get", reverse("indicator_profile", args=[unit.pk])),
        ("get", reverse("indicator_profile_screen", args=[unit.pk])),
        ("get", reverse("indicator_profile_screen_preview", args=[unit.pk])),
        ("get", reverse("indicator_entry", args=[unit.pk, Y])),
        ("post", reverse("indicator_entry", args=[unit.pk, Y])),
        ("post", reverse("indicator_review", args=[unit.pk, Y])),
    ]


def test_an_outsider_gets_404_for_every_object_route_of_another_county(people):
    outsider = client_for(people.outsider)
    for unit in (people.city.qingshan, people.city.wenchang):
        for method, url in unit_routes(unit):
            assert getattr(outsider, method)(url, {"v_beds": "1"}).status_code == 404, (method, url)
    staged = do_stage_import(people.clerk, "a.xlsx", workbook(Unit.objects.filter(pk=people.city.qingshan.pk), Y,
                                                              with_values=True))  # fmt: skip
    assert outsider.get(reverse("indicator_import_preview", args=[staged.pk])).status_code == 404
    assert outsider.post(reverse("indicator_import_confirm", args=[staged.pk])).status_code == 404
    # The outsider's own township answers.
    for method, url in unit_routes(people.city.liuying)[:4]:
        assert getattr(outsider, method)(url).status_code == 200, url


def test_a_missing_township_and_a_hidden_one_look_the_same(people):
    outsider = client_for(people.outsider)
    hidden = outsider.get(reverse("indicator_profile", args=[people.city.qingshan.pk]))
    missing = outsider.get(reverse("indicator_profile", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    assert (
        "不在您的查看范围内" in hidden.content.decode() and "不在您的查看范围内" in missing.content.decode()
    )
    assert "青山镇" not in hidden.content.decode()


def test_a_township_directly_under_the_city_has_a_profile_without_county_figures(people):
    zhishu = make_unit("379900101000", "直属镇", "镇", people.city.city, population=30_000)
    approve(zhishu, Y, beds=60, population=30_000)
    html = client_for(people.organizer).get(reverse("indicator_profile", args=[zhishu.pk])).content.decode()
    assert "市直辖 · 镇 · 2025年" in html
    row = html[html.index('data-key="beds_per_10k"') :]
    cells = row[: row.index("</tr>")].split("<td")
    # Its own figure, no county average, the city's (1,200 beds ÷ 150,000), the gap, a shared 3rd place.
    assert "20.0" in cells[-6] and "—" in cells[-5] and "80.0" in cells[-4]
    assert "-75.0%" in cells[-3] and "3 / 4" in cells[-2]


def test_a_county_has_no_profile(people):
    assert (
        client_for(people.organizer).get(reverse("indicator_profile", args=[people.city.east.pk])).status_code
        == 404
    )


def test_the_city_table_sorts_and_lists_only_visible_townships(people):
    organizer = client_for(people.organizer)
    url = reverse("indicator_table", args=["beds_per_10k"])
    html = organizer.get(url, {"year": Y}).content.decode()
    assert html.index("文昌街道") < html.index("青山镇") < html.index("柳营乡")  # by rank: 150, 50, 20
    assert '<b id="city-average">95.0张</b>' in html
    by_name = organizer.get(url, {"year": Y, "sort": "-value"}).content.decode()
    assert by_name.index("文昌街道") < by_name.index("柳营乡")
    ascending = organizer.get(url, {"year": Y, "sort": "value"}).content.decode()
    assert ascending.index("柳营乡") < ascending.index("文昌街道")
    assert html.count("低于市均</span>") == 2

    clerk = client_for(people.clerk).get(url, {"year": Y}).content.decode()
    assert "青山镇" in clerk and "文昌街道" not in clerk and "柳营乡" not in clerk
    assert '<b id="city-average">95.0张</b>' in clerk  # the city figure is the city's all the same
    assert client_for(people.clerk).get(reverse("indicator_table", args=["nonsense"])).status_code == 404


def test_the_indicator_menu_moves_to_another_table(people):
    response = client_for(people.organizer).get(
        reverse("indicator_table", args=["beds_per_10k"]), {"indicator": "accidents", "year": Y}
    )
    assert response.status_code == 302 and response["Location"] == "/indicators/table/accidents/?year=2025"


def test_the_profile_shows_gaps_and_dashes_for_missing_values(people):
    html = (
        client_for(people.organizer)
        .get(reverse("indicator_profile", args=[people.city.qingshan.pk]))
        .content.decode()
    )
    assert "每万人口医疗机构床位数50.0张，低于全市平均（95.0张）47.4%，全市第2位（共3个）" in html
    assert 'data-chart="radar"' in html and 'id="chart-radar"' in html
    assert "pingyi/js/indicator_charts.js" in html and "vendor/echarts/dist/echarts.min.js" in html
    row = html[html.index('data-key="gdp"') :]
    row = row[: row.index("</tr>")]
    assert row.count("—") >= 3  # no GDP reported: value, averages and rank are dashes


def test_the_screen_fragment_is_a_bare_partial_with_the_radar(people):
    client = client_for(people.organizer)
    html = client.get(reverse("indicator_profile_screen", args=[people.city.qingshan.pk])).content.decode()
    assert "<html" not in html and "<body" not in html and "masthead" not in html
    assert f'id="ind-radar-{people.city.qingshan.pk}"' in html and 'data-size="large"' in html
    assert "青山镇" in html and "查摆差距" in html and "每万人口医疗机构床位数" in html
    preview = client.get(reverse("indicator_profile_screen_preview", args=[people.city.qingshan.pk]))
    assert "<html" in preview.content.decode() and "indicator_charts.js" in preview.content.decode()


def test_the_overview_has_the_speech_sentence_and_the_townships(people):
    html = client_for(people.liaison).get(reverse("indicators"), {"year": Y}).content.decode()
    assert "讲话稿数据" in html
    assert "青山镇" in html and "文昌街道" in html and ">柳营乡<" not in html


def test_a_bad_year_is_a_400_with_the_reason(people):
    client = client_for(people.organizer)
    response = client.get(reverse("indicators"), {"year": "二〇二五"})
    assert response.status_code == 400 and "年度「二〇二五」应为四位数字" in response.content.decode()
    assert (
        client.get(reverse("indicator_profile", args=[people.city.qingshan.pk]), {"year": 1990}).status_code
        == 400
    )
    assert client.get(reverse("indicator_entry", args=[people.city.qingshan.pk, 1990])).status_code == 400


def test_the_export_is_audited_and_scoped(people):
    response = client_for(people.outsider).get(reverse("indicator_export"), {"year": Y})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["指标数据"]
    assert [sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)] == ["柳营乡"]
    assert AuditEvent.objects.filter(action="indicator_export", actor=people.outsider).exists()
