"""Cadres as 干部任免审批表 files (.lrmx), which `readers.lrmx` reads back unchanged.

Every tag of the editor's file is written, in its order, dates as YYYYMM; the
tags the registry has no column for come back as they were imported.
XianRenZhiWu names the unit by its full name (上级 + 名称) and then the titles,
so it is matched back to the same unit; 任现职时间 travels as the start of the
简历's open line, as the editor has it.
"""

import base64
import datetime as dt
import io
import zipfile
from collections import defaultdict
from xml.etree.ElementTree import Element, SubElement, tostring

from .models import Assessment, Cadre, CadrePhoto, FamilyMember, Post
from .readers.lrmx import FAMILY_TAGS, TAGS
from .roster import TITLE_SEPARATOR
from .vocab import Degree, Education

VERSION = "3.2.1.16"
PARTY = ("中共党员", "中共预备党员")


def _ym(value: dt.date | None) -> str:
    return f"{value.year:04d}{value.month:02d}" if value else ""


def post_text(posts: list[Post]) -> str:
    if not posts:
        return ""
    unit = posts[0].unit
    prefix = (unit.parent.name if unit.parent_id else "") + unit.name
    return prefix + TITLE_SEPARATOR.join(p.title for p in posts)


def appraisal_text(assessments: list[tuple[int, str]]) -> str:
    return "；".join(f"{year}年度考核{result}" for year, result in sorted(assessments))


def person_fields(cadre: Cadre, posts, assessments, photo: bytes | None) -> dict[str, str]:
    joined = ""
    if cadre.political_status in PARTY or (not cadre.political_status and cadre.party_joined):
        joined = _ym(cadre.party_joined)
    elif cadre.political_status:
        joined = cadre.political_status
    fields = {
        "XingMing": cadre.name,
        "XingBie": cadre.gender,
        "ChuShengNianYue": _ym(cadre.birth),
        "MinZu": cadre.ethnicity,
        "JiGuan": cadre.native_place,
        "RuDangShiJian": joined,
        "CanJiaGongZuoShiJian": _ym(cadre.work_started),
        "QuanRiZhiJiaoYu_XueLi": Education(cadre.education_fulltime).label
        if cadre.education_fulltime
        else "",
        "QuanRiZhiJiaoYu_XueWei": Degree(cadre.degree_fulltime).label if cadre.degree_fulltime else "",
        "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": cadre.school_fulltime,
        "ZaiZhiJiaoYu_XueLi": Education(cadre.education_inservice).label if cadre.education_inservice else "",
        "ZaiZhiJiaoYu_XueWei": Degree(cadre.degree_inservice).label if cadre.degree_inservice else "",
        "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": cadre.school_inservice,
        "XianRenZhiWu": post_text(posts),
        "JianLi": cadre.resume,
        "NianDuKaoHeJieGuo": appraisal_text(assessments),
        "ShenFenZheng": cadre.id_number or "",
        "ZhaoPian": base64.b64encode(photo).decode("ascii") if photo else "",
        "Version": VERSION,
    }
    kept = dict(cadre.lrmx_fields or {})
    # Kept as written only when it named no year and result the registry could read.
    fields["NianDuKaoHeJieGuo"] = fields["NianDuKaoHeJieGuo"] or kept.get("NianDuKaoHeJieGuo", "")
    kept.pop("NianDuKaoHeJieGuo", None)
    for tag in TAGS:
        if tag not in fields and tag != "JiaTingChengYuan":
            fields[tag] = kept.pop(tag, "")
    # Tags of newer editors that we do not know are written back after the known ones.
    fields.update(kept)
    return fields


def lrmx_bytes(cadre: Cadre, posts, assessments, photo: bytes | None, family: list[dict]) -> bytes:
    fields = person_fields(cadre, posts, assessments, photo)
    root = Element("Person")
    order = [t for t in TAGS if t in fields or t == "JiaTingChengYuan"] + [t for t in fields if t not in TAGS]
    for tag in order:
        if tag == "JiaTingChengYuan":
            group = SubElement(root, tag)
            for member in family:
                item = SubElement(group, "Item")
                for key in FAMILY_TAGS:
                    SubElement(item, key).text = member.get(key, "")
            continue
        SubElement(root, tag).text = fields[tag]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(
        root, encoding="utf-8", xml_declaration=False
    )


def filename(cadre: Cadre) -> str:
    return f"{cadre.name}_{_ym(cadre.birth)}.lrmx"


def iter_files(cadres):
    """(file name, bytes) for each cadre of the queryset, loading related rows in batches."""
    cadres = list(cadres.select_related("unit", "unit__parent").order_by("unit__path", "id"))
    for start in range(0, len(cadres), 500):
        chunk = cadres[start : start + 500]
        ids = [c.pk for c in chunk]
        posts, assessments, family = defaultdict(list), defaultdict(list), defaultdict(list)
        for post in Post.objects.current().filter(cadre_id__in=ids).select_related("unit", "unit__parent"):
            posts[post.cadre_id].append(post)
        for post_list in posts.values():
            post_list.sort(key=lambda p: p.id)
        for a in Assessment.objects.filter(cadre_id__in=ids):
            assessments[a.cadre_id].append((a.year, a.result))
        for m in FamilyMember.objects.filter(cadre_id__in=ids).order_by("cadre_id", "order"):
            family[m.cadre_id].append(m.as_lrmx())
        photos = dict(CadrePhoto.objects.filter(cadre_id__in=ids).values_list("cadre_id", "content"))
        for cadre in chunk:
            photo = photos.get(cadre.pk)
            data = lrmx_bytes(
                cadre,
                posts[cadre.pk],
                assessments[cadre.pk],
                bytes(photo) if photo else None,
                family[cadre.pk],
            )
            yield filename(cadre), data


def unique_names(files):
    seen = set()
    for name, data in files:
        stem, n = name[: -len(".lrmx")], 1
        while name in seen:
            n += 1
            name = f"{stem}_{n}.lrmx"
        seen.add(name)
        yield name, data


def lrmx_zip(cadres) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in unique_names(iter_files(cadres)):
            archive.writestr(name, data)
    return out.getvalue()
