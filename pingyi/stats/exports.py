"""The analysis as a Word report (公文 layout, GB/T 9704) and as an Excel workbook."""

import datetime as dt

from django.conf import settings

from pingyi.lib import charts, xlsx
from pingyi.lib.downloads import attachment
from pingyi.lib.gongwen import GongwenDocument

from .basic import layout, word_parts
from .forms import AnalysisForm
from .numbers import shown
from .report import Analysis, analyse

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _analysis(request) -> Analysis:
    form = AnalysisForm(request.GET or None, request.user)
    return analyse(form.selection(), form.transition_year, *form.comparison)


def word(request):
    a = _analysis(request)
    return attachment(word_report(a), f"{a.title}_{a.selection.as_of:%Y%m%d}.docx")


def excel(request):
    a = _analysis(request)
    return attachment(excel_tables(a), f"{a.title}_{a.selection.as_of:%Y%m%d}.xlsx")


def _pct(value) -> str:
    return f"{shown(value)}%" if value is not None else "—"


def tables(a: Analysis) -> list[tuple[str, list[str], list[list]]]:
    """(title, headers, rows) for every table of the analysis, shared by Word and Excel."""
    f = a.figures
    result = [
        ("总体情况", ["项目", "数值"], [
            ["人数", f["count"]], ["平均年龄（岁）", shown(f["mean_age"])],
            ["35岁及以下（人）", f["age_35_or_under"]], ["女性（人）", f["female"]],
            ["少数民族（人）", f["ethnic_minority"]], ["本科以上学历（人）", f["bachelor_or_above"]],
            ["硕士研究生（人）", f["masters"]], ["博士研究生（人）", f["doctorate"]],
            ["最年长者出生年月", f["oldest_birth"] or "—"], ["最年轻者出生年月", f["youngest_birth"] or "—"],
        ]),
        ("年龄结构", ["年龄段", "人数", "占比"], [[b["label"], b["count"], _pct(b["pct"])] for b in f["age_bands"]]),
        ("出生年代", ["年代", "人数", "占比"], [[b["label"], b["count"], _pct(b["pct"])] for b in f["birth_cohorts"]]),
        ("学历结构", ["学历", "最高学历（人）", "占比", "全日制学历（人）", "占比"], [
            [e["label"], e["highest"], _pct(e["highest_pct"]), e["fulltime"], _pct(e["fulltime_pct"])]
            for e in f["education"]
        ]),
        ("民族构成", ["民族", "人数", "占比"], [[e["label"], e["count"], _pct(e["pct"])] for e in a.ethnicity]),
    ]  # fmt: skip
    if a.counties:
        result.append(
            ("县（市、区）对比", ["县（市、区）", "人数", "平均年龄", "70后占比", "80后占比", "35岁及以下", "本科以上占比"], [
                [c["unit"].name, c["count"], shown(c["mean_age"]), _pct(c["born_1970s_pct"]),
                 _pct(c["born_1980s_pct"]), c["age_35_or_under"], _pct(c["bachelor_or_above_pct"])]
                for c in a.counties
            ])
        )  # fmt: skip
    p = a.pipeline
    result.append(
        ("班子成员来源", ["项目", "数值"], [
            ["县（市、区）党政领导班子成员（人）", p["team_members"]],
            ["具有乡镇党政正职任职经历（人）", p["with_township_chief"]],
            ["占比", _pct(p["with_township_chief_pct"])],
            [f"{p['year']}年新进班子（人）", p["promoted"]],
            ["其中直接从乡镇党政正职提拔（人）", p["promoted_from_township_chief"]],
            ["占比", _pct(p["promoted_from_township_chief_pct"])],
        ])
    )  # fmt: skip
    return result


def change_table(a: Analysis) -> tuple[list[str], list[list]]:
    c = a.comparison
    since, as_of = c.since, a.selection.as_of
    headers = [
        "项目",
        f"{since.year}.{since.month:02d}.{since.day:02d}",
        f"{as_of.year}.{as_of.month:02d}.{as_of.day:02d}",
        "变化",
    ]

    def value(v, kind):
        if v is None:
            return "—"
        return _pct(v) if kind == "pct" else v if isinstance(v, int) else shown(v)

    rows = [[ch.label, value(ch.before, ch.kind), value(ch.after, ch.kind), ch.words] for ch in c.changes]
    rows += [
        ["新进（人）", "", c.joined, ""],
        ["离开（人）", "", c.left, ""],
        ["调整任职单位（人）", "", c.moved, ""],
    ]
    return headers, rows


def word_report(a: Analysis) -> bytes:
    doc = GongwenDocument(
        a.title,
        subtitle=f"（统计截止日：{a.selection.as_of.year}年{a.selection.as_of.month}月{a.selection.as_of.day}日）",
    )
    data = a.charts()
    by_title = {title: (headers, rows) for title, headers, rows in tables(a)}
    doc.heading("一、总体情况")
    doc.paragraph(a.paragraph + a.change_text)
    if a.selection.cohort != "county_teams":
        doc.paragraph(a.pipeline_text)
    doc.table(*by_title["总体情况"], caption="表1  总体情况")
    doc.heading("二、年龄结构")
    doc.table(*by_title["年龄结构"], caption="表2  年龄结构")
    doc.image(
        charts.bar_chart("年龄结构", data["age"]["labels"], data["age"]["values"]), caption="图1  年龄结构"
    )
    doc.table(*by_title["出生年代"], caption="表3  出生年代")
    doc.image(
        charts.pie_chart("出生年代", data["cohorts"]["labels"], data["cohorts"]["values"]),
        caption="图2  出生年代",
    )
    doc.heading("三、学历与民族")
    doc.table(*by_title["学历结构"], caption="表4  学历结构")
    education = data["education"]
    doc.image(
        charts.grouped_bar_chart("学历结构", education["labels"], education["series"], unit="人"),
        caption="图3  学历结构",
    )
    doc.table(*by_title["民族构成"], caption="表5  民族构成")
    number = 6
    if a.counties:
        doc.heading("四、县（市、区）对比")
        doc.table(*by_title["县（市、区）对比"], caption=f"表{number}  县（市、区）对比")
        counties = data["counties"]
        doc.image(
            charts.bar_chart("平均年龄", counties["labels"], counties["values"], unit="岁"),
            caption="图4  各县（市、区）平均年龄",
        )
        number += 1
    doc.heading(f"{'五' if a.counties else '四'}、县（市、区）党政领导班子成员来源")
    doc.paragraph(a.pipeline_text)
    doc.table(*by_title["班子成员来源"], caption=f"表{number}  班子成员来源")
    doc.heading(f"{'六' if a.counties else '五'}、基本情况统计表{'和变化情况' if a.comparison else ''}")
    for i, (title, headers, rows) in enumerate(word_parts(a.basic), start=1):
        doc.table(headers, rows, caption=f"基本情况统计表（{i}）  {title}")
    if a.comparison:
        doc.paragraph(a.comparison.sentence)
        doc.table(*change_table(a), caption=f"变化情况（与{a.comparison.label}相比）")
    doc.signature(settings.ORGANIZATION_NAME, dt.date.today())
    return doc.to_bytes()


def excel_tables(a: Analysis) -> bytes:
    groups, names, rows = layout(a.basic)
    columns = [xlsx.ColumnSpec(n, width=16 if i == 0 else 9) for i, n in enumerate(names)]
    s = a.selection
    title = f"{s.scope_name}{s.cohort_label}基本情况统计表（截至{s.as_of.year}年{s.as_of.month}月{s.as_of.day}日）"
    sheets = [xlsx.SheetSpec("基本情况统计表", columns, rows, groups=groups, title=title)]
    if a.comparison:
        headers, change_rows = change_table(a)
        change_columns = [xlsx.ColumnSpec(h, width=30 if i in (0, 3) else 14) for i, h in enumerate(headers)]
        sheets.append(xlsx.SheetSpec("变化情况", change_columns, change_rows))
    for title, headers, rows in tables(a):
        columns = [xlsx.ColumnSpec(h, width=24 if i == 0 else 14) for i, h in enumerate(headers)]
        sheets.append(xlsx.SheetSpec(title, columns, rows))
    return xlsx.write_workbook(sheets, instructions=[a.title, a.paragraph + a.change_text, a.pipeline_text])
