"""The gap analysis: normalisation, averages, ranks and flags, as the README defines them."""

from decimal import Decimal

import pytest

from pingyi.indicators.actions import do_enter_values
from pingyi.indicators.analysis import Dataset
from pingyi.indicators.profile import township_profile
from pingyi.testing import make_city, make_personas, make_unit

from .helpers import approve, indicator

pytestmark = pytest.mark.django_db
Y = 2025


@pytest.fixture
def city():
    city = make_city()
    # A township directly under the city, with no county above it.
    city.zhishu = make_unit("379900101000", "直属镇", "镇", city.city, population=30_000)
    return city


def line(data, unit, key, year=Y):
    return township_profile(data, unit, year).line(key)


def test_per_10k_divides_by_the_population_of_that_year(city):
    approve(city.qingshan, 2024, population=50_000, beds=200)
    approve(city.qingshan, Y, population=40_000, beds=200)
    data = Dataset([2024, Y])
    assert line(data, city.qingshan, "beds_per_10k", 2024).value == Decimal("40.0")
    assert line(data, city.qingshan, "beds_per_10k", Y).value == Decimal("50.0")
    # The trend shows both years, each over its own population.
    assert line(data, city.qingshan, "beds_per_10k").trend == [(2024, Decimal("40.0")), (Y, Decimal("50.0"))]


def test_the_city_average_is_the_city_wide_ratio_not_the_mean_of_ratios(city):
    approve(city.qingshan, Y, population=40_000, beds=200)  # 50.0
    approve(city.wenchang, Y, population=60_000, beds=900)  # 150.0
    approve(city.liuying, Y, population=20_000, beds=40)  # 20.0
    data = Dataset([Y])
    qingshan = line(data, city.qingshan, "beds_per_10k")
    # (200 + 900 + 40) ÷ 120,000 × 10,000 = 95.0; the mean of the three ratios would be 73.3.
    assert qingshan.city == Decimal("95.0")
    assert qingshan.county == Decimal("110.0")  # 东城区: 1,100 beds ÷ 100,000
    assert line(data, city.liuying, "beds_per_10k").county == Decimal("20.0")
    assert qingshan.flagged and (qingshan.rank, qingshan.ranked) == (2, 3)
    assert (
        qingshan.sentence() == "每万人口医疗机构床位数50.0张，低于全市平均（95.0张）47.4%，全市第2位（共3个）"
    )
    assert not line(data, city.wenchang, "beds_per_10k").flagged


@pytest.mark.parametrize("population", [0, None])
def test_zero_or_missing_population_leaves_the_per_10k_value_missing(city, population):
    approve(city.qingshan, Y, population=40_000, beds=200)
    approve(city.liuying, Y, beds=40, population=population)
    data = Dataset([Y])
    liuying = line(data, city.liuying, "beds_per_10k")
    assert liuying.value is None and liuying.value_text == "—" and liuying.rank is None
    assert not liuying.flagged
    # Left out of the city figure: its 40 beds are not spread over someone else's people.
    assert liuying.city == Decimal("50.0")
    assert line(data, city.qingshan, "beds_per_10k").ranked == 1


def test_missing_values_are_left_out_of_averages_and_ranks(city):
    approve(city.qingshan, Y, gdp=100_000)
    approve(city.wenchang, Y, gdp=300_000)
    approve(city.zhishu, Y, gdp=None)
    data = Dataset([Y])
    assert line(data, city.qingshan, "gdp").city == Decimal("200000.0")  # not ÷ 4
    missing = line(data, city.liuying, "gdp")
    assert missing.value is None and missing.rank is None and missing.value_text == "—"
    assert missing.vs_city.difference_text == "—"
    assert (line(data, city.qingshan, "gdp").rank, line(data, city.qingshan, "gdp").ranked) == (2, 2)


def test_lower_is_better_flags_values_above_the_average_and_ranks_low_first(city):
    approve(city.qingshan, Y, accidents=3)
    approve(city.wenchang, Y, accidents=1)
    approve(city.liuying, Y, accidents=0)
    data = Dataset([Y])
    qingshan, wenchang, liuying = (
        line(data, u, "accidents") for u in (city.qingshan, city.wenchang, city.liuying)
    )
    assert qingshan.city == Decimal("1.3")  # 4 ÷ 3, one decimal more than the counts
    assert qingshan.flagged and qingshan.rank == 3
    assert not wenchang.flagged and wenchang.rank == 2
    assert liuying.rank == 1 and liuying.radar_index == Decimal("200.0")
    assert qingshan.sentence() == "生产安全事故起数3起，高于全市平均（1.3起）130.8%，全市第3位（共3个）"
    profile = township_profile(data, city.qingshan, Y)
    assert qingshan.indicator in [g.indicator for g in profile.gaps]
    assert profile.strengths == []


def test_equal_values_share_a_place(city):
    approve(city.qingshan, Y, accidents=0)
    approve(city.wenchang, Y, accidents=0)
    approve(city.liuying, Y, accidents=2)
    data = Dataset([Y])
    assert [line(data, u, "accidents").rank for u in (city.qingshan, city.wenchang, city.liuying)] == [
        1,
        1,
        3,
    ]


def test_a_township_without_a_county_has_no_county_average_but_a_city_rank(city):
    approve(city.zhishu, Y, population=30_000, beds=150)  # 50.0
    approve(city.qingshan, Y, population=40_000, beds=400)  # 100.0
    data = Dataset([Y])
    profile = township_profile(data, city.zhishu, Y)
    beds = profile.line("beds_per_10k")
    assert profile.county is None
    assert beds.county is None and beds.county_text == "—"
    assert beds.city == Decimal("78.6")  # 550 ÷ 70,000 × 10,000: it counts for the city
    assert (beds.rank, beds.ranked) == (2, 2) and beds.flagged


def test_a_rate_is_compared_in_percentage_points(city):
    approve(city.qingshan, Y, garbage_sorted=60, garbage_total=100)
    approve(city.wenchang, Y, garbage_sorted=270, garbage_total=300)
    data = Dataset([Y])
    rate = line(data, city.qingshan, "garbage_rate")
    assert rate.value == Decimal("60.0") and rate.city == Decimal("82.5")  # 330 ÷ 400
    assert rate.vs_city.difference_text == "-22.5个百分点"
    assert rate.sentence() == "生活垃圾分类处理率60.0%，低于全市平均（82.5%）22.5个百分点，全市第2位（共2个）"


def test_the_dibao_ratio_is_rural_over_urban(city):
    approve(city.qingshan, Y, rural_dibao=900, urban_dibao=100)
    approve(city.wenchang, Y, rural_dibao=100, urban_dibao=150)
    data = Dataset([Y])
    profile = township_profile(data, city.qingshan, Y)
    assert profile.line("dibao_ratio").value == Decimal("9.0")
    assert profile.dibao_sentence() == "农村最低生活保障人数900人，城镇100人，为城镇的9.0倍（全市为4.0倍）"
    assert not profile.line("dibao_ratio").flagged  # a description, not a judgement


def test_only_signed_off_values_count(city):
    people = make_personas(city)
    approve(city.qingshan, Y, gdp=100_000)
    approve(city.wenchang, Y, gdp=300_000)
    do_enter_values(city.qingshan, Y, {indicator("gdp"): Decimal(500_000)}, people.clerk)
    data = Dataset([Y])
    assert line(data, city.qingshan, "gdp").value == Decimal("100000")
    assert line(data, city.qingshan, "gdp").city == Decimal("200000.0")


def test_strengths_and_gaps_come_from_the_comparison(city):
    approve(city.qingshan, Y, population=40_000, beds=400, teachers=200, accidents=0, gdp=50_000)
    approve(city.wenchang, Y, population=60_000, beds=300, teachers=900, accidents=2, gdp=150_000)
    data = Dataset([Y])
    profile = township_profile(data, city.qingshan, Y)
    # Both first of two: the larger lead comes first (no accident at all against 1.0 on average).
    assert [s.indicator.key for s in profile.strengths] == ["accidents", "beds_per_10k"]
    assert [g.indicator.key for g in profile.gaps] == ["teachers_per_10k", "gdp"]
    assert all(s.advantage > 0 for s in profile.strengths) and all(g.flagged for g in profile.gaps)
    radar = profile.radar()
    names = [axis["name"] for axis in radar["indicators"]]
    assert "万人床位数" in names and radar["series"][1]["values"] == [100.0] * len(names)
