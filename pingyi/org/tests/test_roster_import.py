import datetime as dt
import io

import openpyxl
import pytest

from pingyi.lib import xlsx
from pingyi.org.actions import RosterRejected, do_import_roster, plan_import
from pingyi.org.models import Cadre, Post, ResumeEntry, Unit
from pingyi.org.roster_export import roster_workbook, template_workbook
from pingyi.testing import cadre_values, make_cadre, make_city, make_personas, roster_bytes

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Unit.objects.values_list("code", "name", "kind", "path", "population")),
        list(Cadre.objects.values_list()),
        list(Post.objects.values_list()),
        list(ResumeEntry.objects.values_list()),
    )


def problems_of(data, user=None):
    with pytest.raises(RosterRejected) as caught:
        do_import_roster(data, user)
    return [(p.sheet, p.row, p.column, p.reason) for p in caught.value.plan.problems]


def test_template_imports_and_exports_back_unchanged():
    plan = do_import_roster(template_workbook(Unit.objects.none()), None)
    assert plan.counts() == {
        "单位": {"new": 3, "changed": 0, "unchanged": 0},
        "干部名册": {"new": 1, "changed": 0, "unchanged": 0},
    }
    cadre = Cadre.objects.get()
    assert cadre.unit.name == "青山镇" and cadre.unit.parent.name == "东城区"
    assert [p.title for p in cadre.posts.all()] == ["党委书记"]
    assert cadre.posts.get().is_chief

    exported = roster_workbook(Unit.objects.all(), Cadre.objects.all())
    before = snapshot()
    again = do_import_roster(exported, None)
    assert again.counts()["干部名册"] == {"new": 0, "changed": 0, "unchanged": 1}
    assert again.counts()["单位"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert snapshot() == before
    # And the export of the re-import is the same workbook, value for value.
    assert _values(roster_workbook(Unit.objects.all(), Cadre.objects.all())) == _values(exported)


def test_the_template_lists_the_users_units_and_imports_without_changing_them():
    city = make_city()
    people = make_personas(city)
    from pingyi.accounts.access import visible_units

    data = template_workbook(visible_units(people.liaison))
    sheets, _ = xlsx.read_workbook(data, {"单位": ["单位名称"], "干部名册": ["单位"]})
    assert [r["单位名称"] for _, r in sheets["单位"].rows] == ["东城区", "文昌街道", "青山镇"]
    assert [r["单位"] for _, r in sheets["干部名册"].rows] == ["东城区/文昌街道"]
    plan = do_import_roster(data, people.liaison)
    assert plan.counts()["单位"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert Cadre.objects.get().unit == city.wenchang


def _values(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_importing_the_same_workbook_twice_changes_nothing():
    city = make_city()
    data = roster_bytes(
        [cadre_values(), cadre_values(姓名="王强", 性别="男", 出生年月="1979.11", 现任职务="党委书记")]
    )
    assert do_import_roster(data, None).counts()["干部名册"]["new"] == 2
    before = snapshot()
    assert do_import_roster(data, None).counts()["干部名册"] == {"new": 0, "changed": 0, "unchanged": 2}
    assert snapshot() == before
    assert Cadre.objects.filter(unit=city.qingshan).count() == 2


def test_one_bad_row_stops_the_whole_import_and_is_named():
    make_city()
    rows = [cadre_values(姓名=f"干部{i}", 出生年月=f"198{i}.01") for i in range(3)]
    rows.append(cadre_values(姓名="错月", 出生年月="1968.13"))
    before = snapshot()
    assert problems_of(roster_bytes(rows)) == [
        ("干部名册", 5, "出生年月", "1968.13 不是有效的年月（月份应为 01–12）")
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "column", "reason_part"),
    [
        ({"性别": "男性"}, "性别", "「男性」不是有效值，应为男、女"),
        ({"民族": "火星族"}, "民族", "「火星族」不是有效值"),
        ({"姓名": None}, "姓名", "必填"),
        ({"单位": "不存在镇"}, "单位", "找不到单位「不存在镇」"),
        ({"全日制学历": "幼儿园"}, "全日制学历", "「幼儿园」不是有效值"),
        ({"全日制学历": "省委党校研究生"}, "全日制学历", "是党校学历，属于在职教育，请填在“在职学历”一栏"),
        ({"身份证号": "11010519491231002Y"}, "身份证号", "前17位应为数字"),
        ({"身份证号": "110105194912310021"}, "身份证号", "校验码不正确"),
        ({"身份证号": "11010519491231002X"}, "身份证号", "与出生年月不一致"),
        ({"任现职时间": "2021年13月"}, "任现职时间", "月份应为 01–12"),
        ({"入党时间": "去年"}, "入党时间", "应写作 YYYY.MM"),
    ],
)
def test_bad_cells_are_reported_by_sheet_row_and_column(overrides, column, reason_part):
    make_city()
    [(sheet, row, col, reason)] = problems_of(roster_bytes([cadre_values(**overrides)]))
    assert (sheet, row, col) == ("干部名册", 2, column)
    assert reason_part in reason
    assert not Cadre.objects.exists()


def test_synonyms_and_other_date_forms_are_accepted():
    make_city()
    row = cadre_values(
        全日制学历="大专", 在职学历="研究生", 在职学位="博士", 出生年月="1985年3月", 入党时间="2006-06",
        政治面貌="党员",
    )  # fmt: skip
    do_import_roster(roster_bytes([row]), None)
    cadre = Cadre.objects.get()
    assert cadre.get_education_fulltime_display() == "大学专科"
    assert cadre.get_education_inservice_display() == "博士研究生"
    assert cadre.birth == dt.date(1985, 3, 1)
    assert cadre.party_joined == dt.date(2006, 6, 1)
    assert cadre.political_status == "中共党员"


@pytest.mark.parametrize(
    ("text", "level"),
    [("中央党校研究生", "硕士研究生"), ("省委党校大学", "大学本科"), ("市委党校大专", "大学专科")],
)
def test_party_school_education_is_in_service_at_the_level_named(text, level):
    make_city()
    do_import_roster(roster_bytes([cadre_values(在职学历=text)]), None)
    assert Cadre.objects.get().get_education_inservice_display() == level


def test_excel_date_cells_are_accepted_for_year_months():
    make_city()
    data = roster_bytes([cadre_values()])
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["干部名册"]
    col = [c.value for c in sheet[1]].index("出生年月") + 1
    sheet.cell(row=2, column=col, value=dt.datetime(1985, 3, 17))
    sheet.cell(row=2, column=col).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    do_import_roster(out.getvalue(), None)
    assert Cadre.objects.get().birth == dt.date(1985, 3, 1)


def test_duplicate_township_names_need_the_parent_name():
    city = make_city()
    units = [["379902202000", "青山镇", "镇", "379902000000", 30000]]
    problems = problems_of(roster_bytes([cadre_values(单位="青山镇")], units))
    assert problems == [
        ("干部名册", 2, "单位", "单位「青山镇」有重名，请写作 上级名称/名称（东城区/青山镇、西河县/青山镇）")
    ]
    do_import_roster(roster_bytes([cadre_values(单位="西河县/青山镇")], units), None)
    assert Cadre.objects.get().unit.parent == city.west


def test_a_new_unit_in_the_sheet_can_be_used_at_once_and_its_parent_is_checked():
    city = make_city()
    units = [
        ["379901102000", "新华镇", "镇", "379901000000", 25000],
        ["379901103000", "孤岛镇", "镇", "379999000000", None],
        ["379901104000", "错级镇", "镇", "379901101000", None],
    ]
    problems = problems_of(roster_bytes([cadre_values(单位="新华镇")], units))
    assert problems == [
        ("单位", 3, "上级区划代码", "379999000000 既不在本表中，也不在系统中"),
        ("单位", 4, "上级区划代码", "镇级单位的上级不能是镇（青山镇）"),
    ]
    do_import_roster(roster_bytes([cadre_values(单位="新华镇")], units[:1]), None)
    unit = Unit.objects.get(code="379901102000")
    assert unit.parent == city.east and unit.path == city.east.path + "379901102000/"
    assert Unit.objects.within(city.east).filter(name="新华镇").exists()


def test_a_new_post_ends_the_old_one_and_keeps_the_history():
    city = make_city()
    make_cadre(city.qingshan, "李华", birth=dt.date(1985, 3, 1), titles=["镇长"], start=dt.date(2018, 1, 1),
               gender="女")  # fmt: skip
    row = cadre_values(现任职务="党委书记", 任现职时间="2023.02", 单位="东城区/青山镇")
    plan = do_import_roster(roster_bytes([row]), None)
    assert plan.counts()["干部名册"]["changed"] == 1
    change = next(c for c in plan.changes if c.sheet == "干部名册")
    assert ("现任职务", "镇长", "党委书记") in change.diffs
    cadre = Cadre.objects.get()
    assert [(p.title, p.start, p.end) for p in cadre.posts.order_by("start")] == [
        ("镇长", dt.date(2018, 1, 1), dt.date(2023, 2, 1)),
        ("党委书记", dt.date(2023, 2, 1), None),
    ]
    assert Cadre.objects.chiefs(dt.date(2022, 6, 1)).count() == 1
    assert Post.objects.valid_on(dt.date(2023, 2, 15)).get().title == "党委书记"


def test_people_are_matched_by_id_number_then_by_name_and_birth():
    city = make_city()
    make_cadre(city.qingshan, "李华", birth=dt.date(1985, 3, 1), titles=["镇长"], gender="女")
    # Same person, now with an ID number: matched by name and birth, number added.
    number = "37990119850317002" + _check("37990119850317002")
    plan = do_import_roster(roster_bytes([cadre_values(身份证号=number)]), None)
    assert plan.counts()["干部名册"]["changed"] == 1
    assert Cadre.objects.get().id_number == number
    # Renamed but same number: still the same person.
    plan = do_import_roster(roster_bytes([cadre_values(姓名="李桦", 身份证号=number)]), None)
    assert plan.counts()["干部名册"] == {"new": 0, "changed": 1, "unchanged": 0}
    assert Cadre.objects.get().name == "李桦"


def _check(first17):
    from pingyi.org.idcard import check_digit

    return check_digit(first17)


def test_two_people_with_the_same_name_and_birth_need_id_numbers():
    city = make_city()
    make_cadre(city.qingshan, "李华", birth=dt.date(1985, 3, 1), gender="女")
    make_cadre(city.wenchang, "李华", birth=dt.date(1985, 3, 1), gender="女")
    [problem] = problems_of(roster_bytes([cadre_values()]))
    assert problem[2] == "身份证号" and "同名且出生年月相同" in problem[3]


def test_the_same_person_twice_in_one_workbook_is_refused():
    make_city()
    problems = problems_of(roster_bytes([cadre_values(), cadre_values(现任职务="党委书记")]))
    assert problems == [("干部名册", 3, "姓名", "与第2行是同一人")]


def test_a_county_liaison_cannot_import_into_another_county():
    city = make_city()
    people = make_personas(city)
    problems = problems_of(roster_bytes([cadre_values(单位="柳营乡")]), people.liaison)
    assert problems == [("干部名册", 2, "单位", "「柳营乡」不在您的管理范围内")]
    plan = do_import_roster(roster_bytes([cadre_values(单位="青山镇")]), people.liaison)
    assert plan.counts()["干部名册"]["new"] == 1


def test_a_formula_cell_is_refused_with_its_place():
    make_city()
    book = openpyxl.load_workbook(io.BytesIO(roster_bytes([cadre_values()])))
    sheet = book["干部名册"]
    col = [c.value for c in sheet[1]].index("姓名") + 1
    sheet.cell(row=2, column=col, value='=CONCAT("李","华")')
    out = io.BytesIO()
    book.save(out)
    assert problems_of(out.getvalue()) == [("干部名册", 2, "姓名", "含有公式，请改为直接填写数值")]


def test_unreadable_files_raise_a_workbook_error():
    with pytest.raises(xlsx.WorkbookError, match="文件为空"):
        plan_import(b"", None)


def test_resume_lines_are_parsed_and_bad_ones_kept():
    make_city()
    resume = "2003.09--2007.07  示例大学法学专业学习\n2003--2005 在某单位挂职锻炼\n2021.09--  青山镇镇长"
    do_import_roster(roster_bytes([cadre_values(简历=resume)]), None)
    entries = list(Cadre.objects.get().resume_entries.values_list("status", "raw"))
    assert entries == [
        ("ok", "2003.09--2007.07  示例大学法学专业学习"),
        ("unparsed", "2003--2005 在某单位挂职锻炼"),
        ("ok", "2021.09--  青山镇镇长"),
    ]
