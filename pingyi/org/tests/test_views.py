import datetime as dt
import io
import os
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pingyi.audit.models import AuditEvent
from pingyi.org.models import Cadre, RosterImport
from pingyi.testing import cadre_values, make_cadre, make_city, make_personas, roster_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_city()


@pytest.fixture
def people(city):
    return make_personas(city)


@pytest.fixture
def organizer(people):
    client = Client()
    client.force_login(people.organizer)
    return client


def upload(client, name, data):
    return client.post(reverse("roster_upload"), {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_upload_previews_then_applies_only_on_confirmation(organizer, city):
    rows = [cadre_values(姓名=n, 出生年月=f"198{i}.05") for i, n in enumerate(["甲一", "乙二", "丙三"])]
    page = upload(organizer, "名册.xlsx", roster_bytes(rows))
    assert page.status_code == 200
    html = page.content.decode()
    assert "确认导入" in html and "甲一（青山镇）" in html
    assert not Cadre.objects.exists()
    staged = RosterImport.objects.get()
    assert staged.status == "pending"

    done = organizer.post(reverse("roster_confirm", args=[staged.pk]), follow=True)
    assert "导入完成：新增 3 人，修改 0 人，未变 0 人" in done.content.decode()
    assert Cadre.objects.count() == 3
    staged.refresh_from_db()
    assert staged.status == "applied" and bytes(staged.content) == b""
    event = AuditEvent.objects.get(action="roster_import")
    assert event.actor.username == "organizer" and "新增 3" in event.summary
    # A second confirmation of the same upload does nothing.
    again = organizer.post(reverse("roster_confirm", args=[staged.pk]), follow=True)
    assert "已处理" in again.content.decode()
    assert Cadre.objects.count() == 3


def test_discarding_an_upload_writes_nothing(organizer, city):
    upload(organizer, "名册.xlsx", roster_bytes([cadre_values()]))
    staged = RosterImport.objects.get()
    page = organizer.post(reverse("roster_confirm", args=[staged.pk]), {"discard": "1"}, follow=True)
    assert "已放弃本次导入" in page.content.decode()
    assert not Cadre.objects.exists()


def test_the_registry_changing_after_the_preview_is_caught_on_confirm(organizer, city):
    upload(organizer, "名册.xlsx", roster_bytes([cadre_values(单位="青山镇")]))
    staged = RosterImport.objects.get()
    # Someone adds a second 青山镇 in the meantime: the name is now ambiguous.
    from pingyi.testing import make_unit

    make_unit("379902202000", "青山镇", "镇", city.west)
    page = organizer.post(reverse("roster_confirm", args=[staged.pk]), follow=True)
    assert "有重名" in page.content.decode()
    assert not Cadre.objects.exists()


def _docx_bytes():
    document = docx.Document()
    document.add_paragraph("述职报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _merged_header():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(roster_bytes([cadre_values()])))
    book["单位"].merge_cells("A1:B1")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _without_roster():
    # Neither our sheets nor any header with 姓名 and the like: no layout we know.
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["项目", "金额"])
    book.active.append(["办公经费", 1200])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _without_column():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(roster_bytes([cadre_values()])))
    book["干部名册"].delete_cols(4)  # 出生年月
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _empty_workbook():
    return roster_bytes([])


def _encrypted():
    # An encrypted .xlsx is an OLE2 container holding an EncryptionInfo stream.
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 2000
    )


def _junk_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("空文件.xlsx", lambda: b"", "文件为空"),
        ("文本.xlsx", lambda: "姓名,性别\n张三,男\n".encode(), "不是 Excel 工作簿"),
        ("报告.xlsx", _docx_bytes, "Word 文档"),
        ("加密.xlsx", _encrypted, "已设置打开密码"),
        ("压缩包.xlsx", _junk_zip, "不是 Excel 工作簿"),
        ("无名册.xlsx", _without_roster, "未能识别该工作簿的格式"),
        ("缺列.xlsx", _without_column, "工作表「干部名册」缺少列「出生年月」"),
        ("合并.xlsx", _merged_header, "表头有合并单元格（A1:B1）"),
        ("空表.xlsx", _empty_workbook, "没有任何数据行"),
        ("垃圾.xlsx", lambda: os.urandom(10 * 1024 * 1024), "文件过大"),
    ],
)
def test_bad_files_get_a_clear_chinese_message_and_leave_nothing(organizer, city, name, make, message):
    page = upload(organizer, name, make())
    assert page.status_code in (200, 400)
    assert message in page.content.decode()
    assert not Cadre.objects.exists()
    assert not RosterImport.objects.filter(status="pending").exists()
    assert all(bytes(i.content) == b"" for i in RosterImport.objects.all())


def test_row_errors_are_listed_by_sheet_row_column_and_reason(organizer, city):
    page = upload(
        organizer, "名册.xlsx", roster_bytes([cadre_values(), cadre_values(姓名="坏", 出生年月="1968.13")])
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "发现 1 处错误，未导入任何数据" in html
    assert (
        '<td>干部名册</td><td class="num">3</td><td>出生年月</td><td>1968.13 不是有效的年月（月份应为 01–12）</td>'
        in html
    )
    assert "确认导入" not in html


def test_the_template_downloads_with_both_sheets(organizer):
    response = organizer.get(reverse("roster_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert {"单位", "干部名册", "填写说明"} <= set(book.sheetnames)


def test_cadre_list_filters(organizer, city):
    # Ages, not birth years: the age bands are counted from today.
    def born(age: int) -> dt.date:
        return dt.date(timezone.localdate().year - age - 1, 1, 1)

    make_cadre(city.qingshan, "年轻镇长", titles=["镇长"], birth=born(30))
    make_cadre(city.qingshan, "副镇长甲", titles=["副镇长"], birth=born(45))
    make_cadre(city.liuying, "硕士书记", birth=born(57), education_inservice=5)

    def names(**params):
        html = organizer.get(reverse("cadre_list"), params).content.decode()
        return {n for n in ["年轻镇长", "副镇长甲", "硕士书记"] if n in html}

    assert names() == {"年轻镇长", "副镇长甲", "硕士书记"}
    assert names(chiefs="on") == {"年轻镇长", "硕士书记"}
    assert names(age="le35") == {"年轻镇长"}
    assert names(age="ge56") == {"硕士书记"}
    assert names(education="5") == {"硕士书记"}
    assert names(unit=city.east.pk) == {"年轻镇长", "副镇长甲"}
    assert names(title="副") == {"副镇长甲"}
    assert names(q="柳营") == {"硕士书记"}


def test_export_follows_the_filters(organizer, city):
    make_cadre(city.qingshan, "正职甲", titles=["镇长"])
    make_cadre(city.qingshan, "副职乙", titles=["副镇长"])
    from pingyi.lib.xlsx import read_workbook

    response = organizer.get(reverse("cadre_export"), {"chiefs": "on"})
    sheets, _ = read_workbook(response.content, {"干部名册": ["姓名"]})
    assert [r["姓名"] for _, r in sheets["干部名册"].rows] == ["正职甲"]
    assert AuditEvent.objects.filter(action="roster_export").exists()


def test_cadre_page_shows_the_approval_form_and_flags_bad_resume_lines(organizer, city):
    resume = "1996.09--2000.07  示例大学学习\n2003--2005 在某单位挂职锻炼\n2021.09--  青山镇党委书记"
    cadre = make_cadre(city.qingshan, "张明", birth=dt.date(1978, 5, 1), resume=resume)
    html = organizer.get(reverse("cadre_detail", args=[cadre.pk])).content.decode()
    assert "出生年月<br>（　岁）" in html and "1978.05<br>（" in html
    assert "无法识别" in html and "2003--2005 在某单位挂职锻炼" in html
    assert "党政正职" in html


def test_editing_a_cadre_is_validated_and_audited(organizer, city):
    cadre = make_cadre(city.qingshan, "张明")
    url = reverse("cadre_edit", args=[cadre.pk])
    form = {"name": "张明", "gender": "男", "ethnicity": "汉族", "birth": "1978.13"}
    bad = organizer.post(url, form)
    assert bad.status_code == 400 and "月份应为 01–12" in bad.content.decode()
    form.update(birth="1978.06", native_place="本省青川", resume="2021.09--  青山镇党委书记")
    assert organizer.post(url, form).status_code == 302
    cadre.refresh_from_db()
    assert cadre.birth == dt.date(1978, 6, 1) and cadre.native_place == "本省青川"
    assert cadre.resume_entries.count() == 1
    event = AuditEvent.objects.get(action="cadre_edit")
    assert "出生年月" in event.summary and "籍贯" in event.summary


def test_unit_population_edit_is_audited(organizer, city):
    url = reverse("unit_edit", args=[city.qingshan.pk])
    assert organizer.post(url, {"name": "青山镇", "population": "41000"}).status_code == 302
    city.qingshan.refresh_from_db()
    assert city.qingshan.population == 41000
    assert AuditEvent.objects.filter(action="unit_edit", target__contains="青山镇").exists()


def test_pages_render_for_every_role(people, city):
    cadre = make_cadre(city.qingshan)
    for persona in ("organizer", "leader", "liaison", "clerk"):
        client = Client()
        client.force_login(getattr(people, persona))
        for url in ["/", reverse("unit_tree"), reverse("cadre_list"), reverse("account"),
                    reverse("unit_detail", args=[city.qingshan.pk]), reverse("cadre_detail", args=[cadre.pk])]:  # fmt: skip
            assert client.get(url).status_code == 200, (persona, url)
