"""讲话素材 pages: a round's speech figures from the data, and a draft checked against them."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pingyi.accounts.access import scope_unit
from pingyi.lib.downloads import attachment
from pingyi.lib.gongwen import GongwenDocument
from pingyi.reviews.models import Review

from .material import Material, build, check, marked

DRAFT_LIMIT = 20_000  # characters: a speech is about 4,000


def _material(request, pk) -> Material:
    # The figures are the whole city's: only users who see the whole city (organizers, city leaders).
    if scope_unit(request.user) is not None:
        raise Http404("内容不存在")
    review = get_object_or_404(Review, pk=pk)
    return build(review)


def material(request, pk):
    m = _material(request, pk)
    draft, findings, runs, error = "", [], [], ""
    if request.method == "POST":
        draft = request.POST.get("draft", "")
        if not draft.strip():
            error = "请粘贴讲话稿或报告的文字后再检查"
        elif len(draft) > DRAFT_LIMIT:
            error = f"文字过长（{len(draft)} 字），一次最多检查 {DRAFT_LIMIT} 字"
        else:
            findings = check(m, draft)
            runs = marked(draft, findings)
    context = {"m": m, "draft": draft, "findings": findings, "runs": runs, "error": error}
    return render(request, "stats/material.html", context, status=400 if error else 200)


def material_docx(request, pk):
    m = _material(request, pk)
    doc = GongwenDocument(
        f"{m.review.label}述职评议会讲话素材",
        subtitle=f"（数据截至{m.as_of.year}年{m.as_of.month}月{m.as_of.day}日）",
    )
    for number, p in enumerate(m.passages, start=1):
        doc.heading(f"{'一二三四五六'[number - 1]}、{p.title}")
        doc.paragraph(p.filled or "（暂无数据）")
        doc.table(
            ["项目", "讲话稿中", "数据", "来源"],
            [[f.label, f.mask, f.value, f.source] for f in p.figures],
            widths_cm=[3.6, 2.8, 4.0, 5.2],
        )
    doc.signature(settings.ORGANIZATION_NAME, dt.date.today())
    return attachment(doc.to_bytes(), f"{m.review.label}讲话素材_{m.as_of:%Y%m%d}.docx")
