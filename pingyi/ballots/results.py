"""Results: what the organizer previews while voting runs, and what everybody sees once published."""

import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pingyi.accounts.access import scope_unit
from pingyi.lib import textsize, xlsx
from pingyi.lib.downloads import attachment
from pingyi.lib.gongwen import GongwenDocument
from pingyi.reviews.access import get_review_or_404
from pingyi.reviews.models import Review, Stage

from .actions import appraisee_key
from .count.record import RecordError
from .models import MIN_GROUP_BALLOTS, Publication
from .publish import count


def _result(request, review: Review) -> tuple[dict | None, dict | None, bool]:
    """(record, result, published). Before publication only organizers see a live count."""
    publication = Publication.objects.filter(review=review).first()
    if publication:
        return publication.record, publication.result, True
    if request.user.is_organizer and review.at_least(Stage.APPRAISAL) and review.evaluator_groups.exists():
        try:
            record, result = count(review)
        except RecordError:
            return None, None, False
        return record, result, False
    return None, None, False


def rows_for(request, review: Review, record: dict, result: dict) -> list[dict]:
    """Result rows joined with the appraisees, limited to the user's scope."""
    appraisees = {appraisee_key(a): a for a in review.appraisees.select_related("cadre", "unit")}
    root = scope_unit(request.user)
    groups = record["groups"]
    levels = [level["label"] for level in record["scale"] if level["points"] is not None]
    rows = []
    for r in result["results"]:
        a = appraisees.get(r["appraisee"])
        if a is None or (root is not None and not a.unit.path.startswith(root.path)):
            continue
        means = [
            {"label": g["label"], "ballots": r["groups"][g["key"]]["ballots"],
             "mean": r["groups"][g["key"]]["mean"] if r["groups"][g["key"]]["ballots"] >= MIN_GROUP_BALLOTS else None}
            for g in groups
        ]  # fmt: skip
        shares = [{"label": label, "share": _pct(r["levels"].get(label))} for label in levels]
        rows.append({"r": r, "a": a, "means": means, "shares": shares})
    return rows


def _pct(share: str | None) -> str:
    return f"{Decimal(share) * 100:.1f}%" if share is not None else "—"


def results(request, pk):
    review = get_review_or_404(request, pk)
    record, result, published = _result(request, review)
    rows = rows_for(request, review, record, result) if result else []
    chart = {"labels": [row["a"].cadre.name for row in rows if row["r"]["score"]],
             "values": [float(row["r"]["score"]) for row in rows if row["r"]["score"]]}  # fmt: skip
    return render(request, "ballots/results.html", {
        "review": review, "record": record, "result": result, "published": published, "rows": rows,
        "chart": chart, "groups": record["groups"] if record else [], "min_group": MIN_GROUP_BALLOTS,
        "levels": [lv["label"] for lv in record["scale"] if lv["points"] is not None] if record else [],
    })  # fmt: skip


def _published_or_404(number: int) -> Publication:
    return get_object_or_404(Publication.objects.select_related("review"), review__number=number)


@login_not_required
def receipts(request, number):
    """公示: every counted receipt, so each evaluator can find theirs. Public, like the record."""
    publication = _published_or_404(number)
    # Receipts only, never beside a ballot or its validity: a receipt proves inclusion, not content.
    listed = publication.record.get("receipts") or sorted(b["receipt"] for b in publication.record["ballots"])
    query = request.GET.get("q", "").strip().upper()
    found = [r for r in listed if query.replace(" ", "") in r] if query else None
    return textsize.remember(request, render(request, "ballots/receipts.html", {
        "review": publication.review, "receipts": listed, "query": query, "found": found,
        "total": len(listed), "valid": publication.result["ballots"]["valid"],
    }))  # fmt: skip


@login_not_required
def record_download(request, number):
    publication = _published_or_404(number)
    return attachment(
        json.dumps(publication.record, ensure_ascii=False, indent=2), f"第{number}期审计记录.json"
    )


def _published_rows(request, pk):
    review = get_review_or_404(request, pk)
    publication = Publication.objects.filter(review=review).first()
    if publication is None:
        raise Http404("结果尚未公布")
    return review, publication, rows_for(request, review, publication.record, publication.result)


def _table(publication, rows) -> tuple[list[str], list[list]]:
    groups = [g["label"] for g in publication.record["groups"]]
    headers = [
        "名次",
        "姓名",
        "单位",
        "职务",
        "得分",
        "等次",
        "有效票",
        *[f"{g}平均分" for g in groups],
        "说明",
    ]
    body = [
        [row["r"]["rank"] or "—", row["a"].cadre.name, row["a"].unit.name, row["a"].title, row["r"]["score"] or "—",
         row["r"]["grade"] or "—", row["r"]["valid_ballots"], *[m["mean"] or "—" for m in row["means"]],
         "、".join(row["r"]["flags"])]
        for row in rows
    ]  # fmt: skip
    return headers, body


def excel(request, pk):
    review, publication, rows = _published_rows(request, pk)
    headers, body = _table(publication, rows)
    columns = [xlsx.ColumnSpec(h, width=16 if i in (2, 3) else 10) for i, h in enumerate(headers)]
    data = xlsx.write_workbook([xlsx.SheetSpec("测评结果", columns, body)])
    return attachment(
        data,
        f"{review.label}测评结果.xlsx",
    )


def word(request, pk):
    review, publication, rows = _published_rows(request, pk)
    headers, body = _table(publication, rows)
    doc = GongwenDocument(f"{review.title}\n民主测评结果")
    ballots = publication.result["ballots"]
    doc.paragraph(f"本次测评共收回选票{ballots['total']}张，其中有效票{ballots['valid']}张。"
                  f"得分按各评议组加权计算，组内有效票不少于规定张数时去掉最高分和最低分。各组平均分在该组有效票不少于{MIN_GROUP_BALLOTS}张时列出。")  # fmt: skip
    doc.table(headers, body)
    doc.signature(settings.ORGANIZATION_NAME, publication.published_at.date())
    return attachment(doc.to_bytes(), f"{review.label}测评结果.docx")  # fmt: skip


def feedback_section(doc, appraisee) -> bool:
    """Added to the reviews app's feedback sheet once results are published."""
    publication = Publication.objects.filter(review=appraisee.review).first()
    if publication is None:
        return False
    mine = next(
        (r for r in publication.result["results"] if r["appraisee"] == appraisee_key(appraisee)), None
    )
    if mine is None:
        return False
    doc.heading("三、民主测评结果")
    if mine["score"]:
        text = f"你的民主测评得分为{mine['score']}分，等次为“{mine['grade'] or '—'}”，在{len(publication.result['results'])}名述职人中排名第{mine['rank']}位。"
    else:
        text = "本次民主测评中，评议人对你均表示“不了解”，未形成得分。"
    if mine["flags"]:
        text += f"（{'、'.join(mine['flags'])}）"
    doc.paragraph(text)
    return True
