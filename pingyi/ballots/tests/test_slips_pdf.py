"""The printed slips: each QR code drawn is exactly the code of its slip, and the lines read right."""

import io

import pypdf
import segno
from pypdf.generic import ContentStream

from pingyi.ballots.slips import ballot_url, slips_pdf

BASE = "http://192.168.1.10/"


def drawn_codes(pdf_bytes: bytes) -> list[set[tuple[int, int]]]:
    """Each QR code on the first page, as the set of (row, column) of its dark modules, read back
    from the filled rectangles of the page's drawing (top to bottom, left to right)."""
    page = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    rects = []
    for operands, operator in ContentStream(page.get_contents(), None).operations:
        if operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            if abs(h - w) < 1e-6 or w > h:  # one module high: a run of dark modules
                rects.append((x, y, w, h))
    module = min(h for _x, _y, _w, h in rects)
    codes: list[list[tuple[float, float, float]]] = []
    # Runs of one code lie within 40 modules of its first; the page's other rectangles are cut lines.
    for x, y, w, h in rects:
        if abs(h - module) > 1e-6:
            continue
        for code in codes:
            x0, y0, _ = code[0]
            if abs(x - x0) < 40 * module and abs(y - y0) < 40 * module:
                code.append((x, y, w))
                break
        else:
            codes.append([(x, y, w)])
    found = []
    for code in codes:
        left = min(x for x, _y, _w in code)
        top = max(y for _x, y, _w in code)
        cells = set()
        for x, y, w in code:
            row = round((top - y) / module)
            first = round((x - left) / module)
            cells.update((row, first + i) for i in range(round(w / module)))
        found.append(cells)
    return found


def expected(code: str) -> set[tuple[int, int]]:
    matrix = segno.make(ballot_url(BASE, code), error="m").matrix
    return {(r, c) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark}


def test_each_slip_carries_the_qr_code_of_its_own_code():
    codes = ["ABCD-EFGH-2345", "KMNP-QRST-6789", "WXYZ-2345-ABCD"]
    drawn = drawn_codes(slips_pdf("第2期述职评议会", "群众代表", codes, BASE))
    assert len(drawn) == 3
    assert {frozenset(cells) for cells in drawn} == {frozenset(expected(code)) for code in codes}


def test_no_line_of_the_instruction_starts_with_a_comma():
    text = "".join(
        page.extract_text()
        for page in pypdf.PdfReader(
            io.BytesIO(slips_pdf("第2期", "群众代表", ["ABCD-EFGH-2345"], BASE))
        ).pages
    )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert any("请妥善保管" in line for line in lines)
    assert not [line for line in lines if line[0] in "，。、；：？！"]
