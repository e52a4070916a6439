"""The catalogue lives in catalogue.py and is written to the database after every migrate."""

import pytest
from django.urls import reverse

from pingyi.indicators import catalogue as cat
from pingyi.indicators.actions import do_sync_catalogue
from pingyi.indicators.models import Indicator
from pingyi.testing import make_city, make_personas

from .helpers import client_for

pytestmark = pytest.mark.django_db

SPEECH = ["每万人口医疗机构床位数", "每万人口教育机构数", "每万人口专任教师数", "每万人口公共文化服务设施建筑面积",
          "农村低保人数为城镇低保人数的倍数", "生活垃圾分类处理率", "污水集中处理率", "乡镇工业集中区主导产业产值",
          "新引进项目亩均税收（税收含金量）", "高新技术项目占新引进项目比重（科技含新量）",
          "绿色低碳项目占新引进项目比重（环境含绿量）"]  # fmt: skip
COMMON = ["地区生产总值", "一般公共预算收入", "规上工业总产值", "招商引资实际到位资金", "农村居民人均可支配收入",
          "生产安全事故起数", "信访事项按期办结率"]  # fmt: skip


def test_the_catalogue_is_there_after_migrate_with_the_speechs_indicators():
    names = set(Indicator.objects.values_list("name", flat=True))
    assert set(SPEECH) <= names and set(COMMON) <= names
    assert {a for a in Indicator.objects.values_list("area", flat=True)} == {"发展", "民生", "平安", "党建"}


def test_derived_indicators_are_computed_from_raw_inputs():
    for indicator in Indicator.objects.exclude(derivation="raw").select_related("numerator", "denominator"):
        assert indicator.numerator.is_raw and indicator.denominator.is_raw, indicator.key
        if indicator.derivation == "per_10k":
            assert indicator.denominator.key == "population"
    beds = Indicator.objects.get(key="beds_per_10k")
    assert beds.formula() == "医疗机构床位数 ÷ 常住人口 × 10000"
    assert Indicator.objects.get(key="accidents").direction == "lower"
    assert Indicator.objects.get(key="cluster_output").target == 100


def test_syncing_again_changes_nothing_and_retires_what_left_the_catalogue():
    assert do_sync_catalogue() == (0, 0, 0)
    Indicator.objects.create(key="old", name="旧指标", area="发展", direction="higher", derivation="raw")
    Indicator.objects.filter(key="gdp").update(name="改过的名称")
    assert do_sync_catalogue() == (0, 1, 1)
    assert Indicator.objects.get(key="gdp").name == "地区生产总值"
    assert not Indicator.objects.get(key="old").is_active
    assert Indicator.objects.active().count() == len(cat.CATALOGUE)


def test_the_catalogue_page_states_every_formula():
    people = make_personas(make_city())
    html = client_for(people.leader).get(reverse("indicator_catalogue")).content.decode()
    assert (
        "医疗机构床位数 ÷ 常住人口 × 10000" in html
        and "信访事项按期办结件数 ÷ 信访事项应按期办结件数 × 100%" in html
    )
    assert "目标值 100亿元" in html
