"""What the result page shows, built from a stored result: text runs to highlight, measures, tables.

Kept apart from the views so that other apps (duty reports in review rounds) can show the same
side-by-side view through `dupcheck/_side_by_side.html` or the `dupcheck_side_by_side` tag.
"""

from dataclasses import dataclass, field

CLASS_LABELS = {
    "copied": "复制",
    "quotation": "引用",
    "policy": "政策文件",
    "template": "模板",
    "common": "常用语",
}
# Beside the two ratios wherever they are shown (pages, the Word report, the command): what each counts.
# 去除引用复制比 is the headline figure, 总文字复制比 beside it.
FIGURES_NOTE = (
    "去除引用复制比只计复制的文字；总文字复制比另计引用和政策文件原文；"
    "与述职报告模板相同的文字和常用语不计入任何比例。"
)
REWORDED_LABEL = "改写"  # a passage copied with words replaced here and there (伪原创)
CONTEXT = 600  # characters of the source shown on each side of a matched passage


def percent(value) -> str:
    return f"{(value or 0) * 100:.2f}%"


@dataclass
class Run:
    text: str
    css: str = ""  # dc-copied, dc-quotation, dc-policy, dc-template, dc-common, dc-boilerplate or ""
    passage: int | None = None  # index into the result's passages
    label: str = ""


@dataclass
class Line:
    number: int  # 1-based paragraph number among the counted lines, 0 for boilerplate or blank
    runs: list[Run] = field(default_factory=list)
    boilerplate: bool = False


@dataclass
class ParagraphRow:
    number: int
    excerpt: str
    chars: int
    total: str
    excluding_quotes: str
    flagged: bool


@dataclass
class SideBySide:
    result: object
    lines: list[Line]
    paragraphs: list[ParagraphRow]
    measures: dict
    legend: list[tuple[str, str, int]]
    passage_count: int
    note: str = FIGURES_NOTE


def _cuts(text: str, passages: list[dict], boilerplate: list) -> list[tuple[int, int, str, int | None]]:
    """Non-overlapping (start, end, class, passage index) pieces covering the whole text."""
    marks: list[tuple[int, int, str, int | None]] = []
    for n, p in enumerate(passages):
        marks.append((p["start"], p["end"], p["class"], n))
    for a, b in boilerplate:
        marks.append((a, b, "boilerplate", None))
    marks.sort()
    pieces, pos = [], 0
    for a, b, cls, n in marks:
        a = max(a, pos)
        if a >= b:
            continue
        if a > pos:
            pieces.append((pos, a, "", None))
        pieces.append((a, b, cls, n))
        pos = b
    if pos < len(text):
        pieces.append((pos, len(text), "", None))
    return pieces


def highlighted_lines(text: str, passages: list[dict], boilerplate: list, start: int = 0) -> list[Line]:
    """`text` (beginning at offset `start` of the whole) as lines of runs, split at line breaks."""
    lines = [Line(0)]
    offset_passages = [{**p, "start": p["start"] - start, "end": p["end"] - start} for p in passages]
    offset_boiler = [(a - start, b - start) for a, b in boilerplate]
    for a, b, cls, n in _cuts(text, offset_passages, offset_boiler):
        chunk = text[a:b]
        parts = chunk.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append(Line(0))
            if part:
                css = f"dc-{cls}" if cls else ""
                label = CLASS_LABELS.get(cls, "页面杂项" if cls == "boilerplate" else "")
                if n is not None and cls in CLASS_LABELS and offset_passages[n].get("reworded"):
                    css, label = f"{css} dc-reworded", f"{label}（{REWORDED_LABEL}）"
                lines[-1].runs.append(Run(part, css, n, label))
    for line in lines:
        line.boilerplate = bool(line.runs) and all(r.css == "dc-boilerplate" for r in line.runs)
    return lines


def side_by_side(result) -> SideBySide:
    text = result.document.text
    metrics = result.metrics or {}
    passages = result.passages or []
    lines = highlighted_lines(text, passages, metrics.get("boilerplate", []))
    # Number the lines the way the paragraph table does: lines with counted characters.
    starts = {p["start"]: i + 1 for i, p in enumerate(metrics.get("paragraphs", []))}
    pos = 0
    for line in lines:
        line.number = starts.get(pos, 0)
        pos += sum(len(r.text) for r in line.runs) + 1
    rows = []
    for i, p in enumerate(metrics.get("paragraphs", []), 1):
        excerpt = text[p["start"] : p["end"]].strip()
        rows.append(
            ParagraphRow(
                number=i,
                excerpt=excerpt[:40] + ("…" if len(excerpt) > 40 else ""),
                chars=p["chars"],
                total=percent(p["total_copy_ratio"]),
                excluding_quotes=percent(p["excluding_quotes_ratio"]),
                flagged=p["excluding_quotes_ratio"] > 0,
            )
        )
    single = metrics.get("max_single_source") or {}
    class_chars = metrics.get("class_chars", {})
    return SideBySide(
        result=result,
        lines=lines,
        paragraphs=rows,
        measures={
            "chars": metrics.get("chars", 0),
            "total": percent(metrics.get("total_copy_ratio")),
            "excluding_quotes": percent(metrics.get("excluding_quotes_ratio")),
            "single": percent(single.get("ratio")),
            "single_source": single.get("source") or "",
            "single_document": single.get("document"),
            "longest_run": metrics.get("longest_run", 0),
            "boilerplate_chars": metrics.get("boilerplate_chars", 0),
            "reworded_chars": metrics.get("reworded_chars", 0),
            "reworded_passages": sum(1 for p in passages if p.get("reworded")),
        },
        legend=[(f"dc-{cls}", label, class_chars.get(cls, 0)) for cls, label in CLASS_LABELS.items()],
        passage_count=len(passages),
    )


@dataclass
class SourceWindow:
    passage: dict
    number: int
    label: str
    lines: list[Line]
    cut_before: bool
    cut_after: bool
    checked_excerpt: str


def source_window(result, number: int, source_text: str) -> SourceWindow:
    """The source text around passage `number`, the matched part marked, whole lines only."""
    p = result.passages[number]
    a = max(0, p["source_start"] - CONTEXT)
    b = min(len(source_text), p["source_end"] + CONTEXT)
    a = source_text.rfind("\n", 0, a) + 1 if a else 0
    newline = source_text.find("\n", b)
    b = len(source_text) if newline < 0 else newline
    hit = [{"start": p["source_start"], "end": p["source_end"], "class": "hit"}]
    lines = highlighted_lines(source_text[a:b], hit, [], start=a)
    for line in lines:
        for run in line.runs:
            if run.css == "dc-hit":
                run.css = f"dc-hit dc-{p['class']}"
                run.passage = number
    checked = result.document.text[p["start"] : p["end"]]
    return SourceWindow(
        passage=p,
        number=number,
        label=CLASS_LABELS.get(p["class"], p["class"])
        + (f"（{REWORDED_LABEL}）" if p.get("reworded") else ""),
        lines=[line for line in lines if line.runs],
        cut_before=a > 0,
        cut_after=b < len(source_text),
        checked_excerpt=checked,
    )
