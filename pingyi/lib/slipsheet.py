"""Sheets of slips to cut apart: 8 to an A4 page (2 × 4) with dashed cut lines, one slip per item.

Ballot slips (ballots/slips.py) and account slips (accounts/credentials.py) lay out their own
content; the page, the grid and the fitting of text are here.
"""

import io
from collections.abc import Callable, Iterable

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .pdffont import cjk_font

COLUMNS, ROWS = 2, 4


def sheet(title: str, items: Iterable, draw: Callable) -> bytes:
    """The PDF; draw(pdf, font, x, y, w, h, item) fills one slip whose cut lines are drawn already."""
    font = cjk_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    slip_w, slip_h = width / COLUMNS, height / ROWS
    for index, item in enumerate(items):
        if index and index % (COLUMNS * ROWS) == 0:
            pdf.showPage()
        spot = index % (COLUMNS * ROWS)
        x, y = (spot % COLUMNS) * slip_w, height - (spot // COLUMNS + 1) * slip_h
        pdf.setDash(3, 3)
        pdf.setStrokeGray(0.6)
        pdf.rect(x, y, slip_w, slip_h)  # cut lines
        pdf.setDash()
        pdf.setFillGray(0)
        draw(pdf, font, x, y, slip_w, slip_h, item)
    pdf.save()
    return out.getvalue()


def fit(pdf, font, size, text, width) -> str:
    """The text shortened with … until it fits the width."""
    while pdf.stringWidth(text, font, size) > width and len(text) > 1:
        text = text[:-2] + "…"
    return text


def wrap(pdf, font, size, text, width) -> list[str]:
    """The text broken into lines of the width: any character may end a line, but no line starts
    with closing punctuation (the 避头 rule of Chinese typesetting), which takes its neighbour along."""
    lines, line = [], ""
    for char in text:
        if line and pdf.stringWidth(line + char, font, size) > width:
            if char in NO_LINE_START and len(line) > 1:
                lines.append(line[:-1])
                line = line[-1]
            else:
                lines.append(line)
                line = ""
        line += char
    return [*lines, line] if line else lines


NO_LINE_START = set("，。、；：？！）》」』”’…")
