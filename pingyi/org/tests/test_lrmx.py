"""干部任免审批表 (.lrmx): import from files, folders and zips; export that round-trips."""

import base64
import io
import random
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from pingyi.lib import limits
from pingyi.lib.xlsx import WorkbookError
from pingyi.org.actions import RosterRejected, do_import_roster
from pingyi.org.models import Assessment, Cadre, CadrePhoto, FamilyMember, Post, ResumeEntry, RosterImport
from pingyi.org.readers import lrmx
from pingyi.org.vocab import Degree, Education
from pingyi.testing import make_city, make_personas

from .realfiles import lrmx_file, lrmx_resume, photo_jpeg
from .test_real_layouts import _stats, own_layout, people, posts_of

pytestmark = pytest.mark.django_db


def write_folder(tmp_path, rows, **kwargs):
    folder = tmp_path / "审批表"
    (folder / "青山镇").mkdir(parents=True, exist_ok=True)
    for n, row in enumerate(rows):
        sub = folder / "青山镇" if "青山镇" in row["单位"] else folder
        (sub / f"{row['姓名']}.lrmx").write_bytes(lrmx_file(row, seed=n, **kwargs))
    return folder


def snapshot():
    return (
        list(Cadre.objects.order_by("id").values_list()),
        list(Post.objects.order_by("id").values_list()),
        list(ResumeEntry.objects.order_by("id").values_list()),
        list(Assessment.objects.order_by("id").values_list()),
        list(FamilyMember.objects.order_by("id").values_list()),
        list(CadrePhoto.objects.order_by("id").values_list("cadre_id", "sha256")),
    )


def test_a_folder_of_lrmx_files_imports_people_posts_education_photo_and_family(tmp_path):
    make_city()
    rows = people()
    out = io.StringIO()
    call_command("import_lrmx", str(write_folder(tmp_path, rows)), stdout=out)
    assert "新增 6" in out.getvalue()
    assert posts_of("李秀英") == ("青山镇", ["党委副书记", "镇长"])
    assert posts_of("陈静") == ("文昌街道", ["党工委书记"])
    wang = Cadre.objects.get(name="王建国")
    assert (wang.education_fulltime, wang.degree_fulltime) == (
        Education.BACHELOR,
        Degree.BACHELOR,
    )  # 法学学士
    assert wang.education_inservice == Education.MASTER  # 中央党校研究生
    assert wang.political_status == "中共党员" and wang.party_joined.year == 1992
    assert wang.posts.get().start.strftime("%Y.%m") == rows[0]["任现职时间"]  # 简历's open line
    assert wang.resume == lrmx_resume(rows[0])  # kept whole
    assert [e.status for e in wang.resume_entries.all()] == ["ok", "note", "ok"]
    assert Cadre.objects.get(name="李秀英").id_number.endswith("X")  # lower-case x in the file
    assert bytes(wang.photo.content) == photo_jpeg(0)
    assert [(m.relation, m.name, m.work) for m in wang.family.all()] == [
        ("妻子", "周某", "东城区第一中学教师"),
        ("父亲", "王某", "已故"),
    ]
    assert wang.lrmx_fields["ChuShengDi"] == "本省示例市"
    assert wang.lrmx_fields["ZiDingYiXiang"] == "某地自定义项"  # an unknown tag, kept
    assert "ShuXiZhuanYeYouHeZhuanChang" not in wang.lrmx_fields  # whitespace only
    assert wang.assessments.count() == 2
    # The same folder again changes nothing.
    before = snapshot()
    out = io.StringIO()
    call_command("import_lrmx", str(write_folder(tmp_path, rows)), stdout=out)
    assert "未变 6" in out.getvalue()
    assert snapshot() == before


def test_cohort_stats_from_lrmx_equal_the_same_people_in_our_layout(tmp_path):
    make_city()
    rows = [{**r, "简历": lrmx_resume(r)} for r in people()]
    do_import_roster(own_layout(rows), None)
    expected = _stats()
    Cadre.objects.all().delete()
    call_command("import_lrmx", str(write_folder(tmp_path, rows)), stdout=io.StringIO())
    assert _stats() == expected


def test_exported_lrmx_files_round_trip_unchanged(tmp_path, client):
    city = make_city()
    rows = people()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        for n, row in enumerate(rows):
            archive.writestr(f"{row['姓名']}.lrmx", lrmx_file(row, seed=n))
    (tmp_path / "批量.zip").write_bytes(zipped.getvalue())
    call_command("import_lrmx", str(tmp_path / "批量.zip"), stdout=io.StringIO())
    before = snapshot()
    out_dir = tmp_path / "导出"
    call_command("export_lrmx", "--out", str(out_dir), stdout=io.StringIO())
    files = sorted(out_dir.glob("*.lrmx"))
    assert len(files) == 6
    text = (out_dir / f"王建国_{rows[0]['出生年月'].replace('.', '')}.lrmx").read_text("utf-8")
    # Tags in the editor's order, dates as YYYYMM, photo and family kept.
    order = [
        text.index(f"<{tag}>") for tag in ("XingMing", "XingBie", "ChuShengNianYue", "JianLi", "ShenFenZheng")
    ]
    assert order == sorted(order)
    assert "<ChuShengNianYue>197001</ChuShengNianYue>" in text and "<ZhaoPian>/9j/" in text
    assert "<ChengWei>妻子</ChengWei>" in text and "<XianRenZhiWu>东城区青山镇党委书记</XianRenZhiWu>" in text
    out = io.StringIO()
    call_command("import_lrmx", str(out_dir), stdout=out)
    assert "未变 6" in out.getvalue()
    assert snapshot() == before
    # A scope limits the export to a unit's subtree.
    call_command(
        "export_lrmx", "--out", str(tmp_path / "西河"), "--scope", city.west.code, stdout=io.StringIO()
    )
    assert [p.name for p in (tmp_path / "西河").glob("*.lrmx")] == [
        f"孙海波_{rows[5]['出生年月'].replace('.', '')}.lrmx"
    ]


def test_cadres_from_a_workbook_export_as_lrmx_and_come_back_unchanged(tmp_path):
    make_city()
    rows = [{**r, "简历": lrmx_resume(r)} for r in people()]
    do_import_roster(own_layout(rows), None)
    before = snapshot()
    call_command("export_lrmx", "--out", str(tmp_path / "out"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_lrmx", str(tmp_path / "out"), stdout=out)
    assert "未变 6" in out.getvalue()
    assert snapshot() == before


def test_export_roster_writes_our_layout_with_full_id_numbers(tmp_path):
    make_city()
    rows = people()
    do_import_roster(own_layout(rows), None)
    call_command("export_roster", "--out", str(tmp_path / "名册.xlsx"), stdout=io.StringIO())
    data = (tmp_path / "名册.xlsx").read_bytes()
    plan = do_import_roster(data, None)
    assert plan.counts()["干部名册"]["unchanged"] == 6
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data))["干部名册"]
    assert rows[1]["身份证号"] in [c.value for c in next(sheet.iter_cols(min_col=18, max_col=18))]


def test_matched_by_name_and_birth_when_the_file_has_no_id_number(tmp_path):
    make_city()
    row = {**people()[0], "身份证号": None}
    do_import_roster(lrmx.pack([("a.lrmx", lrmx_file(row))]), None)
    plan = do_import_roster(lrmx.pack([("b.lrmx", lrmx_file({**row, "籍贯": "外省某县"}))]), None)
    assert plan.counts()["干部名册"] == {"new": 0, "changed": 1, "unchanged": 0}
    assert Cadre.objects.get().native_place == "外省某县"


def _problems(files):
    with pytest.raises(RosterRejected) as caught:
        do_import_roster(lrmx.pack(files), None)
    return [(p.sheet, p.column, p.reason) for p in caught.value.plan.problems]


def test_bad_lrmx_files_are_named_with_the_field_and_nothing_is_written():
    make_city()
    good = lrmx_file(people()[0])
    no_name = good.replace("<XingMing>王建国</XingMing>".encode(), b"<XingMing/>")
    bad_month = good.replace(b"<ChuShengNianYue>197001", b"<ChuShengNianYue>197013")
    unknown = good.replace("青山镇党委书记</XianRenZhiWu>".encode(), "白云镇党委书记</XianRenZhiWu>".encode())
    found = _problems(
        [("好.lrmx", good), ("乱码.lrmx", b"\x00\x01 not xml"), ("无名.lrmx", no_name), ("月份.lrmx", bad_month),
         ("单位.lrmx", unknown)]
    )  # fmt: skip
    assert ("乱码.lrmx", "文件", "不是有效的任免审批表（XML 格式错误）") in found
    assert ("无名.lrmx", "姓名（XingMing）", "缺少姓名") in found
    assert any(f[:2] == ("月份.lrmx", "出生年月（ChuShengNianYue）") and "197013" in f[2] for f in found)
    assert any(f[:2] == ("单位.lrmx", "现任职务（XianRenZhiWu）") and "白云镇党委书记" in f[2] for f in found)
    assert not Cadre.objects.exists()


def test_entity_expansion_and_external_entities_are_refused():
    make_city()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><Person><XingMing>&c;</XingMing></Person>'
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Person><XingMing>&x;</XingMing></Person>"
    )
    found = _problems([("炸弹.lrmx", laughs), ("外部.lrmx", external)])
    assert found == [
        ("炸弹.lrmx", "文件", "含有 DTD 或实体声明，系统出于安全考虑拒绝读取"),
        ("外部.lrmx", "文件", "含有 DTD 或实体声明，系统出于安全考虑拒绝读取"),
    ]


def _zip(members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_of_ten_thousand_files_or_a_zip_bomb_is_refused_before_inflating_naming_the_limit():
    many = _zip((f"{n}.lrmx", b"") for n in range(10_000))
    with pytest.raises(
        WorkbookError, match=re.escape("压缩包「一万.zip」内含 10000 个文件，超过上限 2000 个")
    ):
        lrmx.gather([("一万.zip", many)])
    bomb = _zip([("大.lrmx", b"<" + b" " * (lrmx.MAX_FILE_BYTES + 10))])
    assert len(bomb) < 100_000
    with pytest.raises(WorkbookError, match=r"「大\.lrmx」压缩比异常.*压缩炸弹"):
        lrmx.gather([("炸弹.zip", bomb)])
    # A file over the .lrmx bound that compresses honestly (photo-like bytes) is refused by its size.
    big = _zip([("大.lrmx", b"<Person>" + random.Random(1).randbytes(lrmx.MAX_FILE_BYTES))])
    with pytest.raises(
        WorkbookError, match=re.escape("「大.lrmx」解压后 5.1 MB，超过单个任免审批表的上限 5 MB")
    ):
        lrmx.gather([("大.zip", big)])
    with pytest.raises(WorkbookError, match="不是任免审批表文件"):
        lrmx.gather([("说明.txt", b"hello")])
    # Files picked one by one are held to the same bounds: each file, and the batch in all.
    with pytest.raises(WorkbookError, match=re.escape("「大.lrmx」有 5.1 MB，超过单个任免审批表的上限 5 MB")):
        lrmx.gather([("大.lrmx", b"<Person>" + b" " * lrmx.MAX_FILE_BYTES)])
    five = b"<Person>" + b" " * (lrmx.MAX_FILE_BYTES - 100)
    with pytest.raises(WorkbookError, match=r"这批任免审批表共 .* MB，超过上限 200 MB，请分批导入"):
        lrmx.gather([(f"{n}.lrmx", five) for n in range(41)])


def test_gbk_encoded_files_are_read():
    make_city()
    text = (
        lrmx_file(people()[0], quirks=False).decode("utf-8").replace('encoding="UTF-8"', 'encoding="GB2312"')
    )
    do_import_roster(lrmx.pack([("gbk.lrmx", text.encode("gb18030"))]), None)
    assert Cadre.objects.get().name == "王建国"


def test_the_web_upload_takes_many_files_shows_the_photo_and_exports_lrmx(client):
    city = make_city()
    client.force_login(make_personas(city).organizer)
    rows = people()[:3]
    files = [SimpleUploadedFile(f"{r['姓名']}.lrmx", lrmx_file(r, seed=n)) for n, r in enumerate(rows)]
    page = client.post("/roster/", {"lrmx": files}, follow=True)
    html = page.content.decode()
    assert page.status_code == 200 and "干部任免审批表" in html and "确认导入" in html
    staged = RosterImport.objects.get()
    client.post(f"/roster/{staged.pk}/confirm/", {"confirm": "1"})
    wang = Cadre.objects.get(name="王建国")
    html = client.get(f"/cadres/{wang.pk}/").content.decode()
    assert f'src="/cadres/{wang.pk}/photo/"' in html and "周某" in html and "本省示例市" in html
    photo = client.get(f"/cadres/{wang.pk}/photo/")
    assert photo["Content-Type"] == "image/jpeg" and photo.content == photo_jpeg(0)
    one = client.get(f"/cadres/{wang.pk}/lrmx/")
    assert one.status_code == 200 and b"<XingMing>" in one.content
    bundle = client.get("/cadres/export.zip?unit=&q=")
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert len(names) == 3 and all(n.endswith(".lrmx") for n in names)
    # A clerk of another township sees neither the photo nor the file.
    from pingyi.accounts.models import User

    other = User.objects.get(username="outsider")
    client.force_login(other)
    assert client.get(f"/cadres/{wang.pk}/photo/").status_code == 404
    assert client.get(f"/cadres/{wang.pk}/lrmx/").status_code == 404


def test_a_zip_upload_with_a_bad_file_is_refused_as_a_whole(client):
    city = make_city()
    client.force_login(make_personas(city).organizer)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("好.lrmx", lrmx_file(people()[0]))
        archive.writestr("坏.lrmx", "<Person><XingBie>男</XingBie></Person>".encode())
    page = client.post("/roster/", {"lrmx": SimpleUploadedFile("一批.zip", zipped.getvalue())}, follow=True)
    assert page.status_code == 400
    assert "坏.lrmx" in page.content.decode() and "缺少姓名" in page.content.decode()
    assert not Cadre.objects.exists()


def test_import_lrmx_command_reports_problems_and_writes_nothing(tmp_path):
    make_city()
    (tmp_path / "坏.lrmx").write_bytes(b"<Person/>")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_lrmx", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not Cadre.objects.exists()


def test_the_demo_loads_a_few_cadres_from_lrmx_files_with_photos():
    call_command("load_demo", stdout=io.StringIO())
    photos = list(CadrePhoto.objects.select_related("cadre"))
    assert len(photos) >= 3
    assert all(bytes(p.content).startswith(b"\xff\xd8") for p in photos)
    assert all(p.cadre.family.exists() and p.cadre.lrmx_fields.get("JianKangZhuangKuang") for p in photos)
    before = snapshot()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert f"未变 {len(photos)}" in out.getvalue()
    assert snapshot() == before


def test_a_photo_declaring_billions_of_pixels_or_not_an_image_is_refused():
    import base64
    import struct
    import zlib

    make_city()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    # A tiny PNG whose header declares 81 million pixels.
    header = struct.pack(">IIBBBBB", 9_000, 9_000, 8, 2, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
    good = lrmx_file(people()[0]).decode("utf-8-sig")
    start, end = good.index("<ZhaoPian>") + 10, good.index("</ZhaoPian>")
    huge = good[:start] + base64.b64encode(png).decode() + good[end:]
    text = good[:start] + base64.b64encode(b"GIF89a not a photo").decode() + good[end:]
    found = _problems([("大图.lrmx", huge.encode()), ("非图.lrmx", text.encode())])
    assert (
        "大图.lrmx",
        "照片（ZhaoPian）",
        "照片的像素尺寸过大（9000×9000），上限为 4000 万像素",
    ) in found
    assert ("非图.lrmx", "照片（ZhaoPian）", "照片不是 JPEG 图片") in found


def test_the_big_screen_shows_the_lrmx_photo_of_a_speaker_without_one(client):
    from pingyi.reviews import actions as review_actions
    from pingyi.testing import make_review

    city = make_city()
    staff = make_personas(city)
    do_import_roster(lrmx.pack([("王.lrmx", lrmx_file(people()[0]))]), None)
    wang = Cadre.objects.get(name="王建国")
    review = make_review(staff.organizer, stage="reporting", appraisees=[wang])
    appraisee = review.appraisees.get()
    client.force_login(staff.organizer)
    from django.urls import reverse

    shown = client.get(reverse("appraisee_photo", args=[appraisee.pk]))
    assert shown.status_code == 200 and shown.content == photo_jpeg(0)
    review_actions.do_move_stage(review, staff.organizer, "meeting")
    review = review_actions.do_meeting(review, staff.organizer, "start")
    assert review_actions.meeting_state(review)["current"]["has_photo"]


def test_a_zip_bomb_or_a_zip_of_too_many_files_uploaded_on_the_web_is_refused_with_400(client):
    city = make_city()
    client.force_login(make_personas(city).organizer)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("大.lrmx", b"<" + b" " * (lrmx.MAX_FILE_BYTES + 10))
    page = client.post("/roster/", {"lrmx": SimpleUploadedFile("炸弹.zip", bomb.getvalue())})
    assert page.status_code == 400 and "压缩炸弹" in page.content.decode()
    many = _zip((f"{n}.lrmx", b"") for n in range(10_000))
    page = client.post("/roster/", {"lrmx": SimpleUploadedFile("一万.zip", many)})
    assert page.status_code == 400 and "内含 10000 个文件，超过上限 2000 个" in page.content.decode()
    page = client.post("/roster/", {"lrmx": SimpleUploadedFile("说明.txt", b"hello")})
    assert page.status_code == 400 and "不是任免审批表文件" in page.content.decode()
    assert not RosterImport.objects.exists() and not Cadre.objects.exists()


def test_a_thousand_lrmx_files_with_photos_fit_in_one_zip():
    # A real 任免审批表 photo is some 20–60 KB; these carry 100 KB of photo-like (incompressible) bytes.
    photo = base64.b64encode(random.Random(2).randbytes(100_000)).decode()
    person = people()[0]
    text = lrmx_file(person).decode()
    start = text.index("<ZhaoPian>") + len("<ZhaoPian>")
    text = text[:start] + photo + text[text.index("</ZhaoPian>") :]
    batch = _zip((f"{n:04d}.lrmx", text.encode()) for n in range(1000))
    found = lrmx.gather([("全市.zip", batch)])
    assert len(found) == 1000
    # Staged as one packed batch, it is still within the bounds of a zip.
    assert len(lrmx.unzip("上传的文件", lrmx.pack(found), prefix=False)) == 1000


def test_more_files_than_one_request_may_carry_are_refused_asking_for_a_zip(client):
    city = make_city()
    client.force_login(make_personas(city).organizer)
    files = [SimpleUploadedFile(f"{n}.lrmx", b"<Person/>") for n in range(limits.UPLOAD_MAX_FILES + 1)]
    page = client.post("/roster/", {"lrmx": files})
    text = page.content.decode()
    assert page.status_code == 400
    assert "一次最多上传 1000 个文件" in text and "打包成一个 zip 压缩包" in text
    assert not RosterImport.objects.exists() and not Cadre.objects.exists()
