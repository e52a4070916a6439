"""Every file reader, fed what Hypothesis makes of bytes and of real files with bytes changed: it
returns what it read or refuses with its own Chinese error, never anything else (no 500 upstream).
Derandomized and bounded, so it is a few seconds of `make test`; PINGYI_FUZZ_EXAMPLES explores."""

import io
import json
import os

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from pingyi.ballots.count import record
from pingyi.dupcheck import extract
from pingyi.lib import xlsx
from pingyi.reviews import extract as report_extract

FUZZ = settings(
    max_examples=int(os.environ.get("PINGYI_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize="PINGYI_FUZZ_EXAMPLES" not in os.environ,
)


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("一、聚焦发展，招商引资到位资金12亿元。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "进度"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "干部名册"
    sheet.append(["姓名", "出生年月"])
    sheet.append(["张三", "1975.03"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


DOCX, XLSX, PDF = _docx(), _xlsx(), _pdf()


def mutated(original: bytes):
    """The file with a few bytes overwritten, a piece cut out, or cut short."""
    size = len(original)
    flips = st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, 255)), min_size=1, max_size=8)

    def apply(changes):
        data = bytearray(original)
        for at, value in changes:
            data[at] = value
        return bytes(data)

    return st.one_of(
        flips.map(apply),
        st.integers(0, size - 1).map(lambda cut: original[:cut]),
        st.tuples(st.integers(0, size - 1), st.integers(1, 512)).map(
            lambda c: original[: c[0]] + original[c[0] + c[1] :]
        ),
    )


@FUZZ
@given(name=st.sampled_from(["报告.txt", "报告.docx", "page.html", "报告"]), data=st.binary(max_size=4096))
def test_any_bytes_as_a_corpus_or_report_file_are_read_or_refused_in_words(name, data):
    try:
        assert isinstance(extract.extract_text(name, data), str)
    except extract.ExtractError as exc:
        assert str(exc)


@FUZZ
@given(data=mutated(DOCX))
def test_a_damaged_word_document_is_read_or_refused_in_words(data):
    try:
        extract.extract_text("报告.docx", data)
    except extract.ExtractError as exc:
        assert str(exc)


@FUZZ
@given(markup=st.text(alphabet=st.sampled_from(list("<>/=\"' abdivpscriptnav述职&;#x")), max_size=600))
def test_any_markup_gives_text(markup):
    assert isinstance(extract.html_text(markup), str)


@FUZZ
@given(data=mutated(XLSX))
def test_a_damaged_workbook_is_read_or_refused_in_words(data):
    try:
        xlsx.read_workbook(data, {"干部名册": ["姓名", "出生年月"]})
    except xlsx.WorkbookError as exc:
        assert str(exc)


@FUZZ
@given(data=mutated(PDF))
def test_a_damaged_pdf_is_read_or_refused_in_words(data):
    try:
        report_extract.report_text("报告.pdf", data)
    except report_extract.ExtractError as exc:
        assert str(exc)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(value=json_values)
def test_any_json_is_a_record_or_a_refusal_that_names_its_path(value):
    try:
        record.loads(json.dumps(value))
    except record.RecordError as exc:
        assert str(exc)
