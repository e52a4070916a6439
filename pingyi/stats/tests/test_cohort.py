"""A small roster computed by hand, covering every edge in statistics.md.

Reference date 2026-06-15. In the cohort (township chiefs holding the post that day):
  A 1990.06 党委书记 青山镇   age 36 (birth month = reference month)  本科
  B 1990.07 镇长 青山镇       age 35 (one month short of 36)          专科, 在职本科
  C 1991.06 街道办事处主任    age 35 exactly, female                  本科, 在职硕士 (higher)
  D 1975.03 党委书记、乡长    age 51, two chief posts: counted once   硕士
  G 1968.12 党工委书记        age 57, female, 回族                    博士 (not a 硕士)
Not in it: E 副镇长 (not a chief); F 镇长 whose post ended 2024.01.
"""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pingyi.org.vocab import Education
from pingyi.stats.cohort import Selection, county_comparison, ethnicity_table, figures
from pingyi.stats.numbers import pct
from pingyi.stats.pipeline import pipeline
from pingyi.stats.speech import cohort_paragraph, pipeline_sentence
from pingyi.testing import make_cadre, make_city

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 6, 15)
B, M, D = Education.BACHELOR, Education.MASTER, Education.DOCTOR


@pytest.fixture
def city():
    city = make_city()
    d = dt.date
    make_cadre(city.qingshan, "A", birth=d(1990, 6, 1), titles=["党委书记"], education_fulltime=B)
    make_cadre(city.qingshan, "B", birth=d(1990, 7, 1), titles=["镇长"], start=d(2024, 1, 1),
               education_fulltime=Education.JUNIOR_COLLEGE, education_inservice=B)  # fmt: skip
    make_cadre(city.wenchang, "C", birth=d(1991, 6, 1), titles=["街道办事处主任"], gender="女",
               education_fulltime=B, education_inservice=M)  # fmt: skip
    make_cadre(city.liuying, "D", birth=d(1975, 3, 1), titles=["党委书记", "乡长"], education_fulltime=M)
    make_cadre(city.qingshan, "E", birth=d(1985, 1, 1), titles=["副镇长"])
    make_cadre(
        city.qingshan, "F", birth=d(1980, 5, 1), titles=["镇长"], start=d(2019, 1, 1), end=d(2024, 1, 1)
    )
    make_cadre(city.wenchang, "G", birth=d(1968, 12, 1), titles=["党工委书记"], gender="女",
               ethnicity="回族", education_fulltime=D)  # fmt: skip
    return city


def test_the_hand_computed_figures(city):
    f = figures(Selection(AS_OF).cadres(), AS_OF)
    assert f["count"] == 5
    assert f["mean_age"] == Decimal("42.8")  # (36 + 35 + 35 + 51 + 57) / 5
    assert (f["born_1960s"], f["born_1970s"], f["born_1980s"], f["born_1990s"]) == (1, 1, 0, 3)
    assert (f["born_1970s_pct"], f["born_1990s_pct"]) == (Decimal("20.0"), Decimal("60.0"))
    assert f["age_35_or_under"] == 2  # B and C, not A
    assert f["female"] == 2 and f["ethnic_minority"] == 1
    assert f["bachelor_or_above"] == 5 and f["bachelor_or_above_pct"] == Decimal("100.0")
    assert f["masters"] == 2  # C (in service) and D; G the doctor is not one
    assert f["doctorate"] == 1
    assert (f["fulltime_bachelor_or_above"], f["fulltime_masters"], f["fulltime_doctorate"]) == (4, 1, 1)
    assert (f["oldest_birth"], f["youngest_birth"]) == ("1968.12", "1991.06")
    assert [b["count"] for b in f["age_bands"]] == [2, 1, 0, 0, 1, 1]


def test_cohorts_and_scopes(city):
    def count(**kw):
        return figures(Selection(AS_OF, **kw).cadres(), AS_OF)["count"]

    assert count(cohort="secretaries") == 3  # A, D, G
    assert count(cohort="heads") == 3  # B, C, D
    assert count(scope=city.east) == 4
    assert count(scope=city.west) == 1
    assert count(scope=city.qingshan) == 2
    # Before F's post ended and B's began, F is the 镇长.
    earlier = Selection(dt.date(2023, 12, 31), city.qingshan)
    assert sorted(earlier.cadres().values_list("name", flat=True)) == ["A", "F"]


def test_county_comparison_and_ethnicity(city):
    rows = county_comparison(Selection(AS_OF))
    assert [(r["unit"].name, r["count"]) for r in rows] == [("东城区", 4), ("西河县", 1)]
    assert rows[0]["mean_age"] == Decimal("40.8")  # (36 + 35 + 35 + 57) / 4 = 40.75, half up
    assert ethnicity_table(Selection(AS_OF).cadres()) == [
        {"label": "汉族", "count": 4, "pct": Decimal("80.0")},
        {"label": "回族", "count": 1, "pct": Decimal("20.0")},
    ]


def test_rounding_is_half_up_not_to_even():
    assert pct(1, 16) == Decimal("6.3")  # 6.25
    assert pct(1, 3) == Decimal("33.3")
    assert pct(0, 0) is None


def test_the_speech_paragraph(city):
    selection = Selection(AS_OF)
    text = cohort_paragraph(selection, figures(selection.cadres(), AS_OF))
    assert text == (
        "目前，全市5名乡镇（街道）党政正职，平均年龄42.8岁，其中20%是“70后”、2人在35岁以下；"
        "全部具有本科以上学历，其中硕士研究生2人。"
    )


@pytest.fixture
def teams(city):
    d = dt.date
    make_cadre(city.west, "H", titles=["县委书记"], start=d(2021, 9, 1),
               resume="2016.01--2021.09  西河县柳营乡党委书记\n2021.09--  西河县委书记")  # fmt: skip
    make_cadre(city.east, "I", titles=["副区长"], start=d(2021, 10, 1),
               resume="2015.01--2019.12  东城区青山镇镇长\n2019.12--2021.10  东城区财政局局长\n2021.10--  东城区副区长")  # fmt: skip
    j = make_cadre(city.east, "J", titles=["区委常委"], start=d(2018, 3, 1))
    from pingyi.org.actions import new_post

    new_post(j, city.qingshan, "党委书记", d(2015, 1, 1), d(2018, 3, 1)).save()
    make_cadre(city.east, "K", titles=["区长"], start=d(2021, 9, 1),
               resume="2015.09--2021.09  示例市发展和改革委员会主任\n2021.09--  东城区区长")  # fmt: skip
    make_cadre(city.west, "L", titles=["县纪委书记"], start=d(2021, 9, 1))
    return city


def test_the_pipeline(teams):
    p = pipeline(Selection(AS_OF))
    assert p["team_members"] == 4  # H, I, J, K; L's title is not a team title
    assert p["with_township_chief"] == 3  # H (简历), I (简历), J (an ended post)
    assert p["with_township_chief_pct"] == Decimal("75.0")
    assert p["year"] == 2021  # most members first joined a team then
    assert p["promoted"] == 3  # H, I, K (J joined in 2018)
    assert p["promoted_from_township_chief"] == 1  # only H came straight from a chief post
    assert pipeline(Selection(AS_OF), year=2018)["promoted_from_township_chief"] == 1  # J
    text = pipeline_sentence(Selection(AS_OF), p)
    assert text == (
        "目前，全市4名县（市、区）党政领导班子成员中，有3名具有乡镇党政正职任职经历，占比75%。"
        "2021年换届期间，新提拔进县（市、区）党政领导班子的3人中，直接从乡镇党政正职提拔的有1人，占33.3%。"
    )


def test_cohort_stats_json_contract(teams):
    out = StringIO()
    call_command("cohort_stats", "--as-of", "2026-06-15", "--json", stdout=out)
    data = json.loads(out.getvalue())
    required = [
        "as_of",
        "count",
        "mean_age",
        "born_1960s",
        "born_1970s",
        "born_1980s",
        "born_1990s",
        "born_1970s_pct",
        "born_1980s_pct",
        "age_35_or_under",
        "female",
        "ethnic_minority",
        "bachelor_or_above",
        "bachelor_or_above_pct",
        "masters",
        "doctorate",
        "oldest_birth",
        "youngest_birth",
    ]
    assert set(required) <= set(data)
    assert {k: data[k] for k in required} == {
        "as_of": "2026-06-15", "count": 5, "mean_age": 42.8, "born_1960s": 1, "born_1970s": 1,
        "born_1980s": 0, "born_1990s": 3, "born_1970s_pct": 20.0, "born_1980s_pct": 0.0,
        "age_35_or_under": 2, "female": 2, "ethnic_minority": 1, "bachelor_or_above": 5,
        "bachelor_or_above_pct": 100.0, "masters": 2, "doctorate": 1,
        "oldest_birth": "1968.12", "youngest_birth": "1991.06",
    }  # fmt: skip
    assert data["pipeline"]["team_members"] == 4


def test_cohort_stats_scope_and_text(teams):
    out = StringIO()
    call_command("cohort_stats", "--as-of", "2026-06-15", "--scope", "379901000000", stdout=out)
    assert out.getvalue().startswith("目前，东城区4名乡镇（街道）党政正职，平均年龄40.8岁")
    with pytest.raises(CommandError, match="找不到区划代码为 379999999999 的单位"):
        call_command("cohort_stats", "--scope", "379999999999")
    with pytest.raises(CommandError, match="格式不对"):
        call_command("cohort_stats", "--as-of", "2026.06")


def test_cohort_stats_over_a_reviews_speakers(city):
    from pingyi.org.models import Cadre
    from pingyi.testing import make_personas, make_review

    people = make_personas(city)
    speakers = Cadre.objects.filter(name__in=["A", "D", "G"])  # born 1990.06, 1975.03, 1968.12
    make_review(people.organizer, appraisees=list(speakers), number=3)
    out = StringIO()
    call_command("cohort_stats", "--as-of", "2026-06-15", "--review", "3", stdout=out)
    assert out.getvalue().strip() == (
        "从第3期发言的3位乡镇（街道）党（工）委书记来看，年龄最大的是68年出生的，年龄最小的是90年出生的，80后的有0位。"
    )
    out = StringIO()
    call_command("cohort_stats", "--as-of", "2026-06-15", "--review", "3", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["count"], data["oldest_birth"], data["youngest_birth"], data["born_1980s"]) == (
        3,
        "1968.12",
        "1990.06",
        0,
    )
    assert data["mean_age"] == 48.0  # (36 + 51 + 57) / 3
    with pytest.raises(CommandError, match="找不到第9期"):
        call_command("cohort_stats", "--review", "9")
