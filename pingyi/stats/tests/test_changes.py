"""Changes between two dates, from the posts' history, with people who joined, left and moved.

Reference date 2026-06-15 against 上年同期 2025-06-15. Township chiefs:
  P1 1975.03 党委书记 青山镇 since 2021.09          stays      age 50 → 51
  P2 1970.01 镇长 青山镇 2021.09–2026.01, 专科       left       age 55
  P3 1988.05 镇长 青山镇 since 2026.02, 硕士         joined     age 38
  P4 1982.01 党委书记 柳营乡 2020.01–2025.12, then   moved      age 43 → 44
             党委书记 文昌街道 since 2025.12
Before: P1, P2, P4: mean 148/3 = 49.3; 70后 2/3 = 66.7%; 80后 1; 本科以上 2/3 = 66.7%; 硕士 0.
After:  P1, P3, P4: mean 133/3 = 44.3; 70后 1/3 = 33.3%; 80后 2; 本科以上 100%;        硕士 1.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pingyi.org.actions import new_post
from pingyi.org.vocab import Education
from pingyi.stats.changes import Change, before_transition
from pingyi.stats.cohort import Selection
from pingyi.stats.report import analyse
from pingyi.testing import make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 15)
d = dt.date
SENTENCE = (
    "与上年同期相比，平均年龄下降5岁，70后占比下降33.4个百分点，新增80后1人，"
    "本科以上学历占比提高33.3个百分点，新增硕士研究生1人。"
)


@pytest.fixture
def city():
    city = make_city()
    make_cadre(city.qingshan, "P1", birth=d(1975, 3, 1))
    make_cadre(
        city.qingshan,
        "P2",
        birth=d(1970, 1, 1),
        titles=["镇长"],
        end=d(2026, 1, 1),
        education_fulltime=Education.JUNIOR_COLLEGE,
    )
    make_cadre(
        city.qingshan,
        "P3",
        birth=d(1988, 5, 1),
        titles=["镇长"],
        start=d(2026, 2, 1),
        education_fulltime=Education.MASTER,
    )
    p4 = make_cadre(city.wenchang, "P4", birth=d(1982, 1, 1), titles=["党工委书记"], start=d(2025, 12, 1))
    new_post(p4, city.liuying, "党委书记", d(2020, 1, 1), d(2025, 12, 1)).save()
    return city


def test_a_year_against_the_last_in_report_words(city):
    c = analyse(Selection(AS_OF)).comparison
    assert c.since == d(2025, 6, 15) and c.label == "上年同期"
    by_key = {ch.key: ch for ch in c.changes}
    assert (by_key["mean_age"].before, by_key["mean_age"].after) == (Decimal("49.3"), Decimal("44.3"))
    assert by_key["count"].words == "人数持平"
    assert by_key["born_1980s"].words == "新增80后1人"
    assert by_key["born_1970s"].words == "70后减少1人"
    assert (c.joined, c.left, c.moved) == (1, 1, 1)
    assert c.sentence == SENTENCE


def test_the_words_for_each_kind_of_figure():
    assert (
        Change("mean_age", "平均年龄", "years", Decimal("46.7"), Decimal("45.4")).words == "平均年龄下降1.3岁"
    )
    assert Change("mean_age", "平均年龄", "years", Decimal("45.0"), Decimal("45.0")).words == "平均年龄持平"
    pct = Change("bachelor_or_above_pct", "本科以上学历占比", "pct", Decimal("50.0"), Decimal("54.2"))
    assert pct.words == "本科以上学历占比提高4.2个百分点"
    assert Change("born_1980s", "80后", "count", 3, 10).words == "新增80后7人"
    assert Change("count", "人数", "count", 10, 8).words == "人数减少2人"
    assert Change("mean_age", "平均年龄", "years", None, Decimal("45.0")).words == "平均年龄无法比较"


def test_the_earlier_side_is_recomputed_from_posts_not_from_today(city):
    # On the earlier date P4 was in 西河县 and P2 still held his post: the county rows say so.
    earlier = analyse(Selection(d(2025, 6, 15)), mode="none")
    assert earlier.comparison is None
    assert [(label, row["count"]) for label, row in earlier.basic.rows] == [
        ("东城区", 2),
        ("西河县", 1),
        ("合计", 3),
    ]
    # 换届前: the month most current posts began (here one each; ties → the latest, 2026.02), the day before.
    assert before_transition(Selection(AS_OF)) == d(2026, 1, 31)
    assert analyse(Selection(AS_OF), mode="transition").comparison.label == "换届前（2026年1月）"


def test_the_page_the_speech_box_and_the_command(city):
    people = make_personas(city)
    client = Client()
    client.force_login(people.organizer)
    html = client.get(reverse("stats"), {"as_of": AS_OF.isoformat()}).content.decode()
    assert SENTENCE in html and 'id="change-table"' in html and "期间新进 1 人，离开 1 人" in html
    bad = client.get(reverse("stats"), {"as_of": AS_OF.isoformat(), "compare": "date", "since": "2027-01-01"})
    assert bad.status_code == 400 and "对比日期应早于统计截止日" in bad.content.decode()

    out = io.StringIO()
    call_command("cohort_stats", "--as-of", AS_OF.isoformat(), "--compare", "year", stdout=out)
    assert SENTENCE in out.getvalue()
    out = io.StringIO()
    call_command("cohort_stats", "--as-of", AS_OF.isoformat(), "--since", "2025-06-15", "--json", stdout=out)
    changes = json.loads(out.getvalue())["changes"]
    assert changes["figures"]["mean_age"] == {
        "before": 49.3,
        "after": 44.3,
        "change": -5.0,
        "words": "平均年龄下降5岁",
    }
    assert (changes["joined"], changes["left"], changes["moved"]) == (1, 1, 1)


def test_bad_comparison_parameters_are_a_400_with_the_reason(city):
    people = make_personas(city)
    client = Client()
    client.force_login(people.organizer)
    for params, reason in [
        ({"compare": "decade"}, "对比："),
        ({"compare": "date"}, "选择“指定日期”对比时请填写对比日期"),
        ({"compare": "date", "since": "2025/13/01"}, "对比日期："),
    ]:
        response = client.get(reverse("stats"), {"as_of": AS_OF.isoformat(), **params})
        assert response.status_code == 400 and reason in response.content.decode(), params
    # The export answers the same parameters with the default comparison, never a 500.
    assert client.get(reverse("stats_xlsx"), {"compare": "decade"}).status_code == 200
