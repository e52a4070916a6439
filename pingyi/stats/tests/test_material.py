"""讲话素材 and the draft check, on a city whose figures are counted by hand.

Meeting 2026-06-15. Chiefs: 甲 1975.01 (51), 乙 1985.01 (41), 丙 1990.01 (36): 3, mean 42.7,
70后 33.3%, none 35 or under, all 本科, no 硕士. Speakers 甲 and 乙: 2, 75年 and 85年, one 80后.
Indicators 2025: 乡镇 (青山镇, 柳营乡) against the city (with 文昌街道):
  beds 60 per 60,000 = 10 per 10,000, city 360 / 120,000 = 30 → below; schools, teachers and
  culture likewise below; 农村低保 300 + 200 + 0 = 500, 城镇 100 + 50 + 150 = 300 → 1.7 倍;
  garbage 600/1500 = 40.0% against 街道 90.0%; sewage 7/15 = 46.7% against 93.3%.
"""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from pingyi.org.models import Cadre
from pingyi.stats.material import build, check
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from ...indicators.tests.helpers import approve, client_for

pytestmark = pytest.mark.django_db
MEETING = dt.date(2026, 6, 15)


@pytest.fixture
def people():
    city = make_city()
    make_cadre(city.qingshan, "甲", birth=dt.date(1975, 1, 1))
    make_cadre(city.wenchang, "乙", birth=dt.date(1985, 1, 1), titles=["党工委书记"])
    make_cadre(city.liuying, "丙", birth=dt.date(1990, 1, 1), titles=["乡长"])
    people = make_personas(city)
    people.city = city
    people.review = make_review(
        people.organizer, appraisees=list(Cadre.objects.filter(name__in=["甲", "乙"])), meeting_date=MEETING
    )
    values = {
        city.qingshan: dict(
            population=40_000,
            beds=40,
            schools=4,
            teachers=100,
            culture_area=2000,
            rural_dibao=300,
            urban_dibao=100,
            garbage_total=1000,
            garbage_sorted=500,
            sewage_total=10,
            sewage_treated=5,
        ),
        city.liuying: dict(
            population=20_000,
            beds=20,
            schools=2,
            teachers=50,
            culture_area=1000,
            rural_dibao=200,
            urban_dibao=50,
            garbage_total=500,
            garbage_sorted=100,
            sewage_total=5,
            sewage_treated=2,
        ),
        city.wenchang: dict(
            population=60_000,
            beds=300,
            schools=12,
            teachers=400,
            culture_area=12000,
            rural_dibao=0,
            urban_dibao=150,
            garbage_total=2000,
            garbage_sorted=1800,
            sewage_total=30,
            sewage_treated=28,
        ),
    }
    for unit, v in values.items():
        approve(unit, 2025, **v)
    return people


def test_every_masked_figure_is_filled_from_the_data(people):
    m = build(people.review, year=2025)
    assert m.as_of == MEETING
    expected = {
        "count": "3名",
        "mean_age": "42.7岁",
        "born_1970s_pct": "33.3%",
        "age_35_or_under": "0人",
        "bachelor_all": "是",
        "masters": "0人",
        "speakers": "2位",
        "oldest_year": "75年",
        "youngest_year": "85年",
        "speakers_1980s": "1位",
        "rural_dibao": "500人",
        "dibao_ratio": "1.7倍",
        "garbage_rural": "乡镇 40.0%，街道 90.0%（低于城市）",
        "sewage_rural": "乡镇 46.7%，街道 93.3%（低于城市）",
    }
    assert {k: m.value(k) for k in expected} == expected
    for key in ("beds_per_10k", "schools_per_10k", "teachers_per_10k", "culture_area_per_10k"):
        assert m.value(f"below_{key}").startswith("低于市均"), key
    assert m.value("below_beds_per_10k") == "低于市均（乡镇 10.0，市均 30.0张）"
    # Every figure names its source and links to a page that shows it.
    assert all(f.source and f.url.startswith("/") for p in m.passages for f in p.figures)
    assert "全市乡镇每万人口病床数、教育机构数、专任教师数和公共文化服务设施建筑面积均低于市均" in m.text
    assert "从第1期发言的2位乡镇（街道）党（工）委书记来看，年龄最大的是75年出生的" in m.text


DRAFT = (
    "目前，全市3名乡镇（街道）党政正职，平均年龄45.1岁，其中33.3%是“70后”、**人在35岁以下；"
    "全部具有本科以上学历，其中硕士研究生0人。从今天发言的2位乡镇（街道）党（工）委书记来看，"
    "年龄最大的是68年出生的，年龄最小的是85年出生的，80后的有1位。"
    "全市乡镇每万人口病床数、教育机构数、专任教师数和公共文化服务设施建筑面积均低于市均；"
    "农村最低生活保障人数是1,500人，为城镇低保人数的1.7倍。"
)


def test_a_draft_with_a_wrong_mean_age_is_flagged(people):
    findings = {f.label: f for f in check(build(people.review, year=2025), DRAFT)}
    assert findings["平均年龄"].status == "differs" and findings["平均年龄"].right == "42.7岁"
    assert findings["党政正职人数"].status == "match"
    assert findings["“70后”占比"].status == "match"
    assert findings["35岁以下人数"].status == "unknown"  # still masked
    assert (
        findings["年龄最大者出生年份"].status == "differs" and findings["年龄最大者出生年份"].right == "75年"
    )
    assert findings["80后人数"].status == "match"
    assert findings["乡镇民生指标低于市均"].status == "match"
    assert findings["农村最低生活保障人数"].status == "differs"  # 1,500 against 500
    assert findings["为城镇低保人数的倍数"].status == "match"


def test_the_page_the_check_and_the_word_file(people):
    client = client_for(people.organizer)
    url = reverse("stats_speech", args=[people.review.pk])
    html = client.get(url).content.decode()
    assert 'data-copy="material-text"' in html and "平均年龄42.7岁" in html
    response = client.post(url, {"draft": DRAFT})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="check-differs"' in html and "不一致：42.7岁" in html
    empty = client.post(url, {"draft": "  "})
    assert empty.status_code == 400 and "请粘贴讲话稿" in empty.content.decode()
    too_long = client.post(url, {"draft": "字" * 20_001})
    assert too_long.status_code == 400 and "一次最多检查 20000 字" in too_long.content.decode()

    document = docx.Document(
        io.BytesIO(client.get(reverse("stats_speech_docx", args=[people.review.pk])).content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "第1期述职评议会讲话素材" in text and "平均年龄42.7岁" in text
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"***名", "3名", "42.7岁"} <= cells


def test_only_whole_city_users_see_the_material(people):
    url = reverse("stats_speech", args=[people.review.pk])
    assert client_for(people.leader).get(url).status_code == 200
    for user in (people.liaison, people.clerk):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).post(url, {"draft": DRAFT}).status_code == 404
        assert client_for(user).get(reverse("stats_speech_docx", args=[people.review.pk])).status_code == 404
    assert client_for(people.organizer).get(reverse("stats_speech", args=[999])).status_code == 404


def test_a_draft_is_shown_as_text_never_as_markup(people):
    client = client_for(people.organizer)
    url = reverse("stats_speech", args=[people.review.pk])
    html = client.post(
        url, {"draft": '<script>alert(1)</script>平均年龄<b>1</b>岁，平均年龄50岁"><img src=x>'}
    ).content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark class="check-differs"' in html  # 平均年龄50岁 is still found and checked


def test_the_change_sentence_is_checked_too(people):
    m = build(people.review, year=2025)
    by_key = {ch.key: ch for ch in m.comparison.changes}
    words = by_key["mean_age"].words  # the cadres all held their posts a year before: 平均年龄提高1岁
    assert words == "平均年龄提高1岁"
    draft = "与上年同期相比，平均年龄下降1岁，新增80后2人，新增硕士研究生0人。"
    findings = {f.stated: f for f in check(m, draft)}
    assert (
        findings["平均年龄下降1岁"].status == "differs"
        and findings["平均年龄下降1岁"].right == "平均年龄提高1岁"
    )
    assert findings["新增80后2人"].status == "differs"  # 80后 did not change
    assert findings["新增硕士研究生0人"].status == "match"
    assert "0" not in findings  # not read as the number of 硕士研究生


def test_a_round_without_speakers_or_indicators_still_answers():
    city = make_city()
    people = make_personas(city)
    review = make_review(people.organizer, meeting_date=MEETING)
    html = client_for(people.organizer).get(reverse("stats_speech", args=[review.pk])).content.decode()
    assert "第1期尚无述职人。" in html
    assert "尚无已审核的指标数据" in html and "不低于市均" not in html and "—岁" not in html
    findings = check(build(review), "从今天发言的9位乡镇（街道）党（工）委书记来看，平均年龄45岁。")
    assert [f.status for f in findings] == ["differs", "unknown"]  # 0 speakers; no chiefs, no mean age
