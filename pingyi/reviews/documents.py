"""Word documents in the 公文 layout: the duty-report template and the feedback sheet."""

import datetime as dt

from django.conf import settings

from pingyi.lib.downloads import attachment
from pingyi.lib.errors import not_yet
from pingyi.lib.gongwen import GongwenDocument

from .access import get_appraisee_or_404
from .wording import AREA_HEADINGS, PLANS_HEADING, PROBLEMS_HEADING, REPORT_OPENING

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_template(request):
    doc = GongwenDocument("××镇（街道）党（工）委书记述职报告", subtitle="（姓名）")
    doc.paragraph(f"{REPORT_OPENING}（开头：简述任职以来总体情况，200字以内。）")
    for heading, hint in AREA_HEADINGS.values():
        doc.heading(heading)
        doc.paragraph(f"（{hint}请用数据说话，写清做了什么、成效如何，800字以内。）")
    doc.heading(PROBLEMS_HEADING)
    doc.paragraph("（实事求是查摆问题和短板，逐条列出，每条写明所属方面：发展、民生、平安或党建。）")
    doc.heading(PLANS_HEADING)
    doc.paragraph("（针对上述问题提出整改措施和时限。）")
    return attachment(doc.to_bytes(), "述职报告模板.docx")


def feedback_sheet(request, pk):
    appraisee = get_appraisee_or_404(request, pk)
    review = appraisee.review
    if not review.allows("feedback_sheet"):
        # The sheet carries the score: before 结果公布 it does not exist, for every role.
        return not_yet(
            request,
            "反馈意见书尚未生成",
            f"{review.label}测评结果公布后才能下载反馈意见书（当前阶段：{review.get_stage_display()}）。",
        )
    return attachment(
        feedback_document(appraisee),
        f"{appraisee.review.label}述职评议反馈意见书_{appraisee.cadre.name}.docx",
    )


def feedback_document(appraisee) -> bytes:
    review = appraisee.review
    doc = GongwenDocument(f"{review.title}\n反馈意见书")
    doc.paragraph(f"{appraisee.cadre.name}同志：", indent=False)
    doc.paragraph(
        f"你作为{appraisee.unit.name}{appraisee.title}参加了{review.label}全市乡镇（街道）党政正职述职评议"
        f"{'（' + _date(review.meeting_date) + '）' if review.meeting_date else ''}。现将评议情况反馈如下，请认真对照整改。"
    )
    doc.heading("一、领导点评")
    remarks = list(appraisee.remarks.all())
    for remark in remarks:
        doc.paragraph(f"{remark.speaker}：{remark.text}")
    if not remarks:
        doc.paragraph("（无）")
    doc.heading("二、问题清单")
    problems = list(appraisee.problems.all())
    if problems:
        doc.table(
            ["序号", "领域", "问题", "来源", "整改措施", "整改时限"],
            [[i, p.get_area_display(), p.description, p.get_source_display(), p.measure or "—", _date(p.deadline) if p.deadline else "—"]
             for i, p in enumerate(problems, start=1)],
            widths_cm=[1.2, 1.4, 5, 1.8, 4.4, 2.2],
        )  # fmt: skip
    else:
        doc.paragraph("（无）")
    # Each hook adds its section (a heading "三、…") or nothing, and says which.
    added = [hook(doc, appraisee) for hook in FEEDBACK_SECTIONS]
    doc.heading("四、整改要求" if any(added) else "三、整改要求")
    doc.paragraph(
        review.requirements or "请对照问题清单，逐项制定整改措施，明确责任人和整改时限，按期报告整改进展。"
    )
    doc.signature(settings.ORGANIZATION_NAME, dt.date.today())
    return doc.to_bytes()


# Later sections (the appraisal scores) register here, so this app needs not import theirs:
# each is called with (doc, appraisee) and returns True when it added its section.
FEEDBACK_SECTIONS: list = []


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
