"""干部任免审批表 files (.lrmx): one XML `<Person>` per cadre from the 中组部 editor.

Read with defusedxml (no DTD, no entity expansion, no external references), from
files, folders or a .zip whose member count and sizes are bounded before
anything is inflated. Real files carry a BOM, empty, self-closing and
whitespace-only tags, tags we do not know (kept), a lower-case `x` in the ID
number, and GBK-encoded XML. Each person becomes the row the planner already
understands: the unit and titles come from XianRenZhiWu (or 简历's open line),
任现职时间 from the start of 简历's open line. Pure: no database.
"""

from __future__ import annotations

import base64
import binascii
import re
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeTree
from defusedxml import DefusedXmlException

from pingyi.lib import limits
from pingyi.lib.xlsx import CellProblem, WorkbookError

from ..resume import OK, parse_resume
from ..roster import CadreRow, ParsedRoster, cadre_row

# Every bound on an upload is in lib/limits (issue 18): a batch holds as many files as one zip may.
MAX_FILES = limits.MAX_ZIP_MEMBERS
MAX_FILE_BYTES = limits.LRMX_MAX_FILE_BYTES
MAX_PHOTO_BYTES = limits.PHOTO_MAX_BYTES

# The editor's order (3.2.x); DaoLingNianYue and GaiGeQianRenZhiNianLingJieXian come with newer files.
TAGS = [
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan",
    "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version", "DaoLingNianYue", "GaiGeQianRenZhiNianLingJieXian",
]  # fmt: skip
LABELS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "RuDangShiJian": "入党时间", "CanJiaGongZuoShiJian": "参加工作时间",
    "QuanRiZhiJiaoYu_XueLi": "全日制学历", "QuanRiZhiJiaoYu_XueWei": "全日制学位",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制毕业院校系及专业", "ZaiZhiJiaoYu_XueLi": "在职学历",
    "ZaiZhiJiaoYu_XueWei": "在职学位", "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职毕业院校系及专业",
    "XianRenZhiWu": "现任职务", "JianLi": "简历", "NianDuKaoHeJieGuo": "年度考核结果", "ShenFenZheng": "身份证号",
    "ZhaoPian": "照片", "JiaTingChengYuan": "家庭主要成员",
}  # fmt: skip
# Tags read into the registry's own columns; every other tag is kept as written.
_COLUMNS = {
    "XingMing": "姓名", "XingBie": "性别", "ChuShengNianYue": "出生年月", "MinZu": "民族", "JiGuan": "籍贯",
    "CanJiaGongZuoShiJian": "参加工作时间", "QuanRiZhiJiaoYu_XueLi": "全日制学历",
    "QuanRiZhiJiaoYu_XueWei": "全日制学位", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "全日制毕业院校及专业",
    "ZaiZhiJiaoYu_XueLi": "在职学历", "ZaiZhiJiaoYu_XueWei": "在职学位",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "在职毕业院校及专业", "ShenFenZheng": "身份证号", "JianLi": "简历",
}  # fmt: skip
# Version is the editor's, not the person's: an export writes the version it follows.
_OWN = {
    *_COLUMNS,
    "RuDangShiJian",
    "XianRenZhiWu",
    "NianDuKaoHeJieGuo",
    "JiaTingChengYuan",
    "ZhaoPian",
    "Version",
}
FAMILY_TAGS = ["ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu"]
APPRAISAL = re.compile(
    r"(\d{4})\s*年度?[^，,；;。\d]*?(优秀|基本称职|不称职|称职|基本合格|不合格|合格|不定等次)"
)
_YM = re.compile(r"^\d{4}(?:[.．]?\d{1,2}(?:[.．]?\d{1,2})?)?$")


def label(tag: str) -> str:
    return f"{LABELS[tag]}（{tag}）" if tag in LABELS else tag


@dataclass
class LrmxRow:
    """What a file adds to a CadreRow: photo, family, the tags with no column of their own."""

    photo: bytes | None = None
    family: list[dict] = field(default_factory=list)


def gather(paths_or_files) -> list[tuple[str, bytes]]:
    """(name, bytes) of each .lrmx in the given (name, bytes) items, zips opened (bounded)."""
    found: list[tuple[str, bytes]] = []
    for name, data in paths_or_files:
        if name.lower().endswith(".zip") or data[:2] == b"PK":
            found += unzip(name, data)
        elif name.lower().endswith(".lrmx"):
            if len(data) > MAX_FILE_BYTES:
                raise WorkbookError(
                    f"「{name}」有 {limits.mb(len(data))} MB，超过单个任免审批表的上限 {limits.mb(MAX_FILE_BYTES)} MB，"
                    "系统拒绝处理。"
                )
            found.append((name, data))
        else:
            raise WorkbookError(f"「{name}」不是任免审批表文件（.lrmx）或 zip 压缩包。")
        if len(found) > MAX_FILES:
            raise WorkbookError(f"文件数超过上限 {MAX_FILES} 个，请分批导入。")
    # A batch is staged as one zip (pack), held to the bounds of any zip: the total too.
    total = sum(len(data) for _, data in found)
    if total > limits.MAX_UNZIPPED:
        raise WorkbookError(
            f"这批任免审批表共 {limits.mb(total)} MB，超过上限 {limits.mb(limits.MAX_UNZIPPED)} MB，请分批导入。"
        )
    return found


def unzip(name: str, data: bytes, *, prefix: bool = True) -> list[tuple[str, bytes]]:
    try:
        archive = limits.check_zip(data, what=f"压缩包「{name}」")
    except limits.LimitError as exc:
        raise WorkbookError(str(exc)) from None
    members = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(".lrmx")]
    # Declared sizes bound what zipfile inflates (it stops at the declared size), so they are a sound guard.
    for info in members:
        if info.file_size > MAX_FILE_BYTES:
            raise WorkbookError(
                f"压缩包「{name}」中的「{info.filename}」解压后 {limits.mb(info.file_size)} MB，"
                f"超过单个任免审批表的上限 {limits.mb(MAX_FILE_BYTES)} MB，系统拒绝处理。"
            )
    result = []
    for info in members:
        try:
            result.append((f"{name}/{info.filename}" if prefix else info.filename, archive.read(info)))
        except Exception as exc:
            raise WorkbookError(f"压缩包「{name}」中的「{info.filename}」已损坏，无法读取。") from exc
    if not result:
        raise WorkbookError(f"压缩包「{name}」中没有 .lrmx 文件。")
    return result


def _parse_xml(data: bytes) -> Element:
    data = data.removeprefix(b"\xef\xbb\xbf")
    head = data[:200].lower()
    if b"encoding=" in head and re.search(rb"encoding=[\"'](gb2312|gbk|gb18030)", head):
        # expat knows no GBK: decode here and hand it UTF-8 text without the declaration.
        text = data.decode("gb18030")
        text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip())
        data = text.encode("utf-8")
    return SafeTree.fromstring(data, forbid_dtd=True)


def _text(element: Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "").strip()


def parse_file(name: str, index: int, data: bytes, problems: list) -> CadreRow | None:
    def problem(tag, reason):
        problems.append(CellProblem(name, index, label(tag), reason))

    if len(data) > MAX_FILE_BYTES:
        problem("文件", "文件过大")
        return None
    try:
        root = _parse_xml(data)
    except DefusedXmlException:
        problem("文件", "含有 DTD 或实体声明，系统出于安全考虑拒绝读取")
        return None
    except Exception:
        problem("文件", "不是有效的任免审批表（XML 格式错误）")
        return None
    if root.tag != "Person":
        problem("文件", f"根元素应为 Person，实为 {root.tag}")
        return None
    tags, extra = {}, {}
    for child in root:
        if child.tag == "JiaTingChengYuan":
            continue
        value = _text(child)
        tags[child.tag] = value
        if child.tag not in _OWN and value:
            extra[child.tag] = value
    if not tags.get("XingMing"):
        problem("XingMing", "缺少姓名")
        return None
    cells = {column: tags.get(tag) or None for tag, column in _COLUMNS.items()}
    where = {column: (name, index, label(tag)) for tag, column in _COLUMNS.items()}
    # 入党时间 holds a month for a Party member, or another party's name.
    joined = tags.get("RuDangShiJian", "")
    if joined and _YM.match(joined.replace(".", "")):
        cells["入党时间"], cells["政治面貌"] = joined, "中共党员"
    elif joined:
        cells["政治面貌"] = joined
    where["入党时间"] = where["政治面貌"] = (name, index, label("RuDangShiJian"))
    open_line = next((line for line in reversed(parse_resume(tags.get("JianLi", ""))) if line.status == OK
                      and line.end is None), None)  # fmt: skip
    post_text = tags.get("XianRenZhiWu") or (open_line.text if open_line else "")
    cells["单位"] = cells["现任职务"] = "-" if post_text else None
    cells["任现职时间"] = open_line.start if open_line else None
    where["单位"] = where["现任职务"] = (name, index, label("XianRenZhiWu"))
    where["任现职时间"] = (name, index, "任现职时间（简历中至今的一段）")
    row = cadre_row(name, index, cells, problems, where=where)
    row.unit_ref, row.titles, row.post_text = "", [], post_text
    row.unit_where = (name, index, label("XianRenZhiWu"))
    row.values["lrmx_fields"] = extra
    row.assessments = [
        (int(y), r) for y, r in dict(APPRAISAL.findall(tags.get("NianDuKaoHeJieGuo", ""))).items()
    ]
    row.lrmx = LrmxRow(photo=_photo(tags.get("ZhaoPian", ""), problem), family=_family(root, problem))
    return row


def _photo(text: str, problem) -> bytes | None:
    if not text:
        return None
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        problem("ZhaoPian", "照片不是有效的 base64 编码")
        return None
    if len(data) > MAX_PHOTO_BYTES:
        problem("ZhaoPian", f"照片过大（超过 {limits.mb(MAX_PHOTO_BYTES)} MB）")
        return None
    reason = _image_problem(data)
    if reason:
        problem("ZhaoPian", reason)
        return None
    return data


def _image_problem(data: bytes) -> str | None:
    """Why the photo cannot be kept: not a JPEG or PNG, or more pixels than any photo has (a small
    file can declare billions, which every browser showing the page would decode)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                if image.width * image.height > limits.MAX_IMAGE_PIXELS:
                    return f"照片的像素尺寸过大（{image.width}×{image.height}），上限为 {limits.MAX_IMAGE_PIXELS // 10000} 万像素"
                if image.format not in ("JPEG", "PNG"):
                    return "照片不是 JPEG 图片"
                image.verify()
    except Image.DecompressionBombError:
        return f"照片的像素尺寸过大，上限为 {limits.MAX_IMAGE_PIXELS // 10000} 万像素"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "照片不是 JPEG 图片"
    return None


FAMILY_LIMITS = {"ChengWei": 20, "XingMing": 40, "ChuShengRiQi": 20, "ZhengZhiMianMao": 20,
                 "GongZuoDanWeiJiZhiWu": 200}  # fmt: skip


def _family(root: Element, problem) -> list[dict]:
    members = []
    group = root.find("JiaTingChengYuan")
    for n, item in enumerate(group.findall("Item") if group is not None else [], start=1):
        member = {tag: _text(item.find(tag)) for tag in FAMILY_TAGS}
        for tag, limit in FAMILY_LIMITS.items():
            if len(member[tag]) > limit:
                problem("JiaTingChengYuan", f"第{n}位家庭成员的 {tag} 超过{limit}个字符")
        if any(member.values()):
            members.append(member)
    return members


def read_lrmx(files: list[tuple[str, bytes]]) -> ParsedRoster:
    parsed = ParsedRoster(layout="lrmx", sheet_order=[name for name, _ in files])
    for index, (name, data) in enumerate(files, start=1):
        row = parse_file(name, index, data, parsed.problems)
        if row is not None:
            parsed.cadres.append(row)
    parsed.mappings = []
    return parsed


def pack(files: list[tuple[str, bytes]]) -> bytes:
    """Many uploaded files as one zip, the form in which a batch is staged and planned."""
    out = BytesIO()
    # Level 1: the photos are JPEG already; the XML around them is what shrinks.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        seen = set()
        for name, data in files:
            parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("/", "..", ".")]
            member = "/".join(parts) or "未命名.lrmx"
            while member in seen:
                member = "_" + member
            seen.add(member)
            archive.writestr(member, data)
    return out.getvalue()


def is_lrmx_batch(data: bytes) -> bool:
    if data[:2] != b"PK":
        return False
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" not in names and any(n.lower().endswith(".lrmx") for n in names)
