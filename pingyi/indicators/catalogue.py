"""The indicator catalogue as code: `actions.do_sync_catalogue` writes it to the database after
every `migrate` (and after the test database is flushed), creating or updating by key.

Only raw indicators hold values. A derived indicator is `numerator / denominator × scale` of two
raw indicators of the same township and year (per 10,000 residents: the denominator is 常住人口).
Raw indicators that exist only as inputs are NEUTRAL, so they are neither flagged nor ranked.
"""

from dataclasses import dataclass
from decimal import Decimal

DEVELOPMENT, PEOPLE, SAFETY, PARTY = "发展", "民生", "平安", "党建"
HIGHER, LOWER, NEUTRAL = "higher", "lower", "neutral"
RAW, PER_10K, RATIO, RATE = "raw", "per_10k", "ratio", "rate"
POPULATION = "population"
SCALES = {PER_10K: Decimal(10000), RATIO: Decimal(1), RATE: Decimal(100)}


@dataclass(frozen=True)
class Spec:
    key: str
    name: str
    unit: str
    area: str
    direction: str = HIGHER
    derivation: str = RAW
    numerator: str | None = None
    denominator: str | None = None
    decimals: int = 0
    target: Decimal | None = None
    in_profile: bool = False
    note: str = ""
    short_name: str = ""  # for the radar's axes and the bars; the name when empty


def per_10k(key, name, unit, area, of, direction=HIGHER, decimals=1, **kw) -> Spec:
    return Spec(key, name, unit, area, direction, PER_10K, of, POPULATION, decimals, **kw)


def rate(key, name, area, numerator, denominator, direction=HIGHER, **kw) -> Spec:
    return Spec(key, name, "%", area, direction, RATE, numerator, denominator, 1, **kw)


CATALOGUE = [
    # 促一方发展
    Spec("gdp", "地区生产总值", "万元", DEVELOPMENT, in_profile=True, short_name="地区生产总值"),
    Spec("budget_revenue", "一般公共预算收入", "万元", DEVELOPMENT, in_profile=True, short_name="公共预算收入"),
    Spec("industrial_output", "规上工业总产值", "万元", DEVELOPMENT),
    Spec("hightech_output", "高新技术产业产值", "万元", DEVELOPMENT, NEUTRAL),
    rate("hightech_share", "高新技术产业产值占规上工业总产值比重", DEVELOPMENT,
         "hightech_output", "industrial_output", short_name="高新技术产值占比"),
    Spec("cluster_output", "乡镇工业集中区主导产业产值", "亿元", DEVELOPMENT, decimals=1,
         target=Decimal(100), note="市级乡镇工业集中区“围绕百亿创特色”，目标100亿元；无集中区的乡镇留空",
         short_name="工业集中区产值"),
    Spec("investment_funds", "招商引资实际到位资金", "万元", DEVELOPMENT, in_profile=True,
         short_name="招商到位资金"),
    Spec("new_projects", "新引进项目数", "个", DEVELOPMENT),
    Spec("tech_projects", "其中：高新技术项目数", "个", DEVELOPMENT, NEUTRAL),
    Spec("green_projects", "其中：绿色低碳项目数", "个", DEVELOPMENT, NEUTRAL),
    Spec("project_tax", "新引进项目年度税收", "万元", DEVELOPMENT, NEUTRAL),
    Spec("project_land", "新引进项目用地面积", "亩", DEVELOPMENT, NEUTRAL),
    Spec("project_tax_per_mu", "新引进项目亩均税收（税收含金量）", "万元/亩", DEVELOPMENT, HIGHER, RATIO,
         "project_tax", "project_land", 2, short_name="项目亩均税收"),
    rate("tech_project_share", "高新技术项目占新引进项目比重（科技含新量）", DEVELOPMENT,
         "tech_projects", "new_projects", short_name="项目科技含新量"),
    rate("green_project_share", "绿色低碳项目占新引进项目比重（环境含绿量）", DEVELOPMENT,
         "green_projects", "new_projects", short_name="项目环境含绿量"),
    Spec("rural_income", "农村居民人均可支配收入", "元", DEVELOPMENT, in_profile=True,
         short_name="农村居民收入"),
    # 富一方百姓
    Spec(POPULATION, "常住人口", "人", PEOPLE, NEUTRAL, note="当年年末常住人口；每万人口指标以此为分母"),
    Spec("beds", "医疗机构床位数", "张", PEOPLE, NEUTRAL),
    per_10k("beds_per_10k", "每万人口医疗机构床位数", "张", PEOPLE, "beds", in_profile=True,
            short_name="万人床位数"),
    Spec("schools", "教育机构数", "个", PEOPLE, NEUTRAL),
    per_10k("schools_per_10k", "每万人口教育机构数", "个", PEOPLE, "schools", decimals=2,
            short_name="万人教育机构"),
    Spec("teachers", "专任教师数", "人", PEOPLE, NEUTRAL),
    per_10k("teachers_per_10k", "每万人口专任教师数", "人", PEOPLE, "teachers", in_profile=True,
            short_name="万人专任教师"),
    Spec("culture_area", "公共文化服务设施建筑面积", "平方米", PEOPLE, NEUTRAL),
    per_10k("culture_area_per_10k", "每万人口公共文化服务设施建筑面积", "平方米", PEOPLE, "culture_area",
            in_profile=True, short_name="万人文化设施面积"),
    Spec("rural_dibao", "农村最低生活保障人数", "人", PEOPLE, NEUTRAL),
    Spec("urban_dibao", "城镇最低生活保障人数", "人", PEOPLE, NEUTRAL),
    Spec("dibao_ratio", "农村低保人数为城镇低保人数的倍数", "倍", PEOPLE, NEUTRAL, RATIO,
         "rural_dibao", "urban_dibao", 1),
    Spec("garbage_total", "生活垃圾清运量", "吨", PEOPLE, NEUTRAL),
    Spec("garbage_sorted", "生活垃圾分类处理量", "吨", PEOPLE, NEUTRAL),
    rate("garbage_rate", "生活垃圾分类处理率", PEOPLE, "garbage_sorted", "garbage_total", in_profile=True,
         short_name="垃圾分类处理率"),
    Spec("sewage_total", "污水排放量", "万吨", PEOPLE, NEUTRAL, decimals=1),
    Spec("sewage_treated", "污水集中处理量", "万吨", PEOPLE, NEUTRAL, decimals=1),
    rate("sewage_rate", "污水集中处理率", PEOPLE, "sewage_treated", "sewage_total", in_profile=True,
         short_name="污水集中处理率"),
    # 保一方平安
    Spec("accidents", "生产安全事故起数", "起", SAFETY, LOWER, in_profile=True, short_name="安全事故起数"),
    Spec("accident_deaths", "生产安全事故死亡人数", "人", SAFETY, LOWER, short_name="事故死亡人数"),
    Spec("criminal_cases", "刑事案件立案数", "起", SAFETY, NEUTRAL),
    per_10k("crime_per_10k", "每万人口刑事案件立案数", "起", SAFETY, "criminal_cases", LOWER,
            short_name="万人刑事案件"),
    Spec("petitions_due", "信访事项应按期办结件数", "件", SAFETY, NEUTRAL),
    Spec("petitions_on_time", "信访事项按期办结件数", "件", SAFETY, NEUTRAL),
    rate("petition_rate", "信访事项按期办结率", SAFETY, "petitions_on_time", "petitions_due", in_profile=True,
         short_name="信访按期办结率"),
    # 党的建设
    Spec("villages", "行政村（社区）数", "个", PARTY, NEUTRAL),
    Spec("strong_villages", "集体经营性收入10万元以上村（社区）数", "个", PARTY, NEUTRAL),
    rate("strong_village_share", "集体经营性收入10万元以上村（社区）占比", PARTY,
         "strong_villages", "villages", in_profile=True, short_name="集体经济强村占比"),
    Spec("party_members", "党员人数", "人", PARTY, NEUTRAL),
    Spec("weak_party_orgs", "软弱涣散基层党组织数", "个", PARTY, LOWER, short_name="软弱涣散党组织"),
]  # fmt: skip


def check(catalogue: list[Spec]) -> None:
    """A wrong catalogue is a programming error: fail loudly at migrate time."""
    keys = {spec.key: spec for spec in catalogue}
    assert len(keys) == len(catalogue), "duplicate indicator key"
    assert len({spec.name for spec in catalogue}) == len(catalogue), "duplicate indicator name"
    for spec in catalogue:
        if spec.derivation == RAW:
            assert spec.numerator is None and spec.denominator is None, spec.key
            continue
        for input_key in (spec.numerator, spec.denominator):
            assert input_key in keys and keys[input_key].derivation == RAW, (spec.key, input_key)
        if spec.derivation == PER_10K:
            assert spec.denominator == POPULATION, spec.key


check(CATALOGUE)
