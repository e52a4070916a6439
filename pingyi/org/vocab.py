"""The closed lists of the roster workbook and their accepted synonyms (spec/roster.md)."""

import functools
import re

from django.db import models


class UnitKind(models.TextChoices):
    CITY = "市", "市"
    DISTRICT = "区", "区"
    COUNTY = "县", "县"
    COUNTY_CITY = "县级市", "县级市"
    XIANG = "乡", "乡"
    TOWN = "镇", "镇"
    SUBDISTRICT = "街道", "街道"


COUNTY_KINDS = (UnitKind.DISTRICT, UnitKind.COUNTY, UnitKind.COUNTY_CITY)
TOWNSHIP_KINDS = (UnitKind.XIANG, UnitKind.TOWN, UnitKind.SUBDISTRICT)


class Education(models.IntegerChoices):
    """Ordered so that max() is the higher education (statistics.md)."""

    HIGH_SCHOOL = 1, "高中及以下"
    SECONDARY = 2, "中专"
    JUNIOR_COLLEGE = 3, "大学专科"
    BACHELOR = 4, "大学本科"
    MASTER = 5, "硕士研究生"
    DOCTOR = 6, "博士研究生"


class Degree(models.IntegerChoices):
    BACHELOR = 1, "学士"
    MASTER = 2, "硕士"
    DOCTOR = 3, "博士"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族",
    "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族",
    "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族",
    "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族",
    "基诺族",
]  # fmt: skip

POLITICAL_STATUSES = [
    "中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员",
    "农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众",
]  # fmt: skip
POLITICAL_SYNONYMS = {
    "党员": "中共党员",
    "预备党员": "中共预备党员",
    "团员": "共青团员",
    "民革": "民革党员",
    "民盟": "民盟盟员",
    "民建": "民建会员",
    "民进": "民进会员",
    "农工党": "农工党党员",
    "致公党": "致公党党员",
    "九三学社": "九三学社社员",
    "台盟": "台盟盟员",
}

EDUCATION_SYNONYMS = {
    "本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "大专": Education.JUNIOR_COLLEGE,
    "专科": Education.JUNIOR_COLLEGE,
    "高中": Education.HIGH_SCHOOL,
    "初中": Education.HIGH_SCHOOL,
}
DEGREE_SYNONYMS = {"博士学位": Degree.DOCTOR, "硕士学位": Degree.MASTER, "学士学位": Degree.BACHELOR}

# 党政正职 in a township-level unit (roster.md); never a title that begins with 副.
CHIEF_TITLES = {"党委书记", "党工委书记", "乡长", "镇长", "街道办事处主任"}
SUBDISTRICT_CHIEF_TITLES = {"主任"}


def is_chief_title(unit_kind: str, title: str) -> bool:
    if unit_kind not in TOWNSHIP_KINDS or title.startswith("副"):
        return False
    if title in CHIEF_TITLES:
        return True
    return unit_kind == UnitKind.SUBDISTRICT and title in SUBDISTRICT_CHIEF_TITLES


# 中央党校研究生, 省委党校大学 …: in-service education at the level named (statistics.md).
PARTY_SCHOOL = re.compile(r"^(?:中央|省委|市委|县委|区委|省|市)?党校(研究生|大学|大专)(?:学历)?$")
PARTY_SCHOOL_LEVELS = {
    "研究生": Education.MASTER,
    "大学": Education.BACHELOR,
    "大专": Education.JUNIOR_COLLEGE,
}


def is_party_school(text: str) -> bool:
    return PARTY_SCHOOL.match(text.strip()) is not None


@functools.lru_cache(maxsize=512)
def education_from_text(text: str, degree: int | None = None) -> int | None:
    # Cached: an import asks this of a handful of wordings tens of thousands of times.
    text = text.strip()
    if match := PARTY_SCHOOL.match(text):
        return PARTY_SCHOOL_LEVELS[match[1]]
    for choice in Education:
        if text == choice.label:
            return choice.value
    if text in EDUCATION_SYNONYMS:
        return EDUCATION_SYNONYMS[text]
    if text.startswith("研究生"):
        return Education.DOCTOR if degree == Degree.DOCTOR else Education.MASTER
    return None


@functools.lru_cache(maxsize=128)
def degree_from_text(text: str) -> int | None:
    text = text.strip()
    for choice in Degree:
        if text == choice.label:
            return choice.value
    return DEGREE_SYNONYMS.get(text)


# 县（市、区）党政领导班子: 书记, 副书记, 常委, 县长/区长/市长 and their 副 (statistics.md).
_COUNTY_TEAM_TITLE = re.compile(r"(?:[县区市]委)?(?:副?书记|常委)|(?:常务)?副?[县区市]长")


def is_county_team_title(unit_kind: str, title: str) -> bool:
    return unit_kind in COUNTY_KINDS and bool(_COUNTY_TEAM_TITLE.fullmatch(title))


# 简历 lines name the unit and the titles in one string: `柘川县凤坡镇党委副书记、镇长`.
_TOWNSHIP_CHIEF_TEXT = re.compile(r"(?:乡|镇|街道)(?:党委书记|党工委书记|乡长|镇长|办事处主任)$")
_TOWNSHIP = re.compile(r"乡|镇|街道")
_TOWNSHIP_CHIEF_ALONE = {"党委书记", "党工委书记", "乡长", "镇长", "街道办事处主任", "办事处主任"}
_COUNTY_TEAM_TEXT = re.compile(r"[县区市]委(?:副?书记|常委)$|[县区市](?:常务)?副?[县区市]长$")
_COUNTY = re.compile(r"[县区]|市委|市政府")
_COUNTY_TEAM_ALONE = re.compile(r"(?:常务)?副?[县区市]长|常委|副书记")


def _resume_parts(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[、，,；;]", text) if p.strip()]


def is_township_chief_text(text: str) -> bool:
    """Does a 简历 line's 单位职务 include a township chief post?"""
    parts = _resume_parts(text)
    if not parts or not _TOWNSHIP.search(parts[0]):
        return False
    return bool(_TOWNSHIP_CHIEF_TEXT.search(parts[0])) or any(p in _TOWNSHIP_CHIEF_ALONE for p in parts[1:])


def is_county_team_text(text: str) -> bool:
    """Does a 简历 line's 单位职务 include a county leadership-team post?

    A line that names a township (青山镇党委书记) is a township post even though
    its county is named first.
    """
    parts = _resume_parts(text)
    if not parts or _TOWNSHIP.search(parts[0]) or not _COUNTY.search(parts[0]):
        return False
    return bool(_COUNTY_TEAM_TEXT.search(parts[0])) or any(_COUNTY_TEAM_ALONE.fullmatch(p) for p in parts[1:])
