"""Write units and cadres in the roster layout, so an export imports back unchanged."""

import datetime as dt

from pingyi.lib import xlsx

from .models import Cadre, Post, Unit
from .roster import CADRE_COLUMNS, CADRE_SHEET, TITLE_SEPARATOR, UNIT_COLUMNS, UNIT_SHEET
from .roster_plan import current_post_start, shown

INSTRUCTIONS = [
    "干部名册填写说明（与《干部名册导入规范》一致）",
    "1. 本工作簿含「单位」「干部名册」两张工作表，第1行为表头，请勿修改列名；列的顺序可以调整。",
    "2. 带下拉箭头的列请从下拉列表中选择；年月一律写作 YYYY.MM（如 1968.07）。",
    "3. 「单位」列填写单位名称；如有重名，写作 上级名称/名称（如 东城区/青山镇）。",
    "4. 「现任职务」有多个时用顿号（、）分隔，如：党委书记、一级调研员。",
    "5. 「简历」每行一段：YYYY.MM--YYYY.MM  单位职务；现任职务的止时间留空。",
    "6. 导入时先检查整个工作簿，有任何错误都不会导入，并逐条列出 工作表/行号/列名/原因。",
    "7. 同一人以身份证号识别；未填身份证号的，以姓名＋出生年月识别。重复导入不会产生重复数据。",
    "8. 示例行仅供参考，填写时请直接覆盖或删除。",
]

EXAMPLE_UNITS = [
    ["379900000000", "示例市", "市", None, 1520000],
    ["379901000000", "东城区", "区", "379900000000", 310000],
    ["379901101000", "青山镇", "镇", "379901000000", 42000],
]
EXAMPLE_CADRE = [
    "张明", "男", "汉族", "1978.05", "本省示例市", "中共党员", "2000.06", "2000.07",
    "大学本科", "学士", "示例大学汉语言文学专业", "硕士研究生", None, "省委党校经济管理专业",
    "东城区/青山镇", "党委书记", "2021.09", None,
    "1996.09--2000.07  示例大学汉语言文学专业学习\n2000.07--2016.03  东城区青山镇科员、副镇长\n"
    "2016.03--2021.09  东城区青山镇镇长\n2021.09--  东城区青山镇党委书记",
]  # fmt: skip


UNIT_REF_INDEX = [c.name for c in CADRE_COLUMNS].index("单位")
RESUME_INDEX = [c.name for c in CADRE_COLUMNS].index("简历")


def unit_row(unit: Unit) -> list:
    return [unit.code, unit.name, unit.kind, unit.parent.code if unit.parent_id else None, unit.population]


def cadre_row(cadre: Cadre, posts: list[Post], unit_ref: str) -> list:
    values = [
        cadre.name, cadre.gender, cadre.ethnicity, shown("", cadre.birth), cadre.native_place,
        cadre.political_status, shown("", cadre.party_joined), shown("", cadre.work_started),
        shown("education_", cadre.education_fulltime), shown("degree_", cadre.degree_fulltime),
        cadre.school_fulltime, shown("education_", cadre.education_inservice),
        shown("degree_", cadre.degree_inservice), cadre.school_inservice, unit_ref,
        TITLE_SEPARATOR.join(p.title for p in posts), shown("", current_post_start(posts)),
        cadre.id_number, cadre.resume,
    ]  # fmt: skip
    return [v if v != "" else None for v in values]


def roster_workbook(units, cadres) -> bytes:
    """`units` and `cadres` are querysets already limited to what the user may see."""
    units = list(units.select_related("parent").order_by("path"))
    duplicate_names = _duplicate_names()
    cadres = list(cadres.select_related("unit", "unit__parent").order_by("unit__path", "id"))
    posts = {}
    for post in Post.objects.current().filter(cadre__in=[c.pk for c in cadres]).order_by("id"):
        posts.setdefault(post.cadre_id, []).append(post)
    rows = []
    for cadre in cadres:
        ref = cadre.unit.qualified_name() if cadre.unit.name in duplicate_names else cadre.unit.name
        rows.append(cadre_row(cadre, posts.get(cadre.pk, []), ref))
    return xlsx.write_workbook(
        [
            xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, [unit_row(u) for u in units]),
            xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, rows),
        ],
        instructions=INSTRUCTIONS,
    )


def template_workbook(units) -> bytes:
    """The units the user already has (so rows can name them), and one example cadre.

    Fictional example units only in an empty system: examples that shared codes
    with real units would change them when the template is imported as it is.
    """
    units = list(units.select_related("parent").order_by("path"))
    unit_rows = [unit_row(u) for u in units] or EXAMPLE_UNITS
    example = list(EXAMPLE_CADRE)
    township = next((u for u in units if u.is_township), None)
    if township:
        example[UNIT_REF_INDEX] = township.qualified_name()
        example[RESUME_INDEX] = example[RESUME_INDEX].replace("东城区青山镇", township.name)
    return xlsx.write_workbook(
        [
            xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, unit_rows),
            xlsx.SheetSpec(CADRE_SHEET, CADRE_COLUMNS, [example]),
        ],
        instructions=INSTRUCTIONS,
    )


def _duplicate_names() -> set[str]:
    from django.db.models import Count

    return set(
        Unit.objects.values("name").annotate(n=Count("id")).filter(n__gt=1).values_list("name", flat=True)
    )


def export_filename(prefix: str = "干部名册") -> str:
    return f"{prefix}_{dt.date.today():%Y%m%d}.xlsx"
