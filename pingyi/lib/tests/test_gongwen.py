"""The produced .docx is read back with python-docx; nothing here needs Word or a database."""

import datetime
import io
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from pingyi.lib import charts
from pingyi.lib.gongwen import GongwenDocument, format_date

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"
TITLE = "关于2026年度全市干部队伍\n结构情况的分析报告"
BODY = "截至2026年10月底，全市共有在职干部1234名，其中女干部412名，占33.4%。干部队伍整体结构持续优化。"
SIGNED = datetime.date(2026, 11, 23)


def east_asia(run) -> str | None:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def find(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


@pytest.fixture(scope="module")
def produced() -> bytes:
    report = GongwenDocument(TITLE, subtitle="（2026年11月）")
    report.heading("一、总体情况")
    report.paragraph(BODY)
    report.heading("（一）年龄结构", level=2)
    report.heading("1. 平均年龄", level=3)
    report.paragraph("干部平均年龄44.6岁。\n35岁以下干部占比较上年有所提高。")
    report.table(
        ["单位", "干部人数", "占比", "主要问题"],
        [["市委组织部", 56, "12.5%", "年轻干部储备不足，专业化干部比例偏低"], ["某某区", 128.25, None, "无"]],
        caption="表1 各单位干部人数",
        widths_cm=[3.5, 2.5, 2.5, 7.1],
    )
    report.table(["序号", "甲", "乙", "丙", "丁", "戊"], [[1, 2, 3, 4, 5, 6]])
    report.marked_paragraph(
        [("本镇", None), ("坚持以人民为中心的发展思想", "C00000"), ("，全力推进。", None)]
    )
    png = charts.bar_chart(
        "各年龄段干部人数", ["30岁以下", "31-40岁", "41-50岁", "51岁以上"], [120, 356, 498, 260]
    )
    report.image(png, caption="图1 各年龄段干部人数")
    report.page_break()
    report.heading("二、下一步工作")
    report.paragraph("持续加强干部队伍建设。")
    report.signature("中共某某市委组织部", SIGNED)
    return report.to_bytes()


@pytest.fixture(scope="module")
def doc(produced):
    return docx.Document(io.BytesIO(produced))


def test_page_is_a4_with_the_standard_margins(doc):
    section = doc.sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28}
    expected |= {"right_margin": 26, "bottom_margin": 35}
    for name, mm in expected.items():
        assert getattr(section, name).mm == pytest.approx(mm, abs=0.5), name
    width = Length(section.page_width - section.left_margin - section.right_margin)
    assert width.mm == pytest.approx(156, abs=0.5)


def test_grid_gives_22_lines_and_unsnapped_characters(doc):
    section = doc.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    # Lines only: a character grid spreads 三号 text over two cells in LibreOffice and some WPS.
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"
    text_width = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert 27 * 16 <= text_width < 28 * 16
    type_height = Length(section.page_height - section.top_margin - section.bottom_margin).pt
    assert 22 * 28.95 <= type_height < 23 * 28.95


def test_title_is_xiaobiaosong_22pt_centred_then_blank_line(doc):
    title = doc.paragraphs[0]
    assert title.text == TITLE
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size for r in title.runs} == {Pt(22)}
    subtitle = doc.paragraphs[1]
    assert east_asia(subtitle.runs[0]) == "楷体_GB2312" and subtitle.runs[0].font.size == Pt(16)
    assert subtitle.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.paragraphs[2].text == ""


def test_body_is_fangsong_16pt_exact_spacing_indented_two_characters(doc):
    body = find(doc, BODY)
    run = body.runs[0]
    assert east_asia(run) == "仿宋_GB2312" and run.font.size == Pt(16)
    assert run._r.rPr.rFonts.get(qn("w:ascii")) == "Times New Roman"
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    assert fmt.first_line_indent == Pt(32)
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert find(doc, "35岁以下干部占比较上年有所提高。").paragraph_format.first_line_indent == Pt(32)


def test_normal_style_matches_body_text_for_later_typing(doc, produced):
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.01)
    styles = doc.styles.element.xml
    assert 'w:eastAsia="zh-CN"' in styles
    assert doc.core_properties.language == "zh-CN"


def test_headings_use_heiti_kaiti_and_bold_fangsong(doc):
    expected = {
        "一、总体情况": ("黑体", None),
        "（一）年龄结构": ("楷体_GB2312", None),
        "1. 平均年龄": ("仿宋_GB2312", True),
    }
    for text, (font, bold) in expected.items():
        paragraph = find(doc, text)
        run = paragraph.runs[0]
        assert east_asia(run) == font and run.font.size == Pt(16) and run.font.bold == bold, text
        assert paragraph.paragraph_format.first_line_indent == Pt(32)
        assert paragraph.paragraph_format.keep_with_next


def test_table_has_headers_rows_and_aligned_numbers(doc):
    caption = find(doc, "表1 各单位干部人数")
    assert east_asia(caption.runs[0]) == "黑体" and caption.alignment == WD_ALIGN_PARAGRAPH.CENTER
    table = doc.tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["单位", "干部人数", "占比", "主要问题"]
    assert cells[1] == ["市委组织部", "56", "12.5%", "年轻干部储备不足，专业化干部比例偏低"]
    assert cells[2] == ["某某区", "128.25", "", "无"]
    header = table.rows[0].cells[0].paragraphs[0]
    assert east_asia(header.runs[0]) == "黑体" and header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert table.rows[2].cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT  # a long-text column
    body_run = table.rows[1].cells[0].paragraphs[0].runs[0]
    assert east_asia(body_run) == "仿宋_GB2312" and body_run.font.size == Pt(14)
    assert table.rows[1].cells[0].paragraphs[0].paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE
    assert table.style.name == "Table Grid"
    assert table.columns[0].width.cm == pytest.approx(3.5, abs=0.01)
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_wide_table_uses_xiaosi(doc):
    table = doc.tables[1]
    assert table.rows[1].cells[0].paragraphs[0].runs[0].font.size == Pt(12)
    assert sum(column.width.mm for column in table.columns) == pytest.approx(156, abs=0.5)


def test_image_is_inline_and_centred_with_caption_below(doc):
    assert len(doc.inline_shapes) == 1
    assert doc.inline_shapes[0].width.cm == pytest.approx(15.0, abs=0.01)
    at = next(i for i, p in enumerate(doc.paragraphs) if p._p.xpath(".//pic:pic"))
    holder, caption = doc.paragraphs[at : at + 2]
    assert holder.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert holder.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE  # exact spacing would crop it
    assert caption.text == "图1 各年龄段干部人数"
    assert east_asia(caption.runs[0]) == "楷体_GB2312" and caption.runs[0].font.size == Pt(14)


def test_page_numbers_on_odd_and_even_footers(doc):
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        instructions = [t.text for t in paragraph._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instructions] == ["PAGE"]
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == align
        assert {east_asia(r) for r in paragraph.runs} == {"宋体"} and {
            r.font.size for r in paragraph.runs
        } == {Pt(14)}
    assert section.footer.paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert section.even_page_footer.paragraphs[0].paragraph_format.left_indent == Pt(14)


def test_signature_and_date(doc):
    issuer, date = doc.paragraphs[-2], doc.paragraphs[-1]
    assert issuer.text == "中共某某市委组织部" and date.text == "2026年11月23日"
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert doc.paragraphs[-3].text == ""  # one blank line under the body
    # The date begins two characters right of the issuer: 2 + 9 characters for the issuer, 2 + 7 for the date.
    assert issuer._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert date._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert any(p.runs and p.runs[0]._r.xpath(".//w:br[@w:type='page']") for p in doc.paragraphs)


def test_date_has_no_leading_zeros():
    assert format_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert format_date(SIGNED) == "2026年11月23日"


def test_signature_moves_issuer_left_when_date_is_longer():
    report = GongwenDocument("标题")
    report.signature("某某局", SIGNED)
    issuer, date = docx.Document(io.BytesIO(report.to_bytes())).paragraphs[-2:]
    # Date 7 characters wide, issuer 3: date keeps 2 characters of space, issuer starts 2 characters left of it.
    assert date._p.pPr.ind.get(qn("w:rightChars")) == "200"
    assert issuer._p.pPr.ind.get(qn("w:rightChars")) == "800"


def test_a_marked_paragraph_colours_and_underlines_its_marked_runs_only(doc):
    par = find(doc, "本镇坚持以人民为中心的发展思想，全力推进。")
    runs = [
        (r.text, str(r.font.color.rgb) if r.font.color.type else None, bool(r.font.underline))
        for r in par.runs
    ]
    assert runs == [
        ("本镇", None, False),
        ("坚持以人民为中心的发展思想", "C00000", True),
        ("，全力推进。", None, False),
    ]
    assert all(east_asia(r) == "仿宋_GB2312" and r.font.size == Pt(16) for r in par.runs)
    assert par.paragraph_format.first_line_indent == Pt(32)
