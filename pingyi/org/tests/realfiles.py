"""Files in the layouts real departments hold, built from the same people as our own roster rows.

`people` are dicts as `pingyi.testing.cadre_values` gives them (our column names), plus an
optional "考核" list of (year, result). Each builder writes the quirks of the real thing:
the vendor's .xls (BIFF8, through xlwt) with a block per unit, a title row, two-row merged
header with spaces and line breaks, dates as text or typed numbers, the block repeated per
printed page; the 信息提取表 with merged title rows, `*` and remarks in headers, 6- and
8-digit dates, organs named in their organisational forms.
"""

import io

import openpyxl
import xlwt

from pingyi.org.vocab import is_party_school

VENDOR_HEADER = [
    # (top, sub or None): a None top continues the group to its left.
    ("姓  名", None), ("现任职务", None), ("性别", None), ("民族", None), ("籍贯", None),
    ("全日制教育", "学历"), (None, "毕业院校及\n专  业"), ("在职教育", "学历"), (None, "毕业院校及\n专  业"),
    ("出生\n年月", None), ("参加工\n作时间", None), ("入党\n时间", None), ("任现职\n时  间", None),
    ("任现职\n级时间", None), ("备  注", None), ("单位归口", None),
]  # fmt: skip


def _unit_names(ref: str) -> tuple[str, str]:
    parent, _, name = ref.rpartition("/")
    return name, (parent + name if parent else name)


def _education_cell(person: dict, prefix: str) -> str | None:
    education = person.get(f"{prefix}学历")
    degree = person.get(f"{prefix}学位")
    if not education:
        return None
    short = {"大学本科": "大学", "大学专科": "大专", "高中及以下": "高中", "硕士研究生": "研究生"}
    text = education if is_party_school(education) else short.get(education, education)
    return f"{text}\n{degree}" if degree else text


def _date(value: str | None, as_number: bool):
    if not value:
        return None
    if as_number and not value.endswith(("10", ".1")):
        return float(value)  # 1970.01 typed as a number: month still certain
    return value


def block_xls(
    people: list[dict], *, page_rows: int = 3, numbers: bool = True, title_full: bool = True
) -> bytes:
    """The vendor's 干部名册(常规A4) as .xls: a block per unit, repeated every `page_rows` cadres."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("干部名册")
    wrap = xlwt.easyxf("alignment: wrap on")
    row = 0
    groups: dict[str, list[dict]] = {}
    for person in people:
        groups.setdefault(person["单位"], []).append(person)
    for ref, members in groups.items():
        name, full = _unit_names(ref)
        for page_start in range(0, len(members), page_rows):
            sheet.write_merge(row, row, 0, 4, name)
            if title_full:
                sheet.write(row, 10, full)
            sheet.write(row, 14, "第1页")
            row += 1
            for col, (top, sub) in enumerate(VENDOR_HEADER):
                if top is None:
                    continue
                if sub is None:
                    sheet.write_merge(row, row + 1, col, col, top, wrap)
                else:
                    sheet.write_merge(row, row, col, col + 1, top, wrap)
            for col, (_top, sub) in enumerate(VENDOR_HEADER):
                if sub is not None:
                    sheet.write(row + 1, col, sub, wrap)
            row += 2
            for n, person in enumerate(members[page_start : page_start + page_rows]):
                as_number = numbers and n % 2 == 0
                values = [
                    person["姓名"][0] + "  " + person["姓名"][1:] if len(person["姓名"]) == 2 else person["姓名"],
                    person["现任职务"].replace("、", "，"),
                    person["性别"], person["民族"], person.get("籍贯"),
                    _education_cell(person, "全日制"), person.get("全日制毕业院校及专业"),
                    _education_cell(person, "在职"), person.get("在职毕业院校及专业"),
                    _date(person["出生年月"], as_number), _date(person.get("参加工作时间"), as_number),
                    _date(person.get("入党时间"), as_number), _date(person["任现职时间"], as_number),
                    person["任现职时间"], "", "区委管理",
                ]  # fmt: skip
                for col, value in enumerate(values):
                    if value is not None:
                        sheet.write(row, col, value, wrap)
                row += 1
            row += 1  # a blank row before the next page's title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ORGANS = {"党委书记": "{u}党委", "党委副书记": "中共{u}委员会", "镇长": "{u}人民政府", "乡长": "{u}人民政府",
          "副镇长": "{u}人民政府", "党工委书记": "{u}党工委", "主任": "{u}办事处",
          "街道办事处主任": "{u}办事处"}  # fmt: skip


def _digits(value: str | None, day: bool = False) -> str | None:
    if not value:
        return None
    year, month = value.split(".")
    return f"{year}{month}" + ("15" if day else "")


def extract_workbook(people: list[dict], *, past_posts: bool = True) -> bytes:
    """The 干部大数据信息提取表 V2018.11 (.xlsx), each sheet under a merged title row."""
    book = openpyxl.Workbook()
    book.remove(book.active)

    def sheet(name, headers, rows):
        ws = book.create_sheet(name)
        ws.append([f"{name}（干部大数据信息提取表 V2018.11）"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append(headers)
        for values in rows:
            ws.append(values)

    sheet("B01单位", ["单位名称", "单位简称", "机构代码"], [["东城区青山镇", "青山镇", "B001"]])
    a01, a02, a08, a15 = [], [], [], []
    for n, p in enumerate(people):
        number = p.get("身份证号") or ""
        a01.append([
            p["姓名"], number.lower() if n % 2 else number, p["性别"], _digits(p["出生年月"], day=n % 2 == 1),
            p.get("籍贯"), p["民族"], _digits(p.get("参加工作时间")), p.get("政治面貌"),
            _digits(p.get("入党时间")), f"{_unit_names(p['单位'])[1]}{p['现任职务']}", _unit_names(p["单位"])[0],
            p.get("简历"),
        ])  # fmt: skip
        unit = _unit_names(p["单位"])[1 if n % 2 else 0]
        for title in p["现任职务"].split("、"):
            organ = ORGANS.get(title, "{u}").format(u=unit)
            a02.append([p["姓名"], number, organ, title, _digits(p["任现职时间"], day=True), "在任", None])
        if past_posts:
            a02.append([p["姓名"], number, f"{unit}人民政府", "副镇长", "201001", "已免", "201509"])
        for prefix, category in (("全日制", "全日制教育"), ("在职", "在职教育")):
            if p.get(f"{prefix}学历"):
                a08.append([p["姓名"], number, p[f"{prefix}学历"], p.get(f"{prefix}学位"), category,
                            p.get(f"{prefix}毕业院校及专业"), None])  # fmt: skip
        if p.get("全日制学历") == "大学本科":
            # A lower 学历 of the same kind is not the one kept.
            a08.append([p["姓名"], number, "大学专科", None, "全日制教育", "示例职业学院", None])
        for year, result in p.get("考核", []):
            a15.append([p["姓名"], number, result, f"{year}"])
    sheet("A01人员", ["*姓名 ", "*身份证号（未核对原件）", "性别", "出生年月", "籍贯", "民族", "参加工作时间",
                      "政治面貌", "入党时间", "现工作单位及职务全称", "统计关系所在单位", "简历"], a01)  # fmt: skip
    sheet(
        "A02职务", ["*姓名", "*身份证号", "任职机构名称", "职务名称", "任职时间", "任职状态", "免职时间"], a02
    )
    sheet("A08学历学位", ["*姓名", "*身份证号", "学历名称", "学位名称", "教育类别", "学校（单位）名称", "所学专业名称"],
          a08)  # fmt: skip
    sheet("A15考核", ["*姓名", "*身份证号", "考核结论", "考核年度"], a15)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def photo_jpeg(seed: int = 0) -> bytes:
    """A plain passport-shaped JPEG, made here rather than committed."""
    from PIL import Image

    image = Image.new("RGB", (90, 120), (200 - seed % 50, 210, 230))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def lrmx_resume(p: dict) -> str:
    """A 简历 whose open line starts at 任现职时间, with a （其间：…） note."""
    born = int(p["出生年月"][:4])
    unit = _unit_names(p["单位"])[1]
    return (
        f"{born + 18}.09--{born + 21}.07  示例大学法学专业学习\n"
        "（其间：2010.09--2012.07在省委党校在职研究生班学习）\n"
        f"{p['任现职时间']}--  {unit}{p['现任职务']}"
    )


def lrmx_file(p: dict, *, photo: bool = True, quirks: bool = True, seed: int = 0) -> bytes:
    """A 任免审批表 as the editor writes it, with the quirks of real files when `quirks`."""
    import base64
    from xml.sax.saxutils import escape

    def ym(value):
        return value.replace(".", "") if value else ""

    unit = _unit_names(p["单位"])[1]
    titles = p["现任职务"].split("、")
    number = p.get("身份证号") or ""
    tags = [
        ("XingMing", p["姓名"]), ("XingBie", p["性别"]), ("ChuShengNianYue", ym(p["出生年月"])),
        ("MinZu", p["民族"]), ("JiGuan", p.get("籍贯") or ""), ("ChuShengDi", "本省示例市"),
        ("RuDangShiJian", ym(p.get("入党时间"))), ("CanJiaGongZuoShiJian", ym(p.get("参加工作时间"))),
        ("JianKangZhuangKuang", "健康"), ("ZhuanYeJiShuZhiWu", ""), ("ShuXiZhuanYeYouHeZhuanChang", "   "),
        ("QuanRiZhiJiaoYu_XueLi", p.get("全日制学历") or ""),
        ("QuanRiZhiJiaoYu_XueWei", ("法学" + p["全日制学位"]) if p.get("全日制学位") else ""),
        ("QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", p.get("全日制毕业院校及专业") or ""),
        ("QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", ""),
        ("ZaiZhiJiaoYu_XueLi", p.get("在职学历") or ""), ("ZaiZhiJiaoYu_XueWei", p.get("在职学位") or ""),
        ("ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", p.get("在职毕业院校及专业") or ""),
        ("ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", ""),
        ("XianRenZhiWu", unit + "、".join(titles)), ("NiRenZhiWu", ""), ("NiMianZhiWu", ""),
        ("JianLi", lrmx_resume(p)),
        ("JiangChengQingKuang", "2019年被评为优秀共产党员"),
        ("NianDuKaoHeJieGuo", "；".join(f"{y}年度考核{r}" for y, r in p.get("考核", []))),
        ("RenMianLiYou", "工作需要"),
    ]  # fmt: skip
    family = [
        ("妻子", "周某", "198501", "中共党员", "东城区第一中学教师"),
        ("父亲", "王某", "", "群众", "已故"),
    ]
    tail = [
        ("ChengBaoDanWei", "中共东城区委"), ("JiSuanNianLingShiJian", "202601"), ("TianBiaoShiJian", "20260115"),
        ("TianBiaoRen", "组织科"), ("ShenFenZheng", number.lower() if quirks else number),
        ("ZhaoPian", base64.b64encode(photo_jpeg(seed)).decode() if photo else ""), ("Version", "3.2.1.16"),
        ("DaoLingNianYue", "203001"),
    ]  # fmt: skip
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<Person>"]
    for tag, value in tags:
        if quirks and value == "" and tag.startswith("Ni"):
            parts.append(f"  <{tag}/>")  # self-closing
        else:
            parts.append(f"  <{tag}>{escape(value)}</{tag}>")
    parts.append("  <JiaTingChengYuan>")
    for relation, name, birth, status, work in family:
        parts.append(
            f"    <Item><ChengWei>{relation}</ChengWei><XingMing>{name}</XingMing>"
            f"<ChuShengRiQi>{birth}</ChuShengRiQi><ZhengZhiMianMao>{status}</ZhengZhiMianMao>"
            f"<GongZuoDanWeiJiZhiWu>{work}</GongZuoDanWeiJiZhiWu></Item>"
        )
    parts.append("  </JiaTingChengYuan>")
    for tag, value in tail:
        parts.append(f"  <{tag}>{escape(value)}</{tag}>")
    if quirks:
        parts.append("  <ZiDingYiXiang>某地自定义项</ZiDingYiXiang>")  # unknown to us, kept
    parts.append("</Person>")
    text = "\r\n".join(parts)
    return ("\ufeff" + text).encode("utf-8") if quirks else text.encode("utf-8")
