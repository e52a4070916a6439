"""A round's 查重 at a glance, as a workbook: each appraisee's latest report version and its measures.

Organizers only. Results computed before the corpus last grew are rechecked first, so the sheet
agrees with what the report pages would show.
"""

from django.utils import timezone

from pingyi.accounts.access import organizer_required
from pingyi.lib import xlsx
from pingyi.lib.downloads import attachment

from .access import appraisees_for, get_review_or_404
from .queries import latest_checks, with_versions

# Widths in Excel's units: a Chinese character takes two.
COLUMNS = [
    ("顺序", 6), ("姓名", 10), ("单位", 22), ("职务", 14), ("报告版本", 10), ("提交时间", 17), ("检测字数", 10),
    ("去除引用复制比（%）", 22), ("总文字复制比（%）", 20), ("单篇最大复制比（%）", 22), ("最大复制来源", 32),
    ("最长连续复制段（字）", 22), ("检测时间", 17),
]  # fmt: skip


def _percent(value) -> float:
    return round((value or 0) * 100, 2)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(request, review) -> list[list]:
    appraisees = list(with_versions(appraisees_for(request, review)).order_by("order", "id"))
    checks = latest_checks(request, appraisees, refresh=True)
    out = []
    for a in appraisees:
        unit = f"{a.unit.parent.name} {a.unit.name}" if a.unit.parent else a.unit.name
        head = [a.order, a.cadre.name, unit, a.title]
        if not a.versions:
            out.append([*head, "未提交"])
            continue
        report, check = a.versions[0], checks.get(a.pk)
        head += [f"第{report.version}版", _when(report.submitted_at)]
        if check is None:
            out.append([*head, "未检测"])
            continue
        m = check.metrics
        single = m.get("max_single_source") or {}
        out.append([
            *head, m.get("chars", 0), _percent(m.get("excluding_quotes_ratio")), _percent(m.get("total_copy_ratio")),
            _percent(single.get("ratio")), single.get("source") or "", m.get("longest_run", 0), _when(check.checked_at),
        ])  # fmt: skip
    # The writer wants every row as wide as the header.
    return [row + [None] * (len(COLUMNS) - len(row)) for row in out]


@organizer_required
def workbook(request, pk):
    review = get_review_or_404(request, pk)
    columns = [xlsx.ColumnSpec(name, width=width) for name, width in COLUMNS]
    data = xlsx.write_workbook([xlsx.SheetSpec("查重汇总", columns, rows(request, review))])
    return attachment(data, f"{review.label}述职报告查重汇总.xlsx")
