"""The 基本情况统计表 on a roster counted by hand, one person at each band edge.

Reference date 2026-06-15 (month 2026.06). Ten township chiefs:

  who  birth    age  post start (chief)               tenure  township months  政治面貌 / 学历 / 学位
  A    1990.07  35   党委书记 青山镇 2025.06           12      12 (no)           党员 / 本科 / 学士
  B    1990.06  36   镇长 青山镇 2025.07               11      11 + 简历 12 = 23  预备党员 / 专科, 在职本科
  C    1971.07  54   街道办事处主任 文昌 2023.06       36      36                — / 在职硕士 / 在职硕士 (女)
  D    1971.06  55   党工委书记 文昌 2023.07           35      35                党员 / 博士 / 博士 (回族)
  E    1966.07  59   乡长 柳营乡 2021.06               60      60                党员 / 中专
  F    1966.06  60   党委书记 柳营乡 2016.06           120     120               党员 / 高中
  G    1980.01  46   镇长 柳营 2012.01–2020.01, break,  75      96 + 75           — / 未填写
                     党委书记 青山镇 2020.03
  H    1985.03  41   镇长 青山 2014.03–2019.06, then    147     147               — / 专科
                     党工委书记 文昌 2019.06 (no break)
  I    1976.06  50   党工委书记 文昌 2016.07           119     119               — / 本科
  J    1995.01  31   镇长 青山镇 2025.06               12      12 + 简历 12 = 24  — / 本科
                     (简历: 青山镇人民政府科员 2020.06–2021.06; 镇江市委组织部 is no township)
Not counted: K 副镇长.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pingyi.org.actions import new_post
from pingyi.org.vocab import Degree, Education
from pingyi.stats.basic import (
    KEYS,
    basic_table,
    career_keys,
    is_township_line,
    layout,
    service_months,
    tenure_start,
    ym,
)
from pingyi.stats.cohort import Selection
from pingyi.testing import make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 15)
d = dt.date


@pytest.fixture
def city():
    city = make_city()
    E = Education
    make_cadre(
        city.qingshan,
        "A",
        birth=d(1990, 7, 1),
        start=d(2025, 6, 1),
        political_status="中共党员",
        degree_fulltime=Degree.BACHELOR,
    )
    make_cadre(
        city.qingshan,
        "B",
        birth=d(1990, 6, 1),
        titles=["镇长"],
        start=d(2025, 7, 1),
        political_status="中共预备党员",
        education_fulltime=E.JUNIOR_COLLEGE,
        education_inservice=E.BACHELOR,
        resume="2021.01--2022.01  东城区青山镇党委委员\n2025.07--  东城区青山镇镇长",
    )
    make_cadre(
        city.wenchang,
        "C",
        birth=d(1971, 7, 1),
        titles=["街道办事处主任"],
        start=d(2023, 6, 1),
        gender="女",
        education_fulltime=None,
        education_inservice=E.MASTER,
        degree_inservice=Degree.MASTER,
    )
    make_cadre(
        city.wenchang,
        "D",
        birth=d(1971, 6, 1),
        titles=["党工委书记"],
        start=d(2023, 7, 1),
        ethnicity="回族",
        political_status="中共党员",
        education_fulltime=E.DOCTOR,
        degree_fulltime=Degree.DOCTOR,
    )
    make_cadre(
        city.liuying,
        "E",
        birth=d(1966, 7, 1),
        titles=["乡长"],
        start=d(2021, 6, 1),
        political_status="中共党员",
        education_fulltime=E.SECONDARY,
    )
    make_cadre(
        city.liuying,
        "F",
        birth=d(1966, 6, 1),
        start=d(2016, 6, 1),
        political_status="中共党员",
        education_fulltime=E.HIGH_SCHOOL,
    )
    g = make_cadre(city.qingshan, "G", birth=d(1980, 1, 1), start=d(2020, 3, 1), education_fulltime=None)
    new_post(g, city.liuying, "乡长", d(2012, 1, 1), d(2020, 1, 1)).save()
    h = make_cadre(
        city.wenchang,
        "H",
        birth=d(1985, 3, 1),
        titles=["党工委书记"],
        start=d(2019, 6, 1),
        education_fulltime=E.JUNIOR_COLLEGE,
    )
    new_post(h, city.qingshan, "镇长", d(2014, 3, 1), d(2019, 6, 1)).save()
    make_cadre(city.wenchang, "I", birth=d(1976, 6, 1), titles=["党工委书记"], start=d(2016, 7, 1))
    make_cadre(
        city.qingshan,
        "J",
        birth=d(1995, 1, 1),
        titles=["镇长"],
        start=d(2025, 6, 1),
        resume="2018.01--2020.01  镇江市委组织部科员\n2020.06--2021.06  东城区青山镇人民政府科员",
    )
    make_cadre(city.qingshan, "K", birth=d(1995, 1, 1), titles=["副镇长"])
    return city


EXPECTED = {
    "count": 10,
    "mean_age": Decimal("46.7"),  # (35+36+54+55+59+60+46+41+50+31) / 10
    "female": 1,
    "ethnic_minority": 1,
    "party_members": 5,
    "non_party_members": 5,
    "edu_graduate": 2,
    "edu_bachelor": 4,
    "edu_college": 1,
    "edu_secondary": 1,
    "edu_high_school_or_below": 2,
    "degree_doctor": 1,
    "degree_master": 1,
    "degree_bachelor": 1,
    "age_35_or_under": 2,
    "age_36_40": 1,
    "age_41_45": 1,
    "age_46_50": 2,
    "age_51_54": 1,
    "age_55_59": 2,
    "age_60_or_over": 1,
    "tenure_under_1y": 1,
    "tenure_1_3y": 3,
    "tenure_3_5y": 1,
    "tenure_5_10y": 3,
    "tenure_10y_or_more": 2,
    "grassroots_2y_or_more": 8,
}


def test_the_hand_counted_table(city):
    table = basic_table(Selection(AS_OF))
    total = table.total
    assert {k: total[k] for k in EXPECTED} == EXPECTED
    assert total["grassroots_2y_or_more_pct"] == Decimal("80.0")
    assert total["edu_graduate_pct"] == Decimal("20.0")
    assert [label for label, _row in table.rows] == ["东城区", "西河县", "合计"]
    assert [row["count"] for _label, row in table.rows] == [8, 2, 10]
    assert table.rows[1][1]["age_60_or_over"] == 1 and table.rows[1][1]["age_55_59"] == 1  # F and E


def test_inside_a_county_the_rows_are_the_kinds_of_chief_post(city):
    table = basic_table(Selection(AS_OF, city.east))
    assert [(label, row["count"]) for label, row in table.rows] == [
        ("党（工）委书记", 5),  # A, D, G, H, I
        ("乡镇长、街道办事处主任", 3),  # B, C, J
        ("合计", 8),
    ]


def test_tenure_and_service_edges():
    for months, key in [
        (11, "tenure_under_1y"),
        (12, "tenure_1_3y"),
        (35, "tenure_1_3y"),
        (36, "tenure_3_5y"),
        (59, "tenure_3_5y"),
        (60, "tenure_5_10y"),
        (119, "tenure_5_10y"),
        (120, "tenure_10y_or_more"),
    ]:
        assert career_keys(months, 0) == (key,), (months, key)
    assert career_keys(None, 24) == ("grassroots_2y_or_more",)  # holds no post of the level: no tenure band
    assert career_keys(None, 23) == ()


def spells(*pairs):
    return [(ym(s), None if e is None else ym(e)) for s, e in pairs]


REF = ym(AS_OF)


def test_tenure_runs_back_over_posts_held_without_a_break():
    assert tenure_start(spells((d(2020, 3, 1), None), (d(2012, 1, 1), d(2020, 1, 1))), REF) == ym(
        d(2020, 3, 1)
    )
    assert tenure_start(spells((d(2019, 6, 1), None), (d(2014, 3, 1), d(2019, 6, 1))), REF) == ym(
        d(2014, 3, 1)
    )
    # Ended in a later month than the next began (overlapping): still one run.
    chain = spells((d(2022, 1, 1), None), (d(2018, 1, 1), d(2022, 5, 1)), (d(2015, 1, 1), d(2018, 1, 1)))
    assert tenure_start(chain, REF) == ym(d(2015, 1, 1))
    assert tenure_start(spells((d(2012, 1, 1), d(2020, 1, 1))), REF) is None
    # A post ending in the reference month is not held in it.
    assert tenure_start(spells((d(2012, 1, 1), d(2026, 6, 1))), REF) is None


def test_township_service_counts_each_month_once():
    # A post and the 简历 line repeating it cover the same months.
    assert service_months(spells((d(2024, 6, 1), None), (d(2024, 6, 1), None)), REF) == 24
    assert service_months(spells((d(2020, 6, 1), d(2021, 6, 1)), (d(2025, 6, 1), None)), REF) == 24
    assert service_months(spells((d(2010, 1, 1), d(2020, 1, 1)), (d(2012, 1, 1), d(2013, 1, 1))), REF) == 120
    assert service_months(spells((d(2027, 1, 1), None)), REF) == 0
    assert is_township_line("东城区青山镇党委副书记、镇长")
    assert is_township_line("柳营乡乡长") and is_township_line("文昌街道办事处科员")
    # The short forms 简历 often use for a 街道's chief and a township's 书记.
    assert is_township_line("东城区文昌街道主任") and is_township_line("青山镇副书记")
    assert not is_township_line("镇江市委组织部科员") and not is_township_line("西河县乡镇企业局局长")


def test_the_official_layout_has_each_count_followed_by_its_share(city):
    groups, names, rows = layout(basic_table(Selection(AS_OF)))
    assert len(names) == sum(span for _g, span in groups) == 53
    assert names[:6] == ["县（市、区）", "合计", "人数", "占比", "人数", "占比"]
    total = rows[-1]
    assert total[:4] == ["合计", 10, 1, "10%"]
    assert total[names.index("平均年龄")] == "46.7"
    assert total[-2:] == [8, "80%"]


def test_cohort_stats_json_prints_the_keys(city):
    out = io.StringIO()
    call_command("cohort_stats", "--as-of", AS_OF.isoformat(), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(KEYS) <= set(data)
    assert {k: data[k] for k in EXPECTED if k not in ("count", "mean_age")} == {
        k: v for k, v in EXPECTED.items() if k not in ("count", "mean_age")
    }


def test_the_page_and_both_exports(city):
    people = make_personas(city)
    client = Client()
    client.force_login(people.organizer)
    query = f"?as_of={AS_OF.isoformat()}"
    html = client.get(reverse("stats") + query).content.decode()
    assert 'id="basic-table"' in html and "具有2年以上基层工作经历" in html and "51岁至54岁" in html

    ws = openpyxl.load_workbook(io.BytesIO(client.get(reverse("stats_xlsx") + query).content))[
        "基本情况统计表"
    ]
    assert {"A1:BA1", "A2:A3", "B2:B3", "C2:D2"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "全市乡镇（街道）党政正职基本情况统计表（截至2026年6月15日）"
    assert ws["C2"].value == "女" and (ws["C3"].value, ws["D3"].value) == ("人数", "占比")
    last = [c.value for c in list(ws.iter_rows())[-1]]
    assert last[:4] == ["合计", 10, 1, "10%"] and last[-2:] == [8, "80%"]

    document = docx.Document(io.BytesIO(client.get(reverse("stats_docx") + query).content))
    texts = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {"具有2年以上基层工作经历（人）", "51岁至54岁", "10年及以上"} <= texts


def test_the_api_gives_the_same_keys(city):
    people = make_personas(city)
    client = Client()
    client.force_login(people.organizer)
    data = client.get("/api/v1/stats/cohort", {"as_of": AS_OF.isoformat()}).json()
    assert {k: data[k] for k in EXPECTED if k not in ("count", "mean_age")} == {
        k: v for k, v in EXPECTED.items() if k not in ("count", "mean_age")
    }
