"""Word reports in the official-document (公文) layout of GB/T 9704-2012.

Kept free of Django. Fonts are named, never embedded: the intranet PCs carry the
standard 公文 fonts, and Word substitutes its own where one is missing.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from io import BytesIO

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt, RGBColor, Twips

FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"
ER_HAO, SAN_HAO, SI_HAO, XIAO_SI = Pt(22), Pt(16), Pt(14), Pt(12)
LINE = Twips(579)  # 28.95 pt, so 22 lines fill the 225 mm type area
TYPE_WIDTH = Mm(156)
HEADINGS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True)}
WIDE_TABLE = 5  # more columns than this no longer fit 四号 text
LONG_CELL = 12  # a column holding longer text reads better left-aligned than centred

_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?%?$")
_PAGE_FIELD = (
    ("w:fldChar", "begin"),
    ("w:instrText", " PAGE "),
    ("w:fldChar", "separate"),
    ("w:t", "1"),
    ("w:fldChar", "end"),
)


def format_date(date: datetime.date) -> str:
    """成文日期: Arabic numerals, month and day without a leading zero (GB/T 9704-2012 7.3.5.1)."""
    return f"{date.year}年{date.month}月{date.day}日"


def _set_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """python-docx's font.name fills only the Latin slots, yet Word takes Chinese glyphs from w:eastAsia."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):  # a theme attribute would win over the explicit name
        del rfonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{slot}"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _run(paragraph, text: str, east_asia: str, size: Length, *, bold: bool = False, latin: str = LATIN):
    run = paragraph.add_run(text)
    run.font.size = size
    if bold:
        run.font.bold = True
    _set_fonts(run._r.get_or_add_rPr(), east_asia, latin)
    return run


def _format(par, align: str = "justify", *, indent: bool = False, exact: bool = True, grid: bool = True):
    if not grid:
        # The character grid would spread anything that is not 三号 over whole grid cells. Added first, so
        # python-docx, which knows the schema order of its own elements, puts the rest around it correctly.
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        par._p.get_or_add_pPr().append(snap)
    fmt = par.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = LINE if exact else 1.0
    if indent:
        fmt.first_line_indent = SAN_HAO * 2
        # Word prefers the character-based value, which follows the font size if a user changes it.
        par._p.pPr.ind.set(qn("w:firstLineChars"), "200")
    return par


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        # Half-up, as people round by hand; binary floats would turn 0.125 into 0.12.
        rounded = decimal.Decimal(repr(value)).quantize(decimal.Decimal("0.01"), decimal.ROUND_HALF_UP)
        return str(rounded).rstrip("0").rstrip(".")
    if isinstance(value, datetime.date):
        return format_date(value)
    return str(value)


def _is_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float | decimal.Decimal) or bool(_NUMBER.match(str(value or "").strip()))


def _text_width(text: str) -> float:
    """Width in 三号 characters: ASCII letters and digits are half-width."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


class GongwenDocument:
    """A report in 公文 layout; add content top to bottom, then call `to_bytes`."""

    def __init__(self, title: str, *, subtitle: str | None = None):
        self._doc = Document()
        self._setup_page()
        self._setup_styles()
        self._setup_footers()
        # python-docx's template carries a thumbnail of some other document.
        rels = self._doc.part.package.rels
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
            rels.pop(rid)
        props = self._doc.core_properties
        props.title, props.language, props.author, props.comments = title.replace("\n", ""), "zh-CN", "", ""
        props.created = props.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        _run(self._para("center", grid=False), title, XIAOBIAOSONG, ER_HAO)
        if subtitle:
            _run(self._para("center", grid=False), subtitle, KAITI, SAN_HAO)
        self._para()  # the standard leaves one blank line under the title

    def _para(self, align: str = "justify", **kwargs):
        return _format(self._doc.add_paragraph(), align, **kwargs)

    def _setup_page(self) -> None:
        section = self._doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        # Puts the dashes of the page number about 7 mm below the type area (GB/T 9704-2012 7.5).
        section.footer_distance = Mm(25)
        # A line grid only: 22 lines a page. A character grid (linesAndChars with a negative
        # charSpace) would fit exactly 28 characters a line in Word, but LibreOffice and some WPS
        # versions give each 三号 character two cells, spreading the text; unsnapped text fits ~27.6.
        grid = section._sectPr.find(qn("w:docGrid"))
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE.twips))

    def _setup_styles(self) -> None:
        defaults = self._doc.styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        _set_fonts(rpr, FANGSONG)
        rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(int(SAN_HAO.pt * 2)))
        normal = self._doc.styles["Normal"]
        _set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
        normal.font.size = SAN_HAO
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = LINE

    def _setup_footers(self) -> None:
        section = self._doc.sections[0]
        self._doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            p = _format(footer.paragraphs[0], align, exact=False, grid=False)
            # One character of space between the number and the edge of the type area.
            if align == "right":
                p.paragraph_format.right_indent = SI_HAO
            else:
                p.paragraph_format.left_indent = SI_HAO
            _run(p, "— ", SONGTI, SI_HAO, latin=SONGTI)
            for tag, value in _PAGE_FIELD:
                el = OxmlElement(tag)
                if tag == "w:fldChar":
                    el.set(qn("w:fldCharType"), value)
                else:
                    el.set(qn("xml:space"), "preserve")
                    el.text = value
                _run(p, "", SONGTI, SI_HAO, latin=SONGTI)._r.append(el)
            _run(p, " —", SONGTI, SI_HAO, latin=SONGTI)

    def heading(self, text: str, level: int = 1) -> None:
        """Level 1 "一、…" in 黑体, level 2 "（一）…" in 楷体, level 3 "1. …" in bold 仿宋; all 三号."""
        level = min(max(level, 1), 3)
        font, bold = HEADINGS[level]
        p = self._para("justify", indent=True)
        p.paragraph_format.keep_with_next = True
        p._p.get_or_add_pPr().get_or_add_outlineLvl().val = level - 1  # shows in Word's navigation pane
        _run(p, text, font, SAN_HAO, bold=bold)

    def paragraph(self, text: str, *, indent: bool = True, align: str = "justify") -> None:
        """Body text; each line of `text` becomes its own paragraph."""
        for line in text.split("\n"):
            _run(self._para(align, indent=indent), line, FANGSONG, SAN_HAO)

    def marked_paragraph(self, runs: list[tuple[str, str | None]], *, indent: bool = True) -> None:
        """One body paragraph of (text, colour) runs: colour an RGB hex such as "C00000", or None for
        black. Marked text is also underlined, so the marks survive a black-and-white printer."""
        par = self._para("justify", indent=indent)
        for text, colour in runs:
            run = _run(par, text, FANGSONG, SAN_HAO)
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
                run.font.underline = True

    def table(
        self,
        headers: list[str],
        rows: list[list[object]],
        *,
        caption: str | None = None,
        widths_cm: list[float] | None = None,
    ) -> None:
        """Numbers are right-aligned, short text centred, longer text left-aligned; short rows are padded."""
        cols = max(len(headers), 1)
        size = XIAO_SI if cols > WIDE_TABLE else SI_HAO
        if caption:
            p = self._para("center", grid=False)
            p.paragraph_format.keep_with_next = True
            _run(p, caption, HEITI, SI_HAO)
        body = [(list(row) + [None] * cols)[:cols] for row in rows]
        texts = [[_cell_text(v) for v in row] for row in body]
        long_cols = {c for row in texts for c, text in enumerate(row) if len(text) > LONG_CELL}
        if widths_cm and len(widths_cm) == cols:
            widths = [Cm(w) for w in widths_cm]
        else:
            widths = [Length(TYPE_WIDTH // cols)] * cols
        table = self._doc.add_table(rows=1 + len(body), cols=cols)
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for r, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if r == 0:
                tr_pr.append(OxmlElement("w:tblHeader"))  # repeats the header on every page
            for c, cell in enumerate(row.cells):
                cell.width = widths[c]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                if r == 0:
                    align, text, font = "center", headers[c] if c < len(headers) else "", HEITI
                else:
                    value, text, font = body[r - 1][c], texts[r - 1][c], FANGSONG
                    align = "right" if _is_number(value) else "left" if c in long_cols else "center"
                p = _format(cell.paragraphs[0], align, exact=False, grid=False)
                p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
                _run(p, text, font, size)

    def image(self, png: bytes, *, width_cm: float = 15.0, caption: str | None = None) -> None:
        # Exact line spacing would crop the picture to one line, hence single spacing.
        p = self._para("center", exact=False, grid=False)
        p.paragraph_format.keep_with_next = bool(caption)
        p.add_run().add_picture(BytesIO(png), width=Cm(min(width_cm, TYPE_WIDTH.cm)))
        if caption:
            _run(self._para("center", grid=False), caption, KAITI, SI_HAO)

    def signature(self, issuer: str, date: datetime.date) -> None:
        """署名 and 成文日期 of a document without a seal (GB/T 9704-2012 7.3.5.2).

        The issuer stands 2 characters from the right edge and the date starts 2 characters further
        right; a date longer than that keeps 2 characters of space and pushes the issuer left instead.
        """
        date_text = format_date(date)
        issuer_w, date_w = _text_width(issuer), _text_width(date_text)
        date_right = max(2.0, issuer_w - date_w)
        issuer_right = date_right + date_w + 2 - issuer_w
        self._para()
        for text, right in ((issuer, issuer_right), (date_text, date_right)):
            p = self._para("right")
            p.paragraph_format.right_indent = Length(int(SAN_HAO * right))
            p._p.pPr.ind.set(qn("w:rightChars"), str(int(right * 100)))
            _run(p, text, FANGSONG, SAN_HAO)

    def page_break(self) -> None:
        self._doc.add_page_break()

    def to_bytes(self) -> bytes:
        out = BytesIO()
        self._doc.save(out)
        return out.getvalue()
