"""Rosters as departments hold them: the vendor's block .xls, the 信息提取表, units by their organs."""

import datetime as dt
import io
import json

import pytest
import xlwt
from django.core.management import call_command
from django.utils import timezone

from pingyi.lib import xlsx
from pingyi.org.actions import RosterRejected, do_import_roster, plan_import
from pingyi.org.idcard import check_digit
from pingyi.org.models import Assessment, Cadre, Post
from pingyi.org.vocab import Degree, Education
from pingyi.testing import cadre_values, make_city, make_unit, roster_bytes

from .realfiles import block_xls, extract_workbook

pytestmark = pytest.mark.django_db


def id_number(birth: str, serial: int, x: bool = False) -> str:
    """A valid number; with `x`, one whose check digit is X (written lower-case by some files)."""
    year, month = birth.split(".")
    while True:
        first17 = f"379901{year}{month}15{serial:03d}"
        if not x or check_digit(first17) == "X":
            return first17 + check_digit(first17)
        serial += 10


def people() -> list[dict]:
    """Chiefs and others in three townships, with the education wordings real files use."""
    this_year = timezone.localdate().year
    rows = [
        ("王建国", "男", "1970.01", "青山镇", "党委书记", "大学本科", "学士", "中央党校研究生", None),
        ("李秀英", "女", "1984.11", "青山镇", "党委副书记、镇长", "硕士研究生", "硕士", None, None),
        ("赵  磊", "男", "1978.06", "青山镇", "副镇长", "大学专科", None, "省委党校大学", None),
        ("陈静", "女", "1990.03", "东城区/文昌街道", "党工委书记", "博士研究生", "博士", None, None),
        ("刘洋", "男", "1975.09", "东城区/文昌街道", "主任", "高中及以下", None, "大学本科", "学士"),
        ("孙海波", "男", "1968.12", "柳营乡", "乡长", "中专", None, "硕士研究生", "硕士"),
    ]
    result = []
    for n, (name, gender, birth, unit, titles, full, full_degree, inservice, inservice_degree) in enumerate(
        rows
    ):
        result.append(
            cadre_values(
                姓名=name.replace(" ", ""), 性别=gender, 出生年月=birth, 单位=unit, 现任职务=titles,
                全日制学历=full, 全日制学位=full_degree, 在职学历=inservice, 在职学位=inservice_degree,
                任现职时间=f"{this_year - 1 - n % 3}.0{1 + n}", 身份证号=id_number(birth, n, x=n == 1),
                参加工作时间=f"{int(birth[:4]) + 21}.07", 入党时间=f"{int(birth[:4]) + 22}.06",
                简历=f"{int(birth[:4]) + 21}.07--  {unit.replace('/', '')}{titles}",
                考核=[(this_year - 2, "称职"), (this_year - 1, "优秀")],
            )
        )  # fmt: skip
    return result


def own_layout(rows: list[dict]) -> bytes:
    return roster_bytes([{k: v for k, v in r.items() if k != "考核"} for r in rows])


def posts_of(name):
    cadre = Cadre.objects.get(name=name)
    return cadre.unit.name, sorted(p.title for p in cadre.posts.filter(end__isnull=True))


def problems_of(data):
    with pytest.raises(RosterRejected) as caught:
        do_import_roster(data, None)
    return [(p.sheet, p.row, p.column, p.reason) for p in caught.value.plan.problems]


def test_the_vendors_block_xls_imports_people_posts_and_education():
    make_city()
    data = block_xls(people(), page_rows=2)
    assert data.startswith(bytes.fromhex("D0CF11E0"))  # a real BIFF8 file
    plan = do_import_roster(data, None)
    assert plan.layout == "block"
    assert plan.counts()["干部名册"] == {"new": 6, "changed": 0, "unchanged": 0}
    assert posts_of("王建国") == ("青山镇", ["党委书记"])
    assert posts_of("李秀英") == ("青山镇", ["党委副书记", "镇长"])
    assert posts_of("陈静") == ("文昌街道", ["党工委书记"])
    assert posts_of("孙海波") == ("柳营乡", ["乡长"])
    wang = Cadre.objects.get(name="王建国")
    # 大学\n学士 in one cell; 中央党校研究生 is in-service 硕士研究生; 1970.01 typed as a number.
    assert (wang.education_fulltime, wang.degree_fulltime) == (Education.BACHELOR, Degree.BACHELOR)
    assert wang.education_inservice == Education.MASTER
    assert wang.birth == dt.date(1970, 1, 1)
    assert Cadre.objects.get(name="陈静").education_fulltime == Education.DOCTOR  # 研究生 + 博士
    assert Cadre.objects.get(name="刘洋").education_fulltime == Education.HIGH_SCHOOL  # 高中
    assert Cadre.objects.get(name="赵磊").education_fulltime == Education.JUNIOR_COLLEGE  # 大专
    columns = {c["header"]: c["column"] for c in plan.mappings[0]["columns"]}
    assert columns["全日制教育 学历"] == "全日制学历"
    assert columns["在职教育 毕业院校及专业"] == "在职毕业院校及专业"
    assert columns["出生 年月"] == "出生年月" and columns["任现职 时 间"] == "任现职时间"
    assert columns["任现职 级时间"] == ""
    # Importing the same file again changes nothing.
    assert do_import_roster(data, None).counts()["干部名册"]["unchanged"] == 6


def test_the_extract_workbook_joins_its_sheets_by_id_number():
    make_city()
    rows = people()
    plan = do_import_roster(extract_workbook(rows), None)
    assert plan.layout == "extract"
    assert [m["sheet"] for m in plan.mappings] == ["A01人员", "A02职务", "A08学历学位", "A15考核"]
    # Organs named 青山镇党委, 中共青山镇委员会, 青山镇人民政府, 东城区青山镇人民政府: one unit.
    assert posts_of("李秀英") == ("青山镇", ["党委副书记", "镇长"])
    assert posts_of("刘洋") == ("文昌街道", ["主任"])
    li = Cadre.objects.get(name="李秀英")
    assert li.id_number == rows[1]["身份证号"] and li.id_number.endswith("X")  # the file has a lower-case x
    # The 已免 副镇长 is not a current post; the higher of two full-time 学历 is kept.
    wang = Cadre.objects.get(name="王建国")
    assert wang.education_fulltime == Education.BACHELOR and wang.degree_fulltime == Degree.BACHELOR
    assert wang.school_fulltime == "示例大学法学专业"
    this_year = timezone.localdate().year
    assert list(wang.assessments.values_list("year", "result")) == [
        (this_year - 1, "优秀"),
        (this_year - 2, "称职"),
    ]
    assert do_import_roster(extract_workbook(rows), None).counts()["干部名册"]["unchanged"] == 6


def _stats() -> dict:
    out = io.StringIO()
    as_of = timezone.localdate().isoformat()
    call_command("cohort_stats", "--as-of", as_of, "--json", stdout=out)
    result = json.loads(out.getvalue())
    east = io.StringIO()
    call_command("cohort_stats", "--as-of", as_of, "--scope", "379901000000", "--json", stdout=east)
    return {"city": result, "east": json.loads(east.getvalue())}


@pytest.mark.parametrize("layout", ["block", "extract"])
def test_cohort_stats_give_the_same_figures_as_the_same_people_in_our_layout(layout):
    make_city()
    rows = people()
    if layout == "block":
        # The vendor's roster carries no 身份证号 and no 简历 (so no careers): the same people in our
        # layout, with what the block carries, must give every figure alike.
        rows = [{**r, "身份证号": None, "简历": None} for r in rows]
    do_import_roster(own_layout(rows), None)
    expected = _stats()
    assert expected["city"]["count"] == 5  # 副镇长 is no chief
    Cadre.objects.all().delete()
    # The extract's 已免 副镇长 rows change no figure: each person's 简历 already has their township
    # years (an ended township post does count towards 基层经历; test_basic covers that).
    do_import_roster(block_xls(rows) if layout == "block" else extract_workbook(rows), None)
    assert _stats() == expected


def test_units_are_matched_by_full_name_and_organ_forms_never_guessed():
    city = make_city()
    make_unit("379902102000", "青山镇", "镇", city.west)  # a second 青山镇, in 西河县
    rows = people()[:2]
    # The title's own name 青山镇 names two units; its full name 东城区青山镇 decides.
    plan = do_import_roster(block_xls([{**r, "单位": "东城区/青山镇"} for r in rows]), None)
    assert {Cadre.objects.get(name=r["姓名"]).unit.parent.name for r in rows} == {"东城区"}
    assert plan.ok
    Cadre.objects.all().delete()
    # Without the full name, the block is refused with the title row named.
    found = problems_of(block_xls(rows, title_full=False))
    assert found[0][:3] == ("干部名册", 1, "标题（单位）")
    assert "重名" in found[0][3]
    # An unknown unit is an error naming where it is written.
    found = problems_of(block_xls([{**rows[0], "单位": "东城区/白云镇"}]))
    assert found == [("干部名册", 1, "标题（单位）", "找不到单位「白云镇」，请先在「单位」工作表中列出")]
    assert not Cadre.objects.exists() and not Post.objects.exists()


def test_each_organ_form_of_a_township_names_it():
    city = make_city()
    from pingyi.org.roster_plan import _UnitIndex

    index = _UnitIndex([])
    for ref in ("青山镇", "东城区青山镇", "示例市东城区青山镇", "青山镇党委", "中共青山镇委员会", "青山镇人民政府",
                "东城区/青山镇"):  # fmt: skip
        assert index.resolve(ref) == (city.qingshan.code, ""), ref
    for ref in ("文昌街道党工委", "文昌街道办事处", "中共文昌街道工作委员会"):
        assert index.resolve(ref) == (city.wenchang.code, ""), ref
    assert index.resolve("东城区委") == (city.east.code, "")
    assert index.resolve("白云镇党委")[0] is None
    assert index.split_post("东城区青山镇党委书记、镇长") == (city.qingshan.code, ["党委书记", "镇长"], "")
    assert index.split_post("中共青山镇委员会书记") == (city.qingshan.code, ["党委书记"], "")
    assert index.split_post("青山镇人民政府镇长") == (city.qingshan.code, ["镇长"], "")
    assert index.split_post("文昌街道办事处主任")[:2] == (city.wenchang.code, ["街道办事处主任"])
    assert index.split_post("东城区委常委、青山镇党委书记")[0] is None
    assert index.split_post("某某公司经理")[0] is None


def test_bad_values_in_other_layouts_are_named_by_sheet_row_and_column():
    make_city()
    rows = people()[:3]
    rows[1] = {**rows[1], "出生年月": "1970.13", "身份证号": None}
    rows[2] = {**rows[2], "全日制学历": "中央党校大学", "全日制学位": None}
    found = problems_of(block_xls(rows, numbers=False))
    assert ("干部名册", 5, "出生年月", "1970.13 不是有效的年月（月份应为 01–12）") in found
    assert any(p[:3] == ("干部名册", 6, "全日制学历") and "党校" in p[3] for p in found)
    assert not Cadre.objects.exists()


def test_extract_problems_name_the_sheet_they_come_from():
    make_city()
    rows = people()[:2]
    rows[0] = {**rows[0], "考核": [(2023, "优秀"), (2023, "称职")]}
    data = extract_workbook(rows)
    found = problems_of(data)
    assert ("A15考核", 4, "考核年度", "与第3行年度重复") in found
    # A post in an organ the registry does not know: named in A02职务.
    rows = people()[:1]
    rows[0] = {**rows[0], "单位": "白云镇"}
    found = problems_of(extract_workbook(rows))
    assert found[0][:3] == ("A02职务", 3, "任职机构名称")
    assert "白云镇党委" in found[0][3]
    assert not Cadre.objects.exists()


def test_a_header_the_reader_cannot_place_is_refused_with_the_reason():
    make_city()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    sheet.write_merge(0, 1, 0, 3, "干部花名册")
    sheet.write(2, 0, "甲")
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(xlsx.WorkbookError, match="未能识别该工作簿的格式"):
        plan_import(out.getvalue(), None)


def test_a_column_placed_wrongly_can_be_corrected():
    make_city()
    rows = people()[:2]
    data = block_xls(rows)
    plan = plan_import(data, None)
    letter = next(c["letter"] for c in plan.mappings[0]["columns"] if c["column"] == "籍贯")
    # The organizer says the 籍贯 column is to be left out.
    plan = plan_import(data, None, {"干部名册": {letter: ""}})
    assert plan.ok
    do_import_roster(data, None, overrides={"干部名册": {letter: ""}})
    assert set(Cadre.objects.values_list("native_place", flat=True)) == {""}


def test_assessments_are_kept_per_year_and_shown_on_the_cadre_page(client):
    from pingyi.testing import make_personas

    city = make_city()
    client.force_login(make_personas(city).organizer)
    do_import_roster(extract_workbook(people()[:1]), None)
    cadre = Cadre.objects.get()
    this_year = timezone.localdate().year
    html = client.get(f"/cadres/{cadre.pk}/").content.decode()
    assert f"{this_year - 1}年度" in html and "优秀" in html
    # A later file with one year changed and one left out keeps the other.
    rows = people()[:1]
    rows[0]["考核"] = [(this_year - 1, "称职")]
    plan = do_import_roster(extract_workbook(rows), None)
    assert plan.counts()["干部名册"]["changed"] == 1
    assert dict(Assessment.objects.values_list("year", "result")) == {
        this_year - 2: "称职",
        this_year - 1: "称职",
    }


def test_the_preview_names_the_layout_and_lets_the_organizer_place_a_column(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.org.models import RosterImport
    from pingyi.testing import make_personas

    city = make_city()
    client.force_login(make_personas(city).organizer)
    rows = people()[:2]
    data = extract_workbook(rows)
    # A header the reader does not know: 任职机构名称 written as 任职单位.
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    book["A02职务"]["C2"] = "任职单位"
    out = io.BytesIO()
    book.save(out)
    page = client.post("/roster/", {"file": SimpleUploadedFile("提取表.xlsx", out.getvalue())}, follow=True)
    html = page.content.decode()
    assert page.status_code == 400
    assert "干部大数据信息提取表" in html and "缺少列「任职机构名称」" in html
    assert 'name="map-1-C"' in html  # the unplaced column offers a choice
    staged = RosterImport.objects.get()
    assert not Cadre.objects.exists()
    page = client.post(f"/roster/{staged.pk}/remap/", {"map-1-C": "任职机构名称"}, follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "确认导入" in html
    fresh = RosterImport.objects.get(status="pending")
    assert RosterImport.objects.get(pk=staged.pk).status == "discarded"
    assert bytes(RosterImport.objects.get(pk=staged.pk).content) == b""
    client.post(f"/roster/{fresh.pk}/confirm/", {"confirm": "1"})
    assert posts_of("王建国") == ("青山镇", ["党委书记"])
    # A choice outside the list is refused, nothing else changes.
    page = client.post(f"/roster/{fresh.pk}/remap/", {"map-1-C": "密码"})
    assert page.status_code in (302, 400)


def test_a_block_roster_uploaded_on_the_web_shows_its_layout_and_columns(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.testing import make_personas

    city = make_city()
    client.force_login(make_personas(city).organizer)
    page = client.post("/roster/", {"file": SimpleUploadedFile("名册.xls", block_xls(people()))}, follow=True)
    html = page.content.decode()
    assert page.status_code == 200
    assert "干部管理信息系统导出，按单位分块" in html
    assert "全日制教育 学历" in html and "表头在第 2–3 行" in html
    assert "王建国（青山镇）" in html


def test_a_rejected_upload_kept_for_correction_can_be_discarded(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.org.models import RosterImport
    from pingyi.testing import make_personas

    city = make_city()
    client.force_login(make_personas(city).organizer)
    rows = [
        {**people()[0], "单位": "东城区/白云镇"}
    ]  # an unknown unit: rejected, but columns may be placed again
    page = client.post("/roster/", {"file": SimpleUploadedFile("名册.xls", block_xls(rows))}, follow=True)
    assert page.status_code == 400 and "放弃（不再保留此文件）" in page.content.decode()
    staged = RosterImport.objects.get()
    assert bytes(staged.content)
    client.post(f"/roster/{staged.pk}/confirm/", {"discard": "1"})
    staged.refresh_from_db()
    assert staged.status == "discarded" and bytes(staged.content) == b""


def test_the_command_reads_the_vendors_xls_and_names_the_layout(tmp_path):
    make_city()
    path = tmp_path / "干部名册.xls"
    path.write_bytes(block_xls(people()))
    out = io.StringIO()
    call_command("import_roster", str(path), stdout=out)
    assert "干部管理信息系统导出" in out.getvalue() and "新增 6" in out.getvalue()


def _flat_workbook(header: list[str], rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["东城区干部花名册"])
    sheet.append(["填报单位：东城区委组织部", None, None, "2026年"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_one_sheet_list_with_its_header_in_row_3_and_synonyms_is_read():
    make_city()
    p = people()[1]
    header = [
        "序号",
        "姓 名",
        "性别",
        "民族",
        "出生日期",
        "身份证号码",
        "工作单位",
        "职务",
        "任现职务时间",
        "全日制学历",
    ]
    data = _flat_workbook(
        header, [[1, p["姓名"], p["性别"], p["民族"], "19841103", p["身份证号"], "青山镇人民政府", "镇长",
                  p["任现职时间"], "研究生"]]
    )  # fmt: skip
    plan = do_import_roster(data, None)
    assert plan.layout == "flat" and plan.mappings[0]["header_rows"] == [3, 3]
    assert posts_of("李秀英") == ("青山镇", ["镇长"])
    assert Cadre.objects.get().education_fulltime == Education.MASTER


def test_a_list_with_only_the_full_post_text_is_split_against_the_registry():
    make_city()
    p = people()[0]
    header = ["姓名", "性别", "民族", "出生年月", "现工作单位及职务全称", "任现职时间"]
    rows = [[p["姓名"], p["性别"], p["民族"], p["出生年月"], "东城区青山镇党委书记、一级调研员", p["任现职时间"]],
            ["某甲", "男", "汉族", "1980.01", "白云镇党委书记", "2020.01"]]  # fmt: skip
    found = problems_of(_flat_workbook(header, rows))
    assert found == [
        ("Sheet1", 5, "现工作单位及职务", "无法从「白云镇党委书记」中识别单位，请确认单位名称与系统中一致")
    ]
    do_import_roster(_flat_workbook(header, rows[:1]), None)
    assert posts_of("王建国") == ("青山镇", ["一级调研员", "党委书记"])


def test_a_township_clerk_cannot_import_an_lrmx_of_another_county():
    from pingyi.org.readers import lrmx
    from pingyi.testing import make_personas

    from .realfiles import lrmx_file

    city = make_city()
    clerk = make_personas(city).clerk
    outsider = people()[5]  # 柳营乡, in 西河县
    with pytest.raises(RosterRejected) as caught:
        do_import_roster(lrmx.pack([("孙.lrmx", lrmx_file(outsider))]), clerk)
    assert [(p.sheet, p.column) for p in caught.value.plan.problems] == [
        ("孙.lrmx", "现任职务（XianRenZhiWu）")
    ]
    assert "不在您的管理范围内" in caught.value.plan.problems[0].reason
    assert not Cadre.objects.exists()


def test_groups_over_全日制_and_在职_are_read_in_either_order():
    from pingyi.lib.grid import read_book
    from pingyi.org.readers.columns import find_header

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("干部名册")
    sheet.write(0, 0, "青山镇")
    for col, text in enumerate(["姓名", "性别", "民族", "出生年月"]):
        sheet.write_merge(1, 2, col, col, text)
    sheet.write_merge(1, 1, 4, 5, "学  历\n学  位")
    sheet.write_merge(1, 1, 6, 7, "毕业院校系及专业")
    for col, text in zip(range(4, 8), ["全日制\n教  育", "在  职\n教  育"] * 2, strict=True):
        sheet.write(2, col, text)
    out = io.BytesIO()
    book.save(out)
    mapping = find_header(read_book(out.getvalue(), 10**7).sheets[0])
    assert [c.column for c in mapping.columns[4:]] == [
        "全日制学历", "在职学历", "全日制毕业院校及专业", "在职毕业院校及专业"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "month"),
    [("1970.01", "1970.01"), ("197001", "1970.01"), ("19700115", "1970.01"), (197001, "1970.01"),
     (1970.01, "1970.01"), (1970.12, "1970.12"), ("1970.01\n（56岁）", "1970.01"), ("1970年1月", "1970.01")],
)  # fmt: skip
def test_months_as_other_systems_write_them(value, month):
    from pingyi.lib import yearmonth

    assert yearmonth.fmt(yearmonth.parse_lenient(value)) == month


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1970.1, "月份可能丢失"),
        ("1970.13", "月份应为 01–12"),
        ("197013", "月份应为 01–12"),
        ("19700231", "不是有效的日期"),
    ],
)
def test_months_that_cannot_be_read_say_why(value, reason):
    from pingyi.lib import yearmonth

    with pytest.raises(yearmonth.YearMonthError, match=reason):
        yearmonth.parse_lenient(value)


def _with_a02(data: bytes, rows: list[list]) -> bytes:
    """The workbook with more A02职务 rows (姓名, 身份证号, 任职机构名称, 职务名称, 任职时间, 任职状态, 免职时间)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in rows:
        book["A02职务"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ended(name: str) -> list[tuple]:
    posts = Post.objects.filter(cadre__name=name, end__isnull=False).order_by("start")
    return [(p.unit.name, p.title, p.start, p.end, p.is_chief) for p in posts]


def test_posts_the_extract_gives_as_ended_are_kept_with_their_end_month(client):
    from pingyi.testing import make_personas

    city = make_city()
    client.force_login(make_personas(city).organizer)
    rows = people()[:1]
    first = extract_workbook(rows, past_posts=False)
    do_import_roster(first, None)
    assert _ended("王建国") == []
    number = rows[0]["身份证号"]
    data = _with_a02(
        extract_workbook(rows),  # with a 已免 副镇长 of 青山镇人民政府, 201001–201509
        [
            ["王建国", number, "中共柳营乡委员会", "党委书记", "20150901", "已免", "20190315"],
            # An organ the registry does not hold: its post stays in the 简历 only.
            ["王建国", number, "东城区财政局", "局长", "200501", "已免", "200912"],
            # 已免 without its 免职时间: no end month to record, so not a post.
            ["王建国", number, "西河县人民政府", "副县长", "200001", "已免", None],
        ],
    )
    plan = do_import_roster(data, None)
    assert plan.counts()["干部名册"]["changed"] == 1
    (change,) = [c for c in plan.changes if c.status == "changed"]
    assert ("已免职务", "", "青山镇副镇长（2010.01—2015.09）") in change.diffs
    assert _ended("王建国") == [
        ("青山镇", "副镇长", dt.date(2010, 1, 1), dt.date(2015, 9, 1), False),
        ("柳营乡", "党委书记", dt.date(2015, 9, 1), dt.date(2019, 3, 1), True),
    ]
    assert posts_of("王建国") == ("青山镇", ["党委书记"])
    html = client.get(f"/cadres/{Cadre.objects.get(name='王建国').pk}/").content.decode()
    assert "柳营乡" in html and "2019.03" in html
    # The same file again changes nothing; the file without its 已免 rows deletes nothing.
    assert do_import_roster(data, None).counts()["干部名册"]["unchanged"] == 1
    assert do_import_roster(first, None).counts()["干部名册"]["unchanged"] == 1
    assert len(_ended("王建国")) == 2


def test_a_current_post_the_extract_gives_as_ended_takes_its_end_month():
    make_city()
    rows = people()[:1]
    number = rows[0]["身份证号"]
    do_import_roster(extract_workbook(rows, past_posts=False), None)
    start = Post.objects.get(cadre__name="王建国").start
    # The 党委书记 left last month; he is 副镇长 of the same township from this month. The end
    # is the file's 免职时间, not the new post's start.
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert start <= last_month
    data = extract_workbook(rows, past_posts=False)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    book["A02职务"]["D3"] = "副镇长"
    book["A02职务"].append(
        [
            "王建国",
            number,
            "青山镇党委",
            "党委书记",
            start.strftime("%Y%m"),
            "已免",
            last_month.strftime("%Y%m"),
        ]
    )
    book["A02职务"]["E3"] = today.strftime("%Y%m")
    out = io.BytesIO()
    book.save(out)
    do_import_roster(out.getvalue(), None)
    assert posts_of("王建国") == ("青山镇", ["副镇长"])
    assert _ended("王建国") == [("青山镇", "党委书记", start, last_month, True)]


def test_ended_posts_with_bad_dates_are_refused_naming_the_a02_row():
    make_city()
    rows = people()[:1]
    number = rows[0]["身份证号"]
    next_year = timezone.localdate().year + 1
    data = _with_a02(
        extract_workbook(rows, past_posts=False),
        [
            ["王建国", number, "青山镇人民政府", "副镇长", "201001", "已免", "201513"],
            ["王建国", number, "青山镇人民政府", "副镇长", "201001", "已免", "200901"],
            ["王建国", number, "青山镇人民政府", "副镇长", "201001", "已免", f"{next_year}01"],
            ["王建国", number, "", "副镇长", "201001", "已免", "201201"],
        ],
    )
    found = problems_of(data)
    assert [p[:3] for p in found] == [
        ("A02职务", 4, "免职时间"),
        ("A02职务", 5, "免职时间"),
        ("A02职务", 6, "免职时间"),
        ("A02职务", 7, "任职机构名称"),
    ]
    assert "月份应为 01–12" in found[0][3]
    assert "2009.01 早于任职时间 2010.01" in found[1][3]
    assert f"{next_year}.01 晚于本月" in found[2][3]
    assert not Cadre.objects.exists()


def _list_xls(cells: list[list]) -> bytes:
    """A one-sheet list (.xls): header row then `cells`, each a value or a (kind, value) pair:
    ("error", code) an error typed in the cell, ("formula", text) a formula."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if isinstance(value, tuple) and value[0] == "error":
                sheet.row(r).set_cell_error(c, value[1])
            elif isinstance(value, tuple):
                sheet.write(r, c, xlwt.Formula(value[1]))
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cached(data: bytes, row: int, col: int, result: bytes) -> bytes:
    """The .xls with the FORMULA at (row, col) holding `result` (8 bytes) as its last calculated
    value, as Excel saves it (xlwt leaves formulas uncalculated)."""
    import re
    import struct

    record = re.compile(
        re.escape(b"\x06\x00") + b".." + re.escape(struct.pack("<HH", row, col)) + b"(..)(.{8})", re.S
    )
    match = record.search(data)
    assert match
    return data[: match.start(2)] + result + data[match.end(2) :]


def test_error_cells_in_an_xls_are_refused_naming_sheet_row_and_column_and_formulas_read_as_values():
    import struct

    make_city()
    header = ["姓名", "性别", "民族", "出生年月", "单位", "现任职务", "任现职时间", "籍贯"]
    p = people()[0]
    row = [p["姓名"], p["性别"], p["民族"], p["出生年月"], "青山镇", "党委书记", p["任现职时间"]]
    data = _list_xls(
        [
            header,
            [*row[:3], ("error", 0x2A), *row[4:], "山东"],  # #N/A typed
            [*row[:3], ("formula", "1970+0"), *row[4:], ("formula", "1/0")],
        ]
    )
    # Excel saves each formula's result: 197001 for the first, #DIV/0! for the second.
    data = _cached(data, 2, 3, struct.pack("<d", 197001.0))
    data = _cached(data, 2, 7, b"\x02\x00\x07\x00\x00\x00\xff\xff")
    found = problems_of(data)
    assert ("名单", 2, "出生年月", "单元格是错误值 #N/A（公式无法计算或引用无效），请改为实际内容") in found
    assert ("名单", 3, "籍贯", "单元格是错误值 #DIV/0!（公式无法计算或引用无效），请改为实际内容") in found
    # One message for the cell, not also 必填; and nothing about the formula that has a value.
    assert [f[:3] for f in found if f[1] == 2] == [("名单", 2, "出生年月")]
    assert not any(f[:3] == ("名单", 3, "出生年月") for f in found)
    assert not Cadre.objects.exists()
    # Without the error cells, the formula's value is the birth month.
    data = _list_xls([header, [*row[:3], ("formula", "1970+0"), *row[4:], "山东"]])
    do_import_roster(_cached(data, 1, 3, struct.pack("<d", 197001.0)), None)
    assert Cadre.objects.get().birth == dt.date(1970, 1, 1)


def test_error_cells_in_the_extract_workbook_name_the_sheet_they_are_in():
    import openpyxl

    make_city()
    book = openpyxl.load_workbook(io.BytesIO(extract_workbook(people()[:1])))
    book["A01人员"]["D3"] = "#N/A"  # 出生年月
    book["A02职务"]["E3"] = "#REF!"  # 任职时间 of the current post
    out = io.BytesIO()
    book.save(out)
    found = problems_of(out.getvalue())
    assert (
        "A01人员",
        3,
        "出生年月",
        "单元格是错误值 #N/A（公式无法计算或引用无效），请改为实际内容",
    ) in found
    assert (
        "A02职务",
        3,
        "任职时间",
        "单元格是错误值 #REF!（公式无法计算或引用无效），请改为实际内容",
    ) in found
    assert len(found) == 2
