"""The demo city must look like a real roster: these are the properties demos and statistics rely on."""

import re
from collections import Counter
from itertools import pairwise

import pytest

from pingyi.org.demo_data import build_demo_city

CITY_CODE = "379900000000"
COUNTY_KINDS = ("区", "县", "县级市")
TOWNSHIP_KINDS = ("乡", "镇", "街道")
EDUCATION_RANK = {"大学专科": 3, "大学本科": 4, "硕士研究生": 5, "博士研究生": 6}
SECRETARY_TITLES = {"镇": "党委书记", "乡": "党委书记", "街道": "党工委书记"}
HEAD_TITLES = {"镇": "镇长", "乡": "乡长", "街道": "街道办事处主任"}
CHIEF_ENDINGS = ("党委书记", "党工委书记", "镇长", "乡长", "街道办事处主任")

PERIOD = re.compile(r"^(\d{4})\.(\d{2})(?:--|—|至|～)(\d{4})\.(\d{2})  (\S.*)$")
OPEN = re.compile(r"^(\d{4})\.(\d{2})(?:--|—|～|至今)  (\S.*)$")
NOTE = re.compile(r"^（其间：.*）$")
YEAR_MONTH = re.compile(r"\d{4}\.\d{2}")


def month(text):
    year, mon = text.split(".")
    return int(year) * 12 + int(mon) - 1


def check_digit(first17):
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


def highest(row):
    return max(EDUCATION_RANK.get(row["全日制学历"], 0), EDUCATION_RANK.get(row["在职学历"], 0))


def age(birth, ref=(2026, 11)):
    year, mon = map(int, birth.split("."))
    return ref[0] - year - (1 if ref[1] < mon else 0)


@pytest.fixture(scope="module")
def city():
    return build_demo_city()


@pytest.fixture(scope="module")
def units(city):
    return city[0]


@pytest.fixture(scope="module")
def counties(units):
    return [u for u in units if u["类型"] in COUNTY_KINDS]


@pytest.fixture(scope="module")
def townships(units):
    return [u for u in units if u["类型"] in TOWNSHIP_KINDS]


@pytest.fixture(scope="module")
def leaders(city, counties):
    names = {c["单位名称"] for c in counties}
    return [r for r in city[1] if r["单位"] in names]


@pytest.fixture(scope="module")
def chiefs(city, counties):
    names = {c["单位名称"] for c in counties}
    return [r for r in city[1] if r["单位"] not in names]


def township_of(row, townships, counties):
    county_names = {c["区划代码"]: c["单位名称"] for c in counties}
    if "/" in row["单位"]:
        county, name = row["单位"].split("/")
        [match] = [
            t for t in townships if t["单位名称"] == name and county_names[t["上级区划代码"]] == county
        ]
        return match
    [match] = [t for t in townships if t["单位名称"] == row["单位"]]
    return match


def test_same_seed_gives_identical_rows(city):
    assert build_demo_city() == city
    assert build_demo_city(20221) == city
    assert build_demo_city(7) != city


def test_units_form_one_city_with_consistent_codes_and_population(units, counties, townships):
    assert len({u["区划代码"] for u in units}) == len(units)
    assert all(re.fullmatch(r"3799\d{8}", u["区划代码"]) for u in units)
    [root] = [u for u in units if u["类型"] == "市"]
    assert (root["区划代码"], root["单位名称"], root["上级区划代码"]) == (CITY_CODE, "示例市", None)
    assert Counter(c["类型"] for c in counties) == {"区": 2, "县": 4, "县级市": 1}
    assert all(re.fullmatch(r"3799\d\d000000", c["区划代码"]) for c in counties)
    assert all(c["上级区划代码"] == CITY_CODE for c in counties)
    assert 78 <= len(townships) <= 82
    assert root["常住人口"] == sum(c["常住人口"] for c in counties)
    for county in counties:
        own = [t for t in townships if t["上级区划代码"] == county["区划代码"]]
        assert 9 <= len(own) <= 14
        assert len({t["单位名称"] for t in own}) == len(own)
        assert county["常住人口"] == sum(t["常住人口"] for t in own)
        for t in own:
            code = t["区划代码"]
            assert code[:6] == county["区划代码"][:6] and code[9:] == "000"
            assert (int(code[6:9]) < 100) == (t["类型"] == "街道")
            assert t["单位名称"].endswith(t["类型"])
            assert 12000 <= t["常住人口"] <= 95000
        if county["类型"] == "县":
            assert all(t["类型"] != "街道" for t in own)
        else:
            assert all(t["类型"] != "乡" for t in own)
    mean = {
        kind: sum(t["常住人口"] for t in townships if t["类型"] == kind)
        / sum(1 for t in townships if t["类型"] == kind)
        for kind in TOWNSHIP_KINDS
    }
    assert mean["街道"] > mean["镇"] > mean["乡"]


def test_exactly_one_township_name_recurs_in_two_counties(townships, chiefs):
    repeated = [name for name, n in Counter(t["单位名称"] for t in townships).items() if n > 1]
    assert len(repeated) == 1
    [name] = repeated
    parents = {t["上级区划代码"] for t in townships if t["单位名称"] == name}
    assert len(parents) == 2
    qualified = [r["单位"] for r in chiefs if r["单位"].endswith(f"/{name}")]
    assert len(qualified) == 4 and len(set(qualified)) == 2
    assert not any(r["单位"] == name for r in chiefs)
    assert all("/" not in r["单位"] or r["单位"].endswith(f"/{name}") for r in chiefs)


def test_every_township_has_its_secretary_and_its_head(townships, counties, chiefs):
    titles = {}
    for row in chiefs:
        titles.setdefault(township_of(row, townships, counties)["区划代码"], []).append(row["现任职务"])
    assert len(titles) == len(townships)
    for t in townships:
        kind = t["类型"]
        assert sorted(titles[t["区划代码"]]) == sorted([SECRETARY_TITLES[kind], HEAD_TITLES[kind]])


def test_county_teams(counties, leaders):
    assert 55 <= len(leaders) <= 65
    for county in counties:
        team = [r["现任职务"] for r in leaders if r["单位"] == county["单位名称"]]
        level = "市" if county["类型"] == "县级市" else county["类型"]
        assert 8 <= len(team) <= 9
        assert team.count(f"{level}委书记") == 1
        assert team.count(f"{level}长") == 1
        assert team.count(f"{level}委副书记") == 1
        assert f"{level}委常委、组织部部长" in team
        assert f"副{level}长" in team
        assert all(title.startswith((level, f"副{level}")) for title in team)


def test_id_numbers_are_valid_and_agree_with_birth_and_gender(city):
    rows = city[1]
    numbers = [r["身份证号"] for r in rows if r["身份证号"]]
    assert 0.85 <= len(numbers) / len(rows) <= 0.95
    assert len(set(numbers)) == len(numbers)
    for row in rows:
        number = row["身份证号"]
        if number is None:
            continue
        assert re.fullmatch(r"3799\d{13}[\dX]", number)
        assert number[17] == check_digit(number[:17])
        assert f"{number[6:10]}.{number[10:12]}" == row["出生年月"]
        assert 1 <= int(number[12:14]) <= 31
        assert int(number[16]) % 2 == (0 if row["性别"] == "女" else 1)


def test_births_span_1966_to_1995(city, chiefs, leaders):
    years = [int(r["出生年月"][:4]) for r in city[1]]
    assert min(years) == 1966 and max(years) == 1995
    assert all(re.fullmatch(r"\d{4}\.(0[1-9]|1[0-2])", r["出生年月"]) for r in city[1])
    chief_years = Counter(int(r["出生年月"][:4]) // 10 * 10 for r in chiefs)
    assert min(int(r["出生年月"][:4]) for r in chiefs) in (1966, 1967)
    assert 3 <= chief_years[1960] <= 8 and 3 <= chief_years[1990] <= 12
    assert chief_years[1970] + chief_years[1980] >= 0.85 * len(chiefs)
    assert 6 <= sum(1 for r in chiefs if age(r["出生年月"]) <= 35) <= 10
    assert 6 <= sum(1 for r in chiefs if r["出生年月"] >= "1991.12") <= 10
    leader_years = [int(r["出生年月"][:4]) for r in leaders]
    assert sum(1966 <= y <= 1982 for y in leader_years) >= 0.85 * len(leaders)


def test_name_and_birth_identify_a_person(city):
    pairs = [(r["姓名"], r["出生年月"]) for r in city[1]]
    assert len(set(pairs)) == len(pairs)
    assert all(2 <= len(name) <= 4 for name, _ in pairs)
    assert any(name.startswith("欧阳") for name, _ in pairs)


def test_gender_ethnicity_and_party(city):
    rows = city[1]
    assert 0.15 <= sum(r["性别"] == "女" for r in rows) / len(rows) <= 0.20
    assert 0.05 <= sum(r["民族"] != "汉族" for r in rows) / len(rows) <= 0.10
    members = [r for r in rows if r["政治面貌"] == "中共党员"]
    assert len(members) >= 0.97 * len(rows)
    for row in rows:
        if row["政治面貌"] == "中共党员":
            assert row["入党时间"] and month(row["入党时间"]) >= month(row["出生年月"]) + 12 * 18
        else:
            assert row["入党时间"] is None


def test_township_chiefs_all_have_a_bachelor_or_more(chiefs):
    assert all(highest(r) >= EDUCATION_RANK["大学本科"] for r in chiefs)
    masters = sum(highest(r) == EDUCATION_RANK["硕士研究生"] for r in chiefs)
    assert 0.25 <= masters / len(chiefs) <= 0.35
    assert 1 <= sum(highest(r) == EDUCATION_RANK["博士研究生"] for r in chiefs) <= 2
    assert any(r["全日制学历"] == "大学专科" for r in chiefs)


def test_degrees_match_education(city):
    for row in city[1]:
        assert row["全日制学位"] == {"大学专科": None, "大学本科": "学士"}.get(
            row["全日制学历"], row["全日制学位"]
        )
        if row["全日制学历"] == "硕士研究生":
            assert row["全日制学位"] == "硕士"
        if row["全日制学历"] == "博士研究生":
            assert row["全日制学位"] == "博士"
        if row["在职学历"] == "硕士研究生":
            party_school = "党校" in row["在职毕业院校及专业"]
            assert row["在职学位"] == (None if party_school else "硕士")
        if row["在职学历"] == "大学本科":
            assert row["在职学位"] in (None, "学士")
        if row["在职学历"] is None:
            assert row["在职学位"] is None and row["在职毕业院校及专业"] is None


def parse(resume):
    """[(start, end or None, text)] for readable lines; None for a malformed one."""
    entries = []
    for line in resume.splitlines():
        if NOTE.match(line):
            continue
        if m := PERIOD.match(line):
            entries.append((month(f"{m[1]}.{m[2]}"), month(f"{m[3]}.{m[4]}"), m[5]))
        elif m := OPEN.match(line):
            entries.append((month(f"{m[1]}.{m[2]}"), None, m[3]))
        else:
            entries.append(None)
    return entries


def test_resumes_are_contiguous_except_the_two_malformed_lines(city):
    malformed = []
    for row in city[1]:
        entries = parse(row["简历"])
        assert entries[0] and entries[0][2].endswith("学习")
        assert entries[-1] and entries[-1][1] is None, row["简历"]
        start, _, text = entries[-1]
        assert start == month(row["任现职时间"])
        assert text.endswith(row["现任职务"])
        assert all(part in text for part in row["单位"].split("/"))
        assert all(e is None or e[1] is not None for e in entries[:-1])
        if entries.count(None):
            malformed.append(row["姓名"])
        study_end = max(e[1] for e in entries if e and e[2].endswith("学习"))
        assert study_end == month(row["参加工作时间"])
        for before, after in pairwise(entries):
            if before and after:
                assert before[1] == after[0], row["简历"]
                assert before[0] < before[1]
    assert len(malformed) == 2


def test_resumes_vary_as_clerks_write_them(city):
    text = "\n".join(r["简历"] for r in city[1])
    assert "—" in text and "至今" in text and "～" in text
    assert 4 <= text.count("（其间：") <= 10
    alternative = [r for r in city[1] if "--" not in r["简历"].splitlines()[0]]
    assert 0.07 <= len(alternative) / len(city[1]) <= 0.13
    assert len(re.findall(r"^\d{4}--\d{4}  ", text, re.M)) == 2


def test_appointments_cluster_at_the_2021_reelection(city, chiefs):
    starts = [month(r["任现职时间"]) for r in city[1]]
    assert all(month("2016.01") <= s <= month("2026.06") for s in starts)
    reelected = [r for r in chiefs if "2021.09" <= r["任现职时间"] <= "2021.12"]
    assert 0.3 <= len(reelected) / len(chiefs) <= 0.6


def township_chief_posts(units):
    names = {u["区划代码"]: u["单位名称"] for u in units}
    posts = []
    for t in units:
        if t["类型"] in TOWNSHIP_KINDS:
            posts.append(names[t["上级区划代码"]] + t["单位名称"])
    return tuple(posts)


def chief_posts_held(row, prefixes):
    held = []
    for entry in parse(row["简历"])[:-1]:
        if entry is None:
            continue
        start, end, text = entry
        title = text.split("、")[-1]
        if text.startswith(prefixes) and title.endswith(CHIEF_ENDINGS) and "副" not in title:
            held.append((start, end, text))
    return held


def test_about_sixty_percent_of_county_leaders_came_through_townships(units, leaders):
    prefixes = township_chief_posts(units)
    pipeline = [r for r in leaders if chief_posts_held(r, prefixes)]
    assert 0.5 <= len(pipeline) / len(leaders) <= 0.7
    direct = [
        r
        for r in pipeline
        if r["任现职时间"].startswith("2021")
        and chief_posts_held(r, prefixes)[-1][1] == month(r["任现职时间"])
        and parse(r["简历"])[-2][2] == chief_posts_held(r, prefixes)[-1][2]
    ]
    assert len(direct) >= 3


def test_no_two_people_hold_a_township_chief_post_at_once(units, city):
    prefixes = township_chief_posts(units)
    held = {}
    for row in city[1]:
        entries = [e for e in parse(row["简历"]) if e]
        for start, end, text in [*chief_posts_held(row, prefixes), entries[-1]]:
            if text.startswith(prefixes):
                held.setdefault(text, []).append((start, end or 10**6))
    for spans in held.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_the_project_parser_flags_exactly_the_malformed_lines(city):
    from pingyi.org.resume import NOTE as NOTE_STATUS
    from pingyi.org.resume import OK, UNPARSED, parse_resume

    statuses = Counter(line.status for r in city[1] for line in parse_resume(r["简历"]))
    assert statuses[UNPARSED] == 2
    assert statuses[NOTE_STATUS] >= 4
    assert set(statuses) == {OK, NOTE_STATUS, UNPARSED}


@pytest.mark.parametrize("months", [1, 13, 61, 240])
def test_loaded_later_the_city_keeps_every_age_tenure_and_career(city, months):
    """load_demo moves the city to the day it runs: every date moves by the same months, so ages
    and tenures on that day are those of 2026-11, and 身份证号 still agree with 出生年月."""
    units, cadres = build_demo_city(months_later=months)
    assert units == city[0] and len(cadres) == len(city[1])
    ref = divmod(2026 * 12 + 10 + months, 12)
    later = (ref[0], ref[1] + 1)
    for before, after in zip(city[1], cadres, strict=True):
        assert after["姓名"] == before["姓名"]
        assert age(after["出生年月"], later) == age(before["出生年月"])
        for column in ("入党时间", "参加工作时间", "任现职时间"):
            if before[column]:
                assert month(after[column]) - month(before[column]) == months
        periods = zip(YEAR_MONTH.findall(before["简历"]), YEAR_MONTH.findall(after["简历"]), strict=True)
        assert {month(m) - month(b) for b, m in periods} <= {months}
        number = after["身份证号"]
        if number:
            assert number[-1] == check_digit(number[:17])
            assert f"{number[6:10]}.{number[10:12]}" == after["出生年月"]
            assert number[14:17] == before["身份证号"][14:17]  # the gender digit stays
