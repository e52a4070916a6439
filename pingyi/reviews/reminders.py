"""催报: who still owes a round its duty report, as a page, a printable notice and a workbook."""

from django.shortcuts import render
from django.utils import timezone

from pingyi.lib import xlsx
from pingyi.lib.downloads import attachment

from .access import get_review_or_404
from .queries import outstanding

COLUMNS = [
    xlsx.ColumnSpec("序号", 6),
    xlsx.ColumnSpec("县（市、区）", 14),
    xlsx.ColumnSpec("乡镇（街道）", 16),
    xlsx.ColumnSpec("述职人", 10),
    xlsx.ColumnSpec("职务", 16),
    xlsx.ColumnSpec("状态", 18),
    xlsx.ColumnSpec("退回理由", 30, wrap=True),
    xlsx.ColumnSpec("填报员", 16),
]


def reminders(request, pk):
    review = get_review_or_404(request, pk)
    rows = outstanding(review, request.user)
    now = timezone.localtime()
    deadline = review.report_deadline
    if request.GET.get("format") == "xlsx":
        data = [
            [
                i,
                r.appraisee.unit.parent.name if r.appraisee.unit.parent else "",
                r.appraisee.unit.name,
                r.appraisee.cadre.name,
                r.appraisee.title,
                r.status,
                r.returned.return_reason if r.returned else "",
                "、".join(r.clerks),
            ]
            for i, r in enumerate(rows, start=1)
        ]
        workbook = xlsx.write_workbook([xlsx.SheetSpec("催报名单", COLUMNS, data)])
        return attachment(workbook, f"{review.label}述职报告催报名单_{now:%Y%m%d}.xlsx")
    return render(
        request,
        "reviews/reminders.html",
        {
            "review": review,
            "rows": rows,
            "today": now.date(),
            "deadline": deadline,
            "overdue": bool(deadline and now > deadline),
            "days_left": (timezone.localtime(deadline).date() - now.date()).days if deadline else None,
            "open": review.allows("submit_report"),
        },
    )
