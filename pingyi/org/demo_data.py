"""A fictional prefecture-level city, 示例市, with the roster of cadres the appraisal is about.

`build_demo_city` returns the rows of the roster workbook's two sheets (`单位` and `干部名册`),
keyed by their column names, so demos and tests can feed the importer without a real roster,
which would be confidential. Standard library only: no Django import, so it runs anywhere.

All randomness flows through one `random.Random(seed)` and the city is written as of 2026-11
(`TODAY`), so a seed always yields the same rows. `months_later` moves every date of the rows by
that many months afterwards, so the city loaded on another day keeps the same ages, tenures and
careers relative to that day (`load_demo` passes the months since 2026-11).
"""

from __future__ import annotations

import calendar
import random
import re
from dataclasses import dataclass, field

DEFAULT_SEED = 20221


def ym(year: int, month: int) -> int:
    """A year-month as a month count, so that periods are plain integer arithmetic."""
    return year * 12 + month - 1


def fmt(month: int) -> str:
    return f"{month // 12}.{month % 12 + 1:02d}"


def _words(text: str) -> tuple[str, ...]:
    """Keeps long word tables on a few lines."""
    return tuple(text.split())


TODAY = ym(2026, 11)
EARLIEST_APPOINTMENT = ym(2016, 1)
LATEST_APPOINTMENT = ym(2026, 6)
# Township and county teams were re-elected together in the autumn of 2021 (换届).
REELECTION = (ym(2021, 9), ym(2021, 12))
FOREVER = ym(9999, 12)

# ---------------------------------------------------------------------- administrative units

CITY_CODE = "379900000000"
CITY_NAME = "示例市"

# (digits 5-6 of the code, name, type, 街道, 镇, 乡). 37 is Shandong, but its prefecture 99
# does not exist. Real codes number districts from 02, counties from 21, county-level cities
# from 81; within a county 街道 take 001.., 镇 and 乡 101...
COUNTIES = (
    ("02", "瑞泉区", "区", 9, 2, 0),
    ("03", "鹭洲区", "区", 7, 4, 0),
    ("21", "桐溪县", "县", 0, 11, 1),
    ("22", "柘川县", "县", 0, 9, 3),
    ("23", "岚坪县", "县", 0, 10, 2),
    ("24", "榆塘县", "县", 0, 11, 0),
    ("81", "泓阳市", "县级市", 4, 7, 0),
)

STREET_NAMES = _words(
    "文昌 和平 人民 新华 东关 西关 南关 北关 府前 鼓楼 朝阳 建设 胜利 滨河 振兴 凤鸣 "
    "汇泉 云台 翠屏 望湖 锦绣 开元 书院 永安 明珠 河东 城西 龙潭 华苑 泉韵"
)
PLACE_FIRST = "青柳石桃杨白金龙凤马黄大新高双古安永太兴富长清东西南北梁槐枣柏松杏桑沙岳茅芦官仁孟莲荷鹤雁"
PLACE_SECOND = "山河桥庄集店营湖岭沟坪庙寨口湾塘泉林园坡峪屯铺堡岗台埠洼泊坊楼"
# Combinations that would read as a well-known real city or county.
BLOCKED_PLACE_NAMES = _words(
    "东营 枣庄 龙口 梁山 黄山 白山 桃园 沙河 清河 金山 南山 西湖 东湖 龙山 青河 石林 高台 松山"
)
VILLAGE_ENDINGS = ("家庄", "家村", "庄", "家洼", "家屯", "官庄")

TOWNSHIP_TITLES = {
    "镇": {
        "secretary": "党委书记",
        "chief": "镇长",
        "chief_full": "党委副书记、镇长",
        "vice": "党委副书记",
        "deputies": ("党委委员、副镇长", "党委委员、组织委员", "党委委员、宣传委员", "党委委员、武装部部长", "党委委员、纪委书记"),
        "clerk": "人民政府科员",
        "section": "党政办公室主任",
    },
    "乡": {
        "secretary": "党委书记",
        "chief": "乡长",
        "chief_full": "党委副书记、乡长",
        "vice": "党委副书记",
        "deputies": ("党委委员、副乡长", "党委委员、组织委员", "党委委员、宣传委员", "党委委员、武装部部长", "党委委员、纪委书记"),
        "clerk": "人民政府科员",
        "section": "党政办公室主任",
    },
    "街道": {
        "secretary": "党工委书记",
        "chief": "街道办事处主任",
        "chief_full": "党工委副书记、街道办事处主任",
        "vice": "党工委副书记",
        "deputies": ("党工委委员、办事处副主任", "党工委委员、组织委员", "党工委委员、武装部部长", "党工委委员、纪工委书记"),
        "clerk": "办事处科员",
        # Not a 主任: in a 街道 a bare 主任 reads as the chief post.
        "section": "党工委组织干事",
    },
}  # fmt: skip

# role: (现任职务, the post as 简历 writes it, 正处级). {L} is 县, 区 or 市; {C} the county's name.
COUNTY_ROLES = {
    "secretary": ("{L}委书记", "{C}委书记", True),
    "head": ("{L}长", "{C}委副书记、{L}长", True),
    "deputy_secretary": ("{L}委副书记", "{C}委副书记", False),
    "organization": ("{L}委常委、组织部部长", "{C}委常委、组织部部长", False),
    "discipline": ("{L}委常委、{L}纪委书记、{L}监委主任", "{C}委常委、{L}纪委书记、{L}监委主任", False),
    "executive": ("{L}委常委、常务副{L}长", "{C}委常委、常务副{L}长", False),
    "propaganda": ("{L}委常委、宣传部部长", "{C}委常委、宣传部部长", False),
    "political_legal": ("{L}委常委、政法委书记", "{C}委常委、政法委书记", False),
    "united_front": ("{L}委常委、统战部部长", "{C}委常委、统战部部长", False),
    "vice_head": ("副{L}长", "{C}副{L}长", False),
}
CORE_ROLES = ("secretary", "head", "deputy_secretary", "organization", "discipline", "executive")
EXTRA_STANDING_ROLES = ("propaganda", "political_legal", "united_front")
# 回避: these may not be held in one's home county.
AVOIDING_ROLES = ("secretary", "head", "organization", "discipline")
ROLE_BIRTH_YEARS = {
    "secretary": (1967, 1976),
    "head": (1968, 1980),
    "deputy_secretary": (1970, 1982),
    "organization": (1968, 1981),
    "discipline": (1967, 1978),
    "executive": (1970, 1982),
    "propaganda": (1969, 1983),
    "political_legal": (1967, 1980),
    "united_front": (1968, 1983),
    "vice_head": (1970, 1986),
}

# County departments: (name, renamed to, in year, exists since). The 2019 reform renamed many.
COUNTY_DEPARTMENTS = (
    ("财政局", None, 0, 0),
    ("民政局", None, 0, 0),
    ("水利局", None, 0, 0),
    ("审计局", None, 0, 0),
    ("统计局", None, 0, 0),
    ("科学技术局", None, 0, 0),
    ("农业局", "农业农村局", 2019, 0),
    ("国土资源局", "自然资源局", 2019, 0),
    ("卫生局", "卫生健康局", 2019, 0),
    ("教育局", "教育和体育局", 2019, 0),
    ("人事局", "人力资源和社会保障局", 2010, 0),
    ("交通局", "交通运输局", 2010, 0),
    ("建设局", "住房和城乡建设局", 2010, 0),
    ("发展和改革局", None, 0, 2005),
    ("商务局", None, 0, 2004),
)
# (office, its deputy head)
CITY_OFFICES = (
    ("示例市委组织部", "副部长"),
    ("示例市委办公室", "副主任"),
    ("示例市人民政府办公室", "副主任"),
    ("示例市财政局", "副局长"),
    ("示例市民政局", "副局长"),
    ("示例市审计局", "副局长"),
)
CITY_BUREAUS = ("示例市财政局", "示例市民政局", "示例市审计局", "示例市统计局")
SECONDMENT_HOSTS = ("示例市发展和改革委员会", "示例市委组织部", "示例市财政局", "示例市委政策研究室")

# A non-CPC 副县长 rises in their profession, by bachelor school kind: 简历 posts E, S, D, V.
NONPARTY_LADDERS = {
    "normal": ("{C}第一中学教师", "{C}第一中学教研室主任", "{C}第一中学副校长", "{C}教育局副局长"),
    "agri": (
        "{C}农业科学研究所研究实习员",
        "{C}农业科学研究所助理研究员",
        "{C}农业科学研究所副所长",
        "{C}农业局副局长",
    ),
    "other": (
        "{C}建设局科员",
        "{C}建设局规划股股长",
        "{C}建设局副局长",
        "{C}科学技术局局长",
    ),
}
NONPARTY_STATUSES = ("民盟盟员", "九三学社社员", "民进会员")

# ---------------------------------------------------------------------- people

# Surname weights roughly follow Shandong's frequencies.
SURNAMES = (
    ("王", 90), ("张", 85), ("李", 80), ("刘", 60), ("孙", 35), ("陈", 30), ("杨", 30),
    ("赵", 30), ("徐", 25), ("马", 20), ("高", 20), ("于", 20), ("吴", 15), ("周", 15),
    ("朱", 15), ("郭", 15), ("胡", 12), ("董", 12), ("宋", 12), ("韩", 12), ("黄", 10),
    ("崔", 10), ("田", 10), ("曹", 10), ("姜", 10), ("魏", 10), ("孔", 8), ("程", 8),
    ("吕", 8), ("杜", 8), ("丁", 8), ("任", 8), ("许", 7), ("冯", 7), ("梁", 7), ("侯", 7),
    ("林", 6), ("何", 6), ("郑", 6), ("石", 6), ("贾", 6), ("范", 6), ("邢", 5), ("邵", 5),
    ("段", 5), ("薛", 5), ("尹", 5), ("袁", 5), ("罗", 5), ("肖", 5), ("牛", 5), ("秦", 5),
    ("唐", 4), ("谢", 4), ("彭", 4), ("潘", 4), ("葛", 4), ("蒋", 3), ("蔡", 3), ("庞", 3),
    ("阎", 3), ("鲁", 3), ("毕", 3), ("邓", 3), ("颜", 2), ("隋", 2), ("臧", 2), ("栾", 2),
    ("宫", 2), ("鞠", 2), ("曾", 2), ("逄", 1), ("綦", 1), ("展", 1),
)  # fmt: skip
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
# (民族, weight, surnames common in that group)
MINORITIES = (
    ("回族", 8, "马白丁金穆沙杨王"),
    ("满族", 4, "关佟金赵那富"),
    ("蒙古族", 2, "包白鲍吴王"),
    ("朝鲜族", 1, "金朴崔李"),
    ("壮族", 1, "韦覃黄陆"),
)
MALE_SINGLE = "伟强军磊勇杰涛斌鹏辉刚峰亮健波浩宇鑫俊龙凯松锋岩坤彬毅猛震晖昊琦旭超"
FEMALE_SINGLE = "丽敏静燕艳娟霞芳玲红梅英萍娜婷雪琳颖慧莉倩洁晶丹蕾欣悦琴"
# Given names by the era of birth: ..1972, 1973-1984, 1985..
MALE_GIVEN = {
    "old": _words(
        "建国 卫东 志强 国庆 建军 立新 永刚 红军 学军 振华 庆丰 广平 玉成 德胜 春雷 金山 长青 "
        "东升 志刚 国栋 宝华 兆龙 延军 传峰 成林 会军 占武 庆林 树青 新民 立军 继东 守信 连生 "
        "向东 卫国 建新 向阳 学锋 红卫 永红 振军 庆军 保国 卫民 长胜"
    ),
    "mid": _words(
        "海涛 晓东 宏伟 文斌 俊杰 明辉 洪亮 继伟 振宇 晓明 世杰 鹏飞 俊峰 海龙 云飞 光明 正阳 "
        "兴旺 开元 志勇 建华 文涛 晓峰 新华 学文 玉龙 国华 卫华 晓光 春晖 庆华 立波 振东 建伟 "
        "海波 晓辉 建平 志华 立峰 永军 文辉 宏亮 鹏程 晓军 国伟 振国 广军 志军 学勇 海峰 长海 "
        "德军 永波 少华 春光 建辉 东亮 庆伟 兆辉 明远 晓阳"
    ),
    "young": _words(
        "浩然 振宇 文博 天宇 晓晨 志远 鹏飞 一鸣 家乐 文杰 天翔 思远 泽宇 晨阳 嘉伟 博文 宇航 "
        "俊豪 昊天 明轩 浩宇 亚飞 子健 凯旋 皓文 瑞峰 旭东 晓宇 鑫宇 嘉豪 鹏宇 家豪 文轩 晨光 "
        "冠宇 政宇 宇轩 建宇 天阳 子恒 亚东 海洋 庆宇 书豪"
    ),
}
FEMALE_GIVEN = {
    "old": _words(
        "红梅 秀英 玉兰 桂芳 丽华 春燕 爱华 凤霞 淑珍 美玲 海燕 晓红 秀芳 红霞 爱玲 素梅 金凤 玉霞 "
        "卫红 红英 秀兰 凤英 玉梅 桂英"
    ),
    "mid": _words(
        "晓燕 丽娟 海霞 艳红 文静 雪梅 春梅 丽娜 晓丽 玉洁 晓静 丽萍 秀丽 海英 慧敏 红艳 艳霞 静静 "
        "晓梅 丽丽 文娟 晓娟 立红 美华 春霞 秀梅 晓霞 艳丽"
    ),
    "young": _words(
        "婷婷 晓雪 文婷 佳佳 莹莹 晨曦 雪莹 梦琪 佳琪 思雨 欣然 雅琪 若楠 诗琪 梦瑶 丹丹 璐璐 一帆 "
        "佳慧 婉婷 晓琳 雪晴 文慧 静雯 美琪 晓璐 佳宁 晓彤"
    ),
}
# Combinations that would name a well-known public figure.
FAMOUS_NAMES = _words(
    "李鹏 李强 王岐山 刘鹤 韩正 汪洋 王毅 李希 蔡奇 马云 马龙 刘翔 姚明 李娜 郎平 王菲 莫言 "
    "雷锋 王凯 刘涛 黄磊 王刚 李勇 张杰 李健 杨坤 胡军 陈坤 范伟 邓超 孙杨 林丹 张伟 丁宁"
)

# ---------------------------------------------------------------------- education

# (name, former name, renamed in year, kind, weight): a graduate gets the name of their year.
BACHELOR_SCHOOLS = (
    ("山东大学", None, 0, "comprehensive", 6),
    ("山东农业大学", None, 0, "agri", 6),
    ("山东师范大学", None, 0, "normal", 5),
    ("曲阜师范大学", None, 0, "normal", 5),
    ("中国海洋大学", "青岛海洋大学", 2002, "comprehensive", 2),
    ("山东科技大学", "山东矿业学院", 1999, "engineering", 2),
    ("聊城大学", "聊城师范学院", 2002, "normal", 3),
    ("山东财经大学", "山东经济学院", 2011, "finance", 3),
    ("山东建筑大学", "山东建筑工程学院", 2006, "engineering", 1),
    ("青岛农业大学", "莱阳农学院", 2007, "agri", 3),
    ("青岛大学", None, 0, "comprehensive", 2),
    ("中国人民大学", None, 0, "comprehensive", 1),
    ("武汉大学", None, 0, "comprehensive", 1),
    ("南开大学", None, 0, "comprehensive", 1),
    ("中国农业大学", "北京农业大学", 1995, "agri", 1),
    ("西北农林科技大学", "西北农业大学", 1999, "agri", 1),
    ("中国政法大学", None, 0, "law", 1),
)
BACHELOR_MAJORS = {
    "comprehensive": ("法学", "行政管理", "经济学", "汉语言文学", "计算机科学与技术", "社会工作", "新闻学"),
    "agri": ("农学", "农林经济管理", "动物医学", "园艺", "植物保护"),
    "normal": ("汉语言文学", "思想政治教育", "历史学", "数学与应用数学", "英语"),
    "finance": ("会计学", "财政学", "经济学", "工商管理"),
    "engineering": ("土木工程", "采矿工程", "计算机科学与技术", "环境工程", "水利水电工程"),
    "law": ("法学", "政治学与行政学"),
}  # fmt: skip
JUNIOR_COLLEGES = (
    ("山东省农业管理干部学院", None, 0, "agri"),
    ("山东省经济管理干部学院", None, 0, "finance"),
    ("山东水利职业学院", "山东水利专科学校", 2002, "water"),
    ("示例师范专科学校", None, 0, "normal"),
)
JUNIOR_MAJORS = {
    "agri": ("农学", "农业经济管理", "畜牧兽医"),
    "finance": ("财务会计", "经济管理", "文秘"),
    "water": ("水利工程", "农田水利工程"),
    "normal": ("中文", "数学", "政史"),
}
GRADUATE_SCHOOLS = (
    ("山东大学", "comprehensive"),
    ("中国人民大学", "comprehensive"),
    ("南开大学", "comprehensive"),
    ("武汉大学", "comprehensive"),
    ("山东农业大学", "agri"),
    ("中国农业大学", "agri"),
    ("南京农业大学", "agri"),
    ("山东师范大学", "normal"),
)
DOCTORAL_SCHOOLS = ("山东大学", "中国人民大学", "南开大学", "中国农业大学", "南京农业大学")
GRADUATE_MAJORS = {
    "comprehensive": ("行政管理", "政治学理论", "区域经济学", "社会学", "中国近现代史"),
    "agri": ("农业经济管理", "作物栽培学与耕作学", "土壤学"),
    "normal": ("马克思主义基本原理", "中国近现代史", "课程与教学论"),
}
# In-service 研究生 at a party school leads to no degree; a professional master's does.
PARTY_SCHOOLS = (
    ("中央党校", ("经济管理", "法学", "政治学")),
    ("山东省委党校", ("经济管理", "法学", "政治学", "行政管理")),
)
PROFESSIONAL_MASTERS = (
    ("山东大学", "公共管理"),
    ("中国海洋大学", "公共管理"),
    ("山东师范大学", "公共管理"),
    ("山东农业大学", "农业推广"),
)
IN_SERVICE_BACHELORS = (
    ("山东省委党校", "经济管理", None),
    ("山东省委党校", "法律", None),
    ("中央党校函授学院", "经济管理", None),
    ("山东大学", "法学", "学士"),
    ("山东农业大学", "农林经济管理", "学士"),
    ("山东师范大学", "汉语言文学", "学士"),
)  # fmt: skip

# Education profiles (full-time + in-service) handed out in exact numbers; the rest "bachelor".
# Township chiefs: ~29% end at 硕士研究生, two 博士, everyone at 大学本科 or above.
CHIEF_EDUCATION = (
    ("doctor", 2),
    ("master", 17),
    ("bachelor+party_school", 16),
    ("bachelor+professional", 9),
    ("college+party_school", 4),
    ("college+bachelor", 34),
)
LEADER_EDUCATION = (
    ("doctor", 1),
    ("master", 9),
    ("bachelor+party_school", 22),
    ("bachelor+professional", 8),
    ("college+party_school", 6),
    ("college+bachelor", 5),
)

# Township chiefs' births: (first, last, how many); the 1980s take the remainder. None is born
# 1990.12-1991.11, so "35岁以下" counts the same whether 35 itself is included or not.
CHIEF_BIRTHS = (
    (ym(1967, 1), ym(1967, 12), 1),
    (ym(1968, 1), ym(1969, 12), 4),
    (ym(1970, 1), ym(1979, 12), 68),
    (ym(1990, 1), ym(1990, 11), 1),
    (ym(1995, 1), ym(1995, 12), 1),
    (ym(1991, 12), ym(1995, 12), 7),
)
CHIEF_BIRTHS_REST = (ym(1980, 1), ym(1989, 12))

FEMALE_SHARE = 0.17
MINORITY_SHARE = 0.07
ID_SHARE = 0.9
ALT_SEPARATOR_SHARE = 0.1
PIPELINE_SHARE = 0.6
DIRECT_FROM_TOWNSHIP = 5
PARTY_SCHOOL_NOTES = 8
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

UNIT_COLUMNS = ("区划代码", "单位名称", "类型", "上级区划代码", "常住人口")
CADRE_COLUMNS = (
    "姓名", "性别", "民族", "出生年月", "籍贯", "政治面貌", "入党时间", "参加工作时间",
    "全日制学历", "全日制学位", "全日制毕业院校及专业", "在职学历", "在职学位",
    "在职毕业院校及专业", "单位", "现任职务", "任现职时间", "身份证号", "简历",
)  # fmt: skip


# ---------------------------------------------------------------------- model


@dataclass(eq=False)
class County:
    code: str
    name: str
    kind: str
    townships: list[Township] = field(default_factory=list)

    @property
    def level(self) -> str:
        """The character of its post titles: 县委书记, 区长, 副市长."""
        return "市" if self.kind == "县级市" else self.kind

    @property
    def short(self) -> str:
        return self.name[:-1]


@dataclass(eq=False)
class Township:
    code: str
    name: str
    kind: str
    population: int
    county: County = field(repr=False)

    def post(self, slot: str) -> str:
        return f"{self.county.name}{self.name}{TOWNSHIP_TITLES[self.kind][slot]}"


@dataclass(eq=False)
class Period:
    start: int
    end: int | None  # None: the post held now
    text: str
    kind: str
    malformed: bool = False
    note: str | None = None  # a （其间：…） line written after this one


@dataclass(eq=False)
class Cadre:
    county: County
    role: str  # secretary or chief in a township; a COUNTY_ROLES key in a county
    township: Township | None
    title: str  # 现任职务
    post: str  # the same post as 简历 writes it
    senior: bool = False
    birth: int = 0
    female: bool = False
    ethnicity: str = "汉族"
    name: str = ""
    party: str = "中共党员"
    profile: str = "bachelor"
    education: dict = field(default_factory=dict)  # the six education columns
    bachelor_kind: str | None = None  # what kind of school gave the bachelor's degree
    study: list[Period] = field(default_factory=list)
    in_service_school: str | None = None
    work_start: int = 0
    start: int = 0
    track: str = "township"  # township, pipeline, office or nonparty
    direct: bool = False  # went straight from a township chief post to this one
    native: County | None = None
    base: County | None = None  # where the early career was spent
    career: list[Period] = field(default_factory=list)
    joined_party: int | None = None
    id_number: str | None = None
    separator: str = "--"

    @property
    def is_party_member(self) -> bool:
        return self.party == "中共党员"


class PostRegistry:
    """Single-seat posts and when they were held, so no two people hold one at the same time."""

    def __init__(self):
        self._held: dict[str, list[tuple[int, int]]] = {}

    def is_free(self, post: str, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self._held.get(post, []))

    def hold(self, post: str, start: int, end: int):
        self._held.setdefault(post, []).append((start, end))


# ---------------------------------------------------------------------- entry point


def build_demo_city(seed: int = DEFAULT_SEED, *, months_later: int = 0) -> tuple[list[dict], list[dict]]:
    """Returns (unit_rows, cadre_rows), each row a dict keyed by the roster workbook's column names."""
    rng = random.Random(seed)
    counties = _build_counties(rng)
    cadres = _build_cadres(rng, counties)
    rows = [_cadre_row(c, counties) for c in cadres]
    return _unit_rows(counties), [shift_row(row, months_later) for row in rows] if months_later else rows


_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\.(\d{2})(?!\d)")


def shift_row(row: dict, months: int) -> dict:
    """The cadre row with every year-month (出生年月, 简历's periods …) and the birth date inside the
    身份证号 moved by `months`. The two 简历 lines written with years only stay as they are: they
    are there to be flagged as unreadable."""

    def moved(match: re.Match) -> str:
        return fmt(ym(int(match[1]), int(match[2])) + months)

    out = {
        k: _YEAR_MONTH.sub(moved, v) if isinstance(v, str) and k != "身份证号" else v for k, v in row.items()
    }
    number = row.get("身份证号")
    if number:
        year, month = divmod(ym(int(number[6:10]), int(number[10:12])) + months, 12)
        day = min(int(number[12:14]), calendar.monthrange(year, month + 1)[1])
        body = f"{number[:6]}{year:04d}{month + 1:02d}{day:02d}{number[14:17]}"
        out["身份证号"] = body + id_check_digit(body)
    return out


# ---------------------------------------------------------------------- units


def _place_name(rng: random.Random, used: set[str]) -> str:
    while True:
        first, second = rng.choice(PLACE_FIRST), rng.choice(PLACE_SECOND)
        name = first + second
        if first != second and name not in BLOCKED_PLACE_NAMES and name not in used:
            used.add(name)
            return name


def _build_counties(rng: random.Random) -> list[County]:
    used = {name[:-1] for _, name, *_ in COUNTIES}
    streets = iter(rng.sample(STREET_NAMES, sum(spec[3] for spec in COUNTIES)))
    used.update(STREET_NAMES)
    counties = []
    for digits, name, kind, n_street, n_town, n_xiang in COUNTIES:
        county = County(f"3799{digits}000000", name, kind)
        for i in range(n_street):
            county.townships.append(
                Township(
                    f"3799{digits}{i + 1:03d}000",
                    f"{next(streets)}街道",
                    "街道",
                    rng.randint(42000, 95000),
                    county,
                )
            )
        for i in range(n_town + n_xiang):
            is_xiang = i >= n_town
            population = rng.randint(12000, 30000) if is_xiang else rng.randint(18000, 72000)
            county.townships.append(
                Township(
                    f"3799{digits}{101 + i:03d}000",
                    _place_name(rng, used) + ("乡" if is_xiang else "镇"),
                    "乡" if is_xiang else "镇",
                    population,
                    county,
                )
            )
        counties.append(county)
    # One name recurs in two counties, as real names do, so 单位 must say 上级名称/名称.
    first, second = rng.sample([c for c in counties if c.kind == "县"], 2)
    source = rng.choice([t for t in first.townships if t.kind == "镇"])
    rng.choice([t for t in second.townships if t.kind == "镇"]).name = source.name
    return counties


def _unit_rows(counties: list[County]) -> list[dict]:
    total = sum(t.population for c in counties for t in c.townships)
    rows = [_unit_row(CITY_CODE, CITY_NAME, "市", None, total)]
    for county in counties:
        population = sum(t.population for t in county.townships)
        rows.append(_unit_row(county.code, county.name, county.kind, CITY_CODE, population))
    for county in counties:
        for t in county.townships:
            rows.append(_unit_row(t.code, t.name, t.kind, county.code, t.population))
    return rows


def _unit_row(code, name, kind, parent, population) -> dict:
    return dict(zip(UNIT_COLUMNS, (code, name, kind, parent, population), strict=True))


# ---------------------------------------------------------------------- cadres


def _build_cadres(rng: random.Random, counties: list[County]) -> list[Cadre]:
    leaders = _county_leaders(rng, counties)
    chiefs = _township_chiefs(counties)
    everyone = leaders + chiefs
    _assign_births(rng, leaders, chiefs)
    _assign_demography(rng, everyone)
    _assign_nonparty(rng, leaders)
    _assign_education(rng, chiefs, CHIEF_EDUCATION)
    _assign_education(rng, leaders, LEADER_EDUCATION)
    _assign_tracks(rng, leaders)
    for cadre in everyone:
        cadre.start = _appointment(rng, cadre)
    _assign_places(rng, everyone, counties)

    registry = PostRegistry()
    for cadre in everyone:
        if cadre.role != "vice_head":
            registry.hold(cadre.post, cadre.start, FOREVER)
    writer = _CareerWriter(rng, counties, registry)
    # Those who need particular past posts choose before the rest take them.
    order = (
        [c for c in leaders if c.direct]
        + [c for c in leaders if c.track == "pipeline" and not c.direct]
        + [c for c in leaders if c.track != "pipeline"]
        + [c for c in chiefs if c.role == "secretary"]
        + [c for c in chiefs if c.role == "chief"]
    )
    for cadre in order:
        writer.build(cadre)

    _assign_names(rng, everyone)
    for cadre in everyone:
        cadre.joined_party = _joined_party(rng, cadre)
    _assign_id_numbers(rng, everyone)
    _assign_party_school_notes(rng, everyone)
    _assign_separators(rng, everyone)
    _assign_malformed(rng, leaders, chiefs)
    return [c for county in counties for c in everyone if c.county is county]


def _county_leaders(rng: random.Random, counties: list[County]) -> list[Cadre]:
    # Four teams of nine and three of eight: about sixty people.
    larger = rng.sample(range(len(counties)), 4)
    leaders = []
    for index, county in enumerate(counties):
        roles = [*CORE_ROLES, rng.choice(EXTRA_STANDING_ROLES), "vice_head"]
        if index in larger:
            roles.append("vice_head")
        for role in roles:
            title, post, senior = COUNTY_ROLES[role]
            values = {"L": county.level, "C": county.name}
            leaders.append(Cadre(county, role, None, title.format(**values), post.format(**values), senior))
    return leaders


def _township_chiefs(counties: list[County]) -> list[Cadre]:
    chiefs = []
    for county in counties:
        for t in county.townships:
            titles = TOWNSHIP_TITLES[t.kind]
            chiefs.append(Cadre(county, "secretary", t, titles["secretary"], t.post("secretary")))
            chiefs.append(Cadre(county, "chief", t, titles["chief"], t.post("chief_full")))
    return chiefs


def _assign_births(rng: random.Random, leaders: list[Cadre], chiefs: list[Cadre]):
    births = [rng.randint(lo, hi) for lo, hi, n in CHIEF_BIRTHS for _ in range(n)]
    births += [rng.randint(*CHIEF_BIRTHS_REST) for _ in range(len(chiefs) - len(births))]
    rng.shuffle(births)
    pairs = zip(births[::2], births[1::2], strict=True)
    for secretary, chief, pair in zip(chiefs[::2], chiefs[1::2], pairs, strict=True):
        older, younger = sorted(pair)
        # The secretary is usually the elder of the two.
        secretary.birth, chief.birth = (older, younger) if rng.random() < 0.8 else (younger, older)
    for cadre in leaders:
        first, last = ROLE_BIRTH_YEARS[cadre.role]
        cadre.birth = rng.randint(ym(first, 1), ym(last, 12))
    # The oldest of all, born 1966, sits on a county standing committee.
    veteran = rng.choice([c for c in leaders if c.role in ("discipline", *EXTRA_STANDING_ROLES)])
    veteran.birth = rng.randint(ym(1966, 7), ym(1966, 12))


def _assign_demography(rng: random.Random, everyone: list[Cadre]):
    n = len(everyone)
    for i in rng.sample(range(n), round(FEMALE_SHARE * n)):
        everyone[i].female = True
    groups = [g for g, _, _ in MINORITIES]
    weights = [w for _, w, _ in MINORITIES]
    for i in rng.sample(range(n), round(MINORITY_SHARE * n)):
        everyone[i].ethnicity = rng.choices(groups, weights)[0]


def _assign_nonparty(rng: random.Random, leaders: list[Cadre]):
    # Governments keep a non-CPC deputy head or two; two teams here do.
    vice_heads = [c for c in leaders if c.role == "vice_head"]
    by_county = []
    for cadre in vice_heads:
        if all(other.county is not cadre.county for other in by_county):
            by_county.append(cadre)
    for cadre in rng.sample(by_county, 2):
        cadre.party = rng.choice(NONPARTY_STATUSES)
        cadre.track = "nonparty"


# ---------------------------------------------------------------------- education


def _eligible(profile: str, cadre: Cadre) -> bool:
    year = cadre.birth // 12
    if profile.endswith("party_school") and not cadre.is_party_member:
        return False
    limits = {
        "doctor": (1975, 1988),
        "master": (1972, 9999),
        "bachelor+party_school": (0, 1988),
        "bachelor+professional": (0, 1990),
        "college+party_school": (0, 1985),
        "college+bachelor": (0, 1987),
    }
    lo, hi = limits.get(profile, (0, 9999))
    return lo <= year <= hi


def _assign_education(rng: random.Random, cadres: list[Cadre], counts):
    profiles = [profile for profile, n in counts for _ in range(n)]
    rng.shuffle(profiles)
    unassigned = list(cadres)
    for profile in profiles:
        eligible = [c for c in unassigned if _eligible(profile, c)]
        if eligible:
            chosen = rng.choice(eligible)
            chosen.profile = profile
            unassigned.remove(chosen)
    for cadre in cadres:
        _build_education(rng, cadre)


def _school_name(name: str, former: str | None, renamed: int, graduated: int) -> str:
    return former if former and graduated < renamed else name


def _build_education(rng: random.Random, cadre: Cadre):
    full_time, _, in_service = cadre.profile.partition("+")
    birth_year, birth_month = divmod(cadre.birth, 12)
    entry_age = rng.choice((17, 18, 18, 18, 19))
    if entry_age == 17 and birth_month >= 8:
        entry_age = 18
    start = ym(birth_year + entry_age, 9)
    study: list[Period] = []
    edu = dict.fromkeys(CADRE_COLUMNS[8:14])

    if full_time == "college":
        name, former, renamed, kind = rng.choice(JUNIOR_COLLEGES)
        end = ym(start // 12 + (3 if rng.random() < 0.8 else 2), 7)
        school = _school_name(name, former, renamed, end // 12) + rng.choice(JUNIOR_MAJORS[kind]) + "专业"
        study.append(Period(start, end, f"{school}学习", "study"))
        edu.update({"全日制学历": "大学专科", "全日制毕业院校及专业": school})
    else:
        name, former, renamed, kind, _ = rng.choices(BACHELOR_SCHOOLS, [s[4] for s in BACHELOR_SCHOOLS])[0]
        end = ym(start // 12 + 4, 7)
        school = _school_name(name, former, renamed, end // 12) + rng.choice(BACHELOR_MAJORS[kind]) + "专业"
        study.append(Period(start, end, f"{school}学习", "study"))
        edu.update({"全日制学历": "大学本科", "全日制学位": "学士", "全日制毕业院校及专业": school})
        cadre.bachelor_kind = kind
    if full_time in ("master", "doctor"):
        name, kind = rng.choice(GRADUATE_SCHOOLS)
        begin, end = end, ym(end // 12 + (2 if end // 12 >= 2010 and rng.random() < 0.3 else 3), 7)
        school = f"{name}{rng.choice(GRADUATE_MAJORS[kind])}专业"
        study.append(Period(begin, end, f"{school}硕士研究生学习", "study"))
        edu.update({"全日制学历": "硕士研究生", "全日制学位": "硕士", "全日制毕业院校及专业": school})
    if full_time == "doctor":
        name = rng.choice(DOCTORAL_SCHOOLS)
        kind = dict(GRADUATE_SCHOOLS)[name]
        begin, end = end, ym(end // 12 + 3, 7)
        school = f"{name}{rng.choice(GRADUATE_MAJORS[kind])}专业"
        study.append(Period(begin, end, f"{school}博士研究生学习", "study"))
        edu.update({"全日制学历": "博士研究生", "全日制学位": "博士", "全日制毕业院校及专业": school})

    if in_service == "party_school":
        name, majors = rng.choices(PARTY_SCHOOLS, (1, 2))[0]
        cadre.in_service_school = name
        edu.update({"在职学历": "硕士研究生", "在职毕业院校及专业": f"{name}{rng.choice(majors)}专业"})
    elif in_service == "professional":
        name, major = rng.choice(PROFESSIONAL_MASTERS)
        edu.update({"在职学历": "硕士研究生", "在职学位": "硕士", "在职毕业院校及专业": f"{name}{major}专业"})
    elif in_service == "bachelor":
        name, major, degree = rng.choice(IN_SERVICE_BACHELORS)
        edu.update({"在职学历": "大学本科", "在职学位": degree, "在职毕业院校及专业": f"{name}{major}专业"})

    cadre.education.update(edu)
    cadre.study = study
    cadre.work_start = end


# ---------------------------------------------------------------------- appointments


def _earliest_appointment(cadre: Cadre) -> int:
    if cadre.township:
        years_of_work, min_age = (7, 29) if cadre.role == "secretary" else (5, 27)
    else:
        years_of_work, min_age = (15, 37) if cadre.senior else (10, 32)
    earliest = max(EARLIEST_APPOINTMENT, cadre.work_start + 12 * years_of_work, cadre.birth + 12 * min_age)
    return min(earliest, LATEST_APPOINTMENT)


def _appointment(rng: random.Random, cadre: Cadre) -> int:
    lo = _earliest_appointment(cadre)
    window_open, window_close = REELECTION
    if cadre.direct or (lo <= window_close and rng.random() < 0.45):
        return rng.randint(max(lo, window_open), window_close)
    return rng.randint(lo, LATEST_APPOINTMENT)


def _assign_tracks(rng: random.Random, leaders: list[Cadre]):
    members = [c for c in leaders if c.is_party_member]
    for cadre in members:
        cadre.track = "office"
    pipeline = rng.sample(members, round(PIPELINE_SHARE * len(leaders)))
    for cadre in pipeline:
        cadre.track = "pipeline"
    # Some went at the 2021 re-election straight from a township to the county team.
    candidates = [c for c in pipeline if not c.senior and _earliest_appointment(c) <= REELECTION[1]]
    for cadre in rng.sample(candidates, min(DIRECT_FROM_TOWNSHIP, len(candidates))):
        cadre.direct = True


def _assign_places(rng: random.Random, everyone: list[Cadre], counties: list[County]):
    for cadre in everyone:
        others = [c for c in counties if c is not cadre.county]
        if cadre.township:
            cadre.native = cadre.county if rng.random() < 0.8 else rng.choice(others)
            cadre.base = cadre.county if rng.random() < 0.9 else cadre.native
        else:
            local = cadre.role not in AVOIDING_ROLES and rng.random() < 0.4
            cadre.native = cadre.county if local else rng.choice(others)
            cadre.base = cadre.native if rng.random() < 0.7 else cadre.county


# ---------------------------------------------------------------------- careers


def _split(rng: random.Random, span: int, n: int) -> list[int]:
    floor = min(12, span // n)
    spare = span - floor * n
    weights = [rng.uniform(0.6, 1.6) for _ in range(n)]
    lengths = [floor + int(spare * w / sum(weights)) for w in weights]
    lengths[-1] += span - sum(lengths)
    return lengths


def _department(rng: random.Random, year: int) -> str:
    names = []
    for name, renamed_to, renamed, since in COUNTY_DEPARTMENTS:
        if year >= since:
            names.append(renamed_to if renamed_to and year >= renamed else name)
    return rng.choice(names)


def _renamed(text: str, year: int) -> str:
    for name, renamed_to, renamed, _ in COUNTY_DEPARTMENTS:
        if renamed_to and year >= renamed:
            text = text.replace(name, renamed_to)
    return text


class _CareerWriter:
    """Writes the posts between someone's graduation and their present post."""

    # Ladders: (every rung the career may have, the rungs it must have). E entry, E2 transfer,
    # S section, D/D2 deputy, V 正科 before a chief post, C 镇长 or bureau head, K 党委书记 or
    # key office, PJ a 副处 post, PS the 副处 post before a 正处 one.
    LADDERS = {
        "nonparty": (("E", "S", "D", "V"), ("E", "D")),
        "chief": (("E", "E2", "S", "D", "D2", "V"), ("E", "D")),
        "secretary": (("E", "E2", "S", "D", "D2", "V", "C"), ("E", "D", "C")),
        "direct": (("E", "S", "D", "D2", "V", "C", "K"), ("E", "D", "K")),
        "deputy": (("E", "S", "D", "D2", "V", "C", "K", "PJ"), ("E", "D", "K")),
        "senior": (("E", "S", "D", "D2", "V", "C", "K", "PJ", "PS"), ("E", "D", "K", "PS")),
    }

    def __init__(self, rng: random.Random, counties: list[County], registry: PostRegistry):
        self.rng, self.counties, self.registry = rng, counties, registry
        self._previous: str | None = None

    def build(self, cadre: Cadre):
        rng = self.rng
        full, required = self.LADDERS[self._ladder(cadre)]
        span = cadre.start - cadre.work_start
        n = max(len(required), min(len(full), round(span / rng.uniform(34, 52)), span // 12))
        optional = [rung for rung in full if rung not in required]
        extra = rng.sample(optional, min(len(optional), max(0, n - len(required))))
        rungs = [rung for rung in full if rung in required or rung in extra]
        start, self._previous = cadre.work_start, None
        for rung, length in zip(rungs, _split(rng, span, len(rungs)), strict=True):
            end = start + length
            # Two periods in a row with the same post would be one period.
            for _ in range(20):
                text = self._post(cadre, rung, start, end)
                if text != self._previous:
                    break
            cadre.career.append(Period(start, end, text, rung))
            start, self._previous = end, text
        cadre.career.append(Period(cadre.start, None, cadre.post, "current"))

    @staticmethod
    def _ladder(cadre: Cadre) -> str:
        if cadre.track == "nonparty":
            return "nonparty"
        if cadre.township:
            return cadre.role
        if cadre.senior:
            return "senior"
        return "direct" if cadre.direct else "deputy"

    def _post(self, cadre: Cadre, rung: str, start: int, end: int) -> str:
        rng, home, year = self.rng, cadre.base, start // 12
        if cadre.track == "nonparty":
            ladder = NONPARTY_LADDERS.get(cadre.bachelor_kind, NONPARTY_LADDERS["other"])
            return _renamed(ladder["ESDV".index(rung)].format(C=home.name), year)
        local = cadre.track in ("township", "pipeline")
        if rung in ("E", "E2"):
            if rng.random() < (0.6 if local else 0.1):
                return self._township_entry(home, year, first_post=rung == "E")
            return self._office_entry(home, year)
        if rung == "S":
            if local and rng.random() < 0.5:
                return rng.choice(home.townships).post("section")
            return self._office_section(home)
        if rung in ("D", "D2"):
            # Young graduates are made deputies in townships, not in county offices.
            young = start - cadre.birth < 12 * 30
            if young or rng.random() < (0.8 if local else 0.3):
                t = rng.choice(home.townships)
                return f"{home.name}{t.name}{rng.choice(TOWNSHIP_TITLES[t.kind]['deputies'])}"
            return self._office_deputy(home, year)
        if rung == "V":
            if local and rng.random() < 0.8:
                return rng.choice(home.townships).post("vice")
            return self._claim(cadre, self._bureau_heads(home, year), start, end) or (
                self._office_deputy(home, year)
            )
        # A single-seat post already taken for the whole period falls back to the next choice.
        if rung == "C":
            chance = {"township": 0.75, "pipeline": 0.7}.get(cadre.track, 0)
            return (
                (rng.random() < chance and self._claim_township(cadre, "chief_full", start, end))
                or self._claim(cadre, self._bureau_heads(home, year), start, end)
                or self._office_deputy(home, year)
            )
        if rung == "K":
            return (
                (cadre.track == "pipeline" and self._claim_township(cadre, "secretary", start, end))
                or (cadre.track == "pipeline" and self._claim_township(cadre, "chief_full", start, end))
                or self._claim(cadre, self._key_offices(home), start, end)
                or self._claim(cadre, self._bureau_heads(home, year), start, end)
                or f"{home.name}委组织部副部长"
            )
        if rung == "PJ":
            return self._junior_county_post(cadre, start, end)
        return self._senior_county_post(cadre, start, end)

    def _claim(self, cadre: Cadre, candidates: list[str], start: int, end: int) -> str | None:
        """The first single-seat post free for the whole period, now held by this cadre."""
        for post in candidates:
            taken = post in (cadre.post, self._previous)
            if not taken and self.registry.is_free(post, start, end):
                self.registry.hold(post, start, end)
                return post
        return None

    def _shuffled(self, items):
        return self.rng.sample(list(items), len(items))

    def _claim_township(self, cadre: Cadre, slot: str, start: int, end: int) -> str | None:
        near = cadre.county if cadre.township or cadre.direct else cadre.base
        others = [t for c in self.counties if c is not near for t in c.townships]
        townships = self._shuffled(near.townships) + self._shuffled(others)
        # A secretary was often promoted from 镇长 of the same township.
        if cadre.township and slot == "chief_full" and self.rng.random() < 0.35:
            townships.remove(cadre.township)
            townships.insert(0, cadre.township)
        return self._claim(cadre, [t.post(slot) for t in townships], start, end)

    def _township_entry(self, home: County, year: int, first_post: bool) -> str:
        t = self.rng.choice(home.townships)
        options = [t.post("clerk")]
        # 选调生 since 2008 begin as a village secretary's assistant; 街道 have no villages.
        if year >= 2008 and first_post and t.kind != "街道":
            village = self.rng.choices([s for s, _ in SURNAMES[:30]])[0] + self.rng.choice(VILLAGE_ENDINGS)
            options += [f"{home.name}{t.name}{village}村党支部书记助理"] * 2
        if year <= 2000 and t.kind != "街道":
            options.append(f"{home.name}{t.name}农业技术推广站技术员")
        return self.rng.choice(options)

    def _office_entry(self, home: County, year: int) -> str:
        r = self.rng.random()
        if r < 0.2:
            return f"{self.rng.choice(CITY_OFFICES)[0]}科员"
        if r < 0.35 and year <= 1998:
            return f"{home.name}第{self.rng.choice('一二三')}中学教师"
        office = self.rng.choice(["委办公室", "委组织部", "人民政府办公室", _department(self.rng, year)])
        return f"{home.name}{office}科员"

    def _office_section(self, home: County) -> str:
        c = home.name
        return self.rng.choice(
            [
                f"{c}委办公室秘书科科长",
                f"{c}委组织部组织科科长",
                f"{c}委组织部干部科科长",
                f"{c}人民政府办公室综合科科长",
                f"{c}财政局预算股股长",
                f"{self.rng.choice(CITY_OFFICES)[0]}综合科副科长",
            ]
        )

    def _office_deputy(self, home: County, year: int) -> str:
        c = home.name
        return self.rng.choice(
            [
                f"{c}{_department(self.rng, year)}副局长",
                f"{c}{_department(self.rng, year)}副局长",
                f"共青团{c}委员会副书记",
                f"{c}委组织部副部长",
                f"{c}委办公室副主任",
                f"{c}人民政府办公室副主任",
            ]
        )

    def _bureau_heads(self, home: County, year: int) -> list[str]:
        return [f"{home.name}{_department(self.rng, year)}局长" for _ in range(8)]

    def _key_offices(self, home: County) -> list[str]:
        c = home.name
        return self._shuffled(
            [
                f"{c}委办公室主任",
                f"{c}人民政府办公室主任",
                f"{c}委组织部常务副部长",
                f"{c}财政局局长",
                "示例市委组织部干部一科科长",
                "示例市委办公室秘书一科科长",
            ]
        )

    def _junior_county_post(self, cadre: Cadre, start: int, end: int) -> str:
        rng = self.rng
        county = cadre.county if rng.random() < 0.6 else cadre.base
        vice_head = f"{county.name}副{county.level}长"
        office, title = rng.choice(CITY_OFFICES)
        # A 副县长 now may not have been 副县长 of the same county just before.
        elsewhere = f"{office}{title}" if vice_head == cadre.post else vice_head
        r = rng.random()
        if r < 0.45:
            return elsewhere
        if r < 0.65:
            return f"{office}{title}"
        roles = ("propaganda", "political_legal", "united_front")
        candidates = [
            COUNTY_ROLES[role][1].format(C=c.name, L=c.level)
            for c in [county, *self._shuffled(self.counties)]
            for role in self._shuffled(roles)
        ]
        return self._claim(cadre, candidates, start, end) or elsewhere

    def _senior_county_post(self, cadre: Cadre, start: int, end: int) -> str:
        candidates = []
        for c in self._shuffled(self.counties):
            if cadre.role == "secretary":
                candidates.append(COUNTY_ROLES["head"][1].format(C=c.name, L=c.level))
            for role in ("deputy_secretary", "executive", "organization"):
                candidates.append(COUNTY_ROLES[role][1].format(C=c.name, L=c.level))
        candidates += [f"{bureau}局长" for bureau in CITY_BUREAUS]
        return self._claim(cadre, self._shuffled(candidates), start, end) or "示例市委副秘书长"


# ---------------------------------------------------------------------- names and numbers


def _given_name(rng: random.Random, female: bool, birth_year: int) -> str:
    era = "old" if birth_year <= 1972 else "mid" if birth_year <= 1984 else "young"
    if rng.random() < 0.25:
        era = {"old": "mid", "mid": rng.choice(("old", "young")), "young": "mid"}[era]
    if rng.random() < 0.25:
        return rng.choice(FEMALE_SINGLE if female else MALE_SINGLE)
    return rng.choice((FEMALE_GIVEN if female else MALE_GIVEN)[era])


def _surname(rng: random.Random, ethnicity: str) -> str:
    for group, _, surnames in MINORITIES:
        if group == ethnicity:
            return rng.choice(surnames)
    return rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]


def _assign_names(rng: random.Random, everyone: list[Cadre]):
    han = [i for i, c in enumerate(everyone) if c.ethnicity == "汉族"]
    compound = dict(zip(rng.sample(han, 2), ["欧阳", rng.choice(COMPOUND_SURNAMES[1:])], strict=True))
    names, taken = set(), set()
    for i, cadre in enumerate(everyone):
        while True:
            surname = compound.get(i) or _surname(rng, cadre.ethnicity)
            name = surname + _given_name(rng, cadre.female, cadre.birth // 12)
            if name in FAMOUS_NAMES or (name, cadre.birth) in taken:
                continue
            # Namesakes occur, but rarely; they are told apart by 出生年月.
            if name not in names or rng.random() < 0.1:
                break
        names.add(name)
        taken.add((name, cadre.birth))
        cadre.name = name


def _joined_party(rng: random.Random, cadre: Cadre) -> int | None:
    if not cadre.is_party_member:
        return None
    deputy = next((p.start for p in cadre.career if p.kind in ("D", "D2", "V", "C", "K")), cadre.start)
    lo = max(cadre.birth + 12 * 18, cadre.work_start - 30)
    hi = min(cadre.work_start + 48, deputy - 3)
    return rng.randint(lo, max(lo, hi))


def id_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _assign_id_numbers(rng: random.Random, everyone: list[Cadre]):
    n = len(everyone)
    missing = rng.sample(range(n), n - round(ID_SHARE * n))
    issued = set()
    for i, cadre in enumerate(everyone):
        if i in missing:
            continue
        year, month = cadre.birth // 12, cadre.birth % 12 + 1
        while True:
            day = rng.randint(1, calendar.monthrange(year, month)[1])
            # The sequence number's last digit is odd for men and even for women.
            last = rng.choice("02468" if cadre.female else "13579")
            body = f"{cadre.native.code[:6]}{year:04d}{month:02d}{day:02d}{rng.randint(0, 99):02d}{last}"
            number = body + id_check_digit(body)
            if number not in issued:
                break
        issued.add(number)
        cadre.id_number = number


# ---------------------------------------------------------------------- 简历 variety


def _assign_party_school_notes(rng: random.Random, everyone: list[Cadre]):
    candidates = []
    for cadre in everyone:
        if cadre.in_service_school and cadre.start // 12 - 1 >= cadre.work_start // 12 + 3:
            candidates.append(cadre)
    for cadre in rng.sample(candidates, min(PARTY_SCHOOL_NOTES, len(candidates))):
        year = rng.randint(cadre.work_start // 12 + 3, min(cadre.start // 12 - 1, 2021))
        begin, end = ym(year, 9), ym(year + 3, 7)
        period = next(p for p in cadre.career if p.start <= begin < (p.end or FOREVER))
        if period.end is None:
            continue
        where = (
            "在中央党校在职研究生班学习"
            if cadre.in_service_school == "中央党校"
            else "在省委党校研究生班在职学习"
        )
        period.note = f"（其间：{fmt(begin)}--{fmt(end)} {where}）"


def _assign_separators(rng: random.Random, everyone: list[Cadre]):
    n = len(everyone)
    for i in rng.sample(range(n), round(ALT_SEPARATOR_SHARE * n)):
        everyone[i].separator = rng.choice(("—", "至", "～"))


def _assign_malformed(rng: random.Random, leaders: list[Cadre], chiefs: list[Cadre]):
    # One chief and one leader each have a secondment written without months, which an
    # importer must flag rather than drop.
    for group in (chiefs, leaders):
        candidates = [
            (cadre, period)
            for cadre in group
            if cadre.separator == "--" and not any(p.note for p in cadre.career)
            for period in cadre.career
            if period.kind in ("S", "D2", "E2") and period.start // 12 < period.end // 12
        ]
        _, period = rng.choice(candidates)
        period.text = f"在{rng.choice(SECONDMENT_HOSTS)}挂职锻炼"
        period.malformed = True


def _resume(cadre: Cadre) -> str:
    sep = cadre.separator
    lines = []
    for p in cadre.study + cadre.career:
        if p.malformed:
            lines.append(f"{p.start // 12}--{p.end // 12}  {p.text}")
        elif p.end is None:
            lines.append(f"{fmt(p.start)}{'至今' if sep == '至' else sep}  {p.text}")
        else:
            lines.append(f"{fmt(p.start)}{sep}{fmt(p.end)}  {p.text}")
        if p.note:
            lines.append(p.note if sep == "--" else p.note.replace("--", sep))
    return "\n".join(lines)


def _cadre_row(cadre: Cadre, counties: list[County]) -> dict:
    unit = cadre.county.name
    if cadre.township:
        unit = cadre.township.name
        repeated = [t for c in counties for t in c.townships if t.name == unit]
        if len(repeated) > 1:
            unit = f"{cadre.county.name}/{unit}"
    values = {
        "姓名": cadre.name,
        "性别": "女" if cadre.female else "男",
        "民族": cadre.ethnicity,
        "出生年月": fmt(cadre.birth),
        "籍贯": f"山东{cadre.native.short}",
        "政治面貌": cadre.party,
        "入党时间": fmt(cadre.joined_party) if cadre.joined_party is not None else None,
        "参加工作时间": fmt(cadre.work_start),
        **{column: cadre.education.get(column) for column in CADRE_COLUMNS[8:14]},
        "单位": unit,
        "现任职务": cadre.title,
        "任现职时间": fmt(cadre.start),
        "身份证号": cadre.id_number,
        "简历": _resume(cadre),
    }
    return {column: values[column] for column in CADRE_COLUMNS}
