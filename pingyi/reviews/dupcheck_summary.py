"""A round's 查重 at a glance, as a workbook: each appraisee's latest report version and its measures.

Organizers only. Results computed before the corpus last grew are rechecked first, so the sheet
agrees with what the report pages would show.
"""

from django.db.models import Prefetch
from django.utils import timezone

from pingyi.accounts.access import organizer_required
from pingyi.dupcheck import actions as dupcheck
from pingyi.dupcheck.models import CheckResult
from pingyi.lib import xlsx
from pingyi.lib.downloads import attachment

from .models import DutyReport
from .views import appraisees_for, get_review_or_404

COLUMNS = [
    ("顺序", 6), ("姓名", 10), ("单位", 16), ("职务", 14), ("报告版本", 9), ("提交时间", 17), ("检测字数", 9),
    ("总文字复制比（%）", 12), ("去除引用复制比（%）", 12), ("单篇最大复制比（%）", 12), ("最大复制来源", 28),
    ("最长连续复制段（字）", 12), ("检测时间", 17),
]  # fmt: skip


def _percent(value) -> float:
    return round((value or 0) * 100, 2)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(request, review) -> list[list]:
    appraisees = list(
        appraisees_for(request, review)
        .order_by("order", "id")
        .prefetch_related(
            Prefetch("reports", queryset=DutyReport.objects.order_by("-version"), to_attr="versions")
        )
    )
    latest = {a.pk: a.versions[0] for a in appraisees if a.versions}
    documents = [r.dupcheck_document_id for r in latest.values() if r.dupcheck_document_id]
    stale = list(CheckResult.objects.filter(document_id__in=documents).stale().values_list("pk", flat=True))
    if stale:
        dupcheck.do_refresh_stale_results(user=request.user, request=request, only=stale)
    results = {c.document_id: c for c in CheckResult.objects.filter(document_id__in=documents)}
    out = []
    for a in appraisees:
        unit = f"{a.unit.parent.name} {a.unit.name}" if a.unit.parent else a.unit.name
        head = [a.order, a.cadre.name, unit, a.title]
        report = latest.get(a.pk)
        if report is None:
            out.append([*head, "未提交"])
            continue
        check = results.get(report.dupcheck_document_id)
        head += [f"第{report.version}版", _when(report.submitted_at)]
        if check is None:
            out.append([*head, "未检测"])
            continue
        m = check.metrics
        single = m.get("max_single_source") or {}
        out.append([
            *head, m.get("chars", 0), _percent(m.get("total_copy_ratio")), _percent(m.get("excluding_quotes_ratio")),
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
