import datetime as dt
import io

import docx
import pytest
from django.test import Client
from django.urls import reverse

from pingyi.lib.xlsx import read_workbook
from pingyi.testing import make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    city = make_city()
    make_cadre(city.qingshan, "甲", birth=dt.date(1975, 1, 1))
    make_cadre(city.wenchang, "乙", titles=["街道办事处主任"], birth=dt.date(1985, 1, 1))
    make_cadre(city.liuying, "丙", titles=["乡长"], birth=dt.date(1990, 1, 1))
    people = make_personas(city)
    people.city = city
    return people


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_paragraph_for_the_whole_city(people):
    html = client_for(people.organizer).get(reverse("stats")).content.decode()
    assert "目前，全市3名乡镇（街道）党政正职" in html
    assert html.count("<tr><td>东城区</td>") == 1 and html.count("<tr><td>西河县</td>") == 1


def test_a_liaison_sees_the_county_and_cannot_ask_for_another(people):
    client = client_for(people.liaison)
    html = client.get(reverse("stats")).content.decode()
    assert "目前，东城区2名乡镇（街道）党政正职" in html
    other = client.get(reverse("stats"), {"scope": people.city.west.pk})
    assert other.status_code == 400
    assert "丙" not in other.content.decode() and "目前，东城区2名" in other.content.decode()
    assert client.get("/api/v1/stats/cohort", {"scope": people.city.west.pk}).status_code == 404
    assert client.get("/api/v1/stats/cohort").json()["count"] == 2


def test_a_clerk_sees_the_township(people):
    data = client_for(people.clerk).get("/api/v1/stats/cohort").json()
    assert data["count"] == 1 and data["scope"] == "379901101000"


def test_bad_parameters_are_answered_with_400(people):
    client = client_for(people.organizer)
    response = client.get(reverse("stats"), {"as_of": "2026-13-01", "cohort": "nobody"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "统计截止日" in html and "统计对象" in html
    api = client.get("/api/v1/stats/cohort", {"cohort": "nobody"})
    assert api.status_code == 422
    assert (
        "查询参数 cohort：取值应为 'chiefs', 'secretaries', 'heads' or 'county_teams'"
        in api.json()["message"]
    )


def test_the_excel_export_has_every_table(people):
    response = client_for(people.organizer).get(
        reverse("stats_xlsx"), {"scope": people.city.east.pk, "as_of": "2026-11-01"}
    )
    sheets, _ = read_workbook(
        response.content, {"年龄结构": ["年龄段", "人数"], "县（市、区）对比": ["县（市、区）", "人数"]}
    )
    # 甲 (1975.01) is 51 and 乙 (1985.01) is 41 on 2026-11-01.
    assert [r["人数"] for _, r in sheets["年龄结构"].rows] == [0, 0, 1, 0, 1, 0]
    assert [(r["县（市、区）"], r["人数"]) for _, r in sheets["县（市、区）对比"].rows] == [("东城区", 2)]


def test_the_word_report_has_the_paragraph_tables_and_charts(people):
    response = client_for(people.organizer).get(reverse("stats_docx"), {"as_of": "2026-11-01"})
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "全市乡镇（街道）党政正职队伍结构分析" in text
    assert "目前，全市3名乡镇（街道）党政正职，平均年龄" in text
    assert len(document.tables) >= 6
    assert len(document.inline_shapes) >= 4
    assert document.tables[1].rows[0].cells[0].text == "年龄段"
