"""A stored result as a Word 检测报告 in the 公文 layout: what an organizer files with the report.

Measures first, then the sources and the paragraphs, then the whole text with its passages marked
in the colours of the side-by-side view (and underlined, for black-and-white printers), then every
passage with its source.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from pingyi.lib.gongwen import GongwenDocument

from .display import CLASS_LABELS, FIGURES_NOTE, percent, side_by_side
from .models import CheckResult, Document

COLOURS = {
    "dc-copied": "C00000",
    "dc-quotation": "00703C",
    "dc-policy": "00703C",
    "dc-common": "808080",
    "dc-template": "808080",
}
EXCERPT = 60  # characters of a passage shown in the passage table


def _sources(result: CheckResult, chars: int) -> list[list]:
    """Each source with the characters it is credited with (quotation, policy or copied), most first."""
    credited: dict[tuple, int] = {}
    for p in result.passages:
        if p["class"] in ("common", "template"):
            continue
        key = (p.get("document"), p["source"])
        credited[key] = credited.get(key, 0) + p["chars"]
    kinds = dict(
        Document.objects.filter(pk__in=[k for k, _ in credited if k is not None]).values_list("id", "kind")
    )
    labels = dict(Document.Kind.choices)
    ranked = sorted(credited.items(), key=lambda item: (-item[1], item[0][1]))
    return [
        [i, source, labels.get(kinds.get(pk), "—"), n, percent(n / chars if chars else 0)]
        for i, ((pk, source), n) in enumerate(ranked, 1)
    ]


def report_docx(result: CheckResult) -> bytes:
    sbs = side_by_side(result)
    m = sbs.measures
    doc = GongwenDocument("述职报告查重检测报告", subtitle=f"《{result.document.title}》")

    doc.heading("一、检测结论")
    single = f"（{m['single_source']}）" if m["single_source"] else ""
    conclusion = (
        f"检测字数{m['chars']}字，去除引用复制比{m['excluding_quotes']}（总文字复制比{m['total']}），"
        f"单篇最大复制比{m['single']}{single}，最长连续复制段{m['longest_run']}字。"
    )
    if m["boilerplate_chars"]:
        conclusion += f"另有网页页面杂项{m['boilerplate_chars']}字不计入检测字数。"
    if result.flagged:
        conclusion += f"去除引用复制比达到{percent(CheckResult.FLAG_RATIO)}，请重点核查。"
    doc.paragraph(conclusion)
    doc.paragraph(FIGURES_NOTE)
    doc.table(
        ["指标", "结果"],
        [
            ["检测字数", m["chars"]],
            ["去除引用复制比", m["excluding_quotes"]],
            ["总文字复制比", m["total"]],
            ["单篇最大复制比", f"{m['single']}{single}"],
            ["最长连续复制段（字）", m["longest_run"]],
            *[[f"{label}（字）", n] for _css, label, n in sbs.legend],
            ["检测时间", timezone.localtime(result.checked_at).strftime("%Y-%m-%d %H:%M")],
        ],
        widths_cm=[6.0, 9.6],
    )

    doc.heading("二、相似来源")
    rows = _sources(result, m["chars"])
    if rows:
        doc.table(["序号", "来源", "类别", "字数", "占检测字数"], rows, widths_cm=[1.6, 7.0, 2.6, 2.0, 2.4])
    else:
        doc.paragraph("未发现复制、引用或政策文件原文。")

    doc.heading("三、分段统计")
    doc.table(
        ["段落", "开头", "字数", "去除引用复制比", "总文字复制比"],
        [[r.number, r.excerpt, r.chars, r.excluding_quotes, r.total] for r in sbs.paragraphs],
        widths_cm=[1.6, 7.0, 1.8, 2.6, 2.6],
    )

    doc.heading("四、全文标注")
    doc.paragraph("红色为复制，绿色为引用或政策文件原文，灰色为常用语；网页页面杂项已略去。")
    for line in sbs.lines:
        if line.runs and not line.boilerplate:
            doc.marked_paragraph([(r.text, COLOURS.get(r.css)) for r in line.runs])

    doc.heading("五、相似片段明细")
    text = result.document.text
    passages = [
        [n, CLASS_LABELS.get(p["class"], p["class"]) + ("（改写）" if p.get("reworded") else ""), p["source"], p["chars"],
         _excerpt(text[p["start"] : p["end"]])]
        for n, p in enumerate(result.passages, 1)
    ]  # fmt: skip
    if passages:
        doc.table(["序号", "类别", "来源", "字数", "片段"], passages, widths_cm=[1.4, 1.8, 4.0, 1.6, 6.8])
    else:
        doc.paragraph("未发现相似片段。")
    doc.signature(settings.ORGANIZATION_NAME, dt.date.today())
    return doc.to_bytes()


def _excerpt(passage: str) -> str:
    passage = " ".join(passage.split())
    return passage if len(passage) <= EXCERPT else passage[:EXCERPT] + "…"
