"""Text out of uploaded files: what works, and a clear Chinese sentence for what does not."""

import codecs
import io
import zipfile

import docx
import pytest

from pingyi.dupcheck.extract import MAX_BYTES, MAX_CHARS, ExtractError, extract_text
from pingyi.lib import hostile_files

SPEECH = "同志们：\n市委、市政府开展乡镇（街道）党政正职述职评议活动，主要目的是提供一个交流工作的平台。"


@pytest.mark.parametrize(
    "data",
    [
        SPEECH.encode("utf-8"),
        codecs.BOM_UTF8 + SPEECH.encode("utf-8"),
        SPEECH.encode("gb18030"),
        SPEECH.encode("gbk"),
        SPEECH.encode("utf-16"),  # with BOM
        SPEECH.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16", "crlf"],
)
def test_text_files_in_the_usual_encodings(data):
    assert extract_text("讲话.txt", data) == SPEECH


def _docx(paragraphs, table=None) -> bytes:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        document.add_paragraph("表后的段落")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_documents_give_paragraphs_and_tables_in_order():
    data = _docx(["第一段", "第二段"], table=[["指标", "数值"], ["固定资产投资", "12.5亿元"]])
    text = extract_text("报告.docx", data)
    lines = text.split("\n")
    assert lines[:2] == ["第一段", "第二段"]
    assert "固定资产投资" in text and "12.5亿元" in text
    assert lines[-1] == "表后的段落"


def test_merged_table_cells_are_read_once():
    document = docx.Document()
    grid = document.add_table(rows=1, cols=3)
    merged = grid.cell(0, 0).merge(grid.cell(0, 1))
    merged.text = "合并单元格"
    grid.cell(0, 2).text = "右侧"
    out = io.BytesIO()
    document.save(out)
    assert extract_text("表格.docx", out.getvalue()).count("合并单元格") == 1


def test_the_file_content_decides_not_the_name():
    # A Word document saved with a .txt name is still read as a Word document.
    assert extract_text("报告.txt", _docx(["正文一段"])) == "正文一段"


HTML = """<!doctype html><html><head><meta charset="utf-8"><title>范文网 - 讲话稿</title>
<style>.x{color:red}</style><script>var a = "不是正文";</script></head>
<body>
<header><a href="/">首页</a> <a href="/list">讲话稿</a></header>
<nav class="menu"><ul><li><a href="/a">领导讲话</a></li><li><a href="/b">述职报告</a></li></ul></nav>
<div class="content">
  <h1>在第一期全市乡镇（街道）党政正职述职评议会上的讲话</h1>
  <p>同志们：</p>
  <p>市委、市政府开展乡镇（街道）党政正职述职评议活动，主要目的是<b>提供</b>一个交流工作的平台。</p>
  <p>相关链接：<a href="/c">全文下载</a></p>
</div>
<div class="box"><h3>推荐文稿</h3><ul>
  <li><a href="/1">在全市人才工作会议上的讲话</a></li><li><a href="/2">在全县产业链项目发展启动会议上的讲话</a></li>
</ul></div>
<aside>阅读排行</aside>
<footer>版权所有 某某范文网</footer>
</body></html>"""


def test_web_pages_give_their_main_text_only():
    text = extract_text("page.html", HTML.encode("utf-8"))
    assert text.split("\n")[:3] == [
        "在第一期全市乡镇（街道）党政正职述职评议会上的讲话",
        "同志们：",
        "市委、市政府开展乡镇（街道）党政正职述职评议活动，主要目的是提供一个交流工作的平台。",
    ]
    for furniture in (
        "不是正文",
        "首页",
        "领导讲话",
        "在全市人才工作会议上的讲话",
        "阅读排行",
        "版权所有",
        "color",
    ):
        assert furniture not in text


def test_web_pages_in_a_declared_chinese_encoding():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
    page += "<body><p>乡镇党政正职述职评议</p></body></html>"
    assert extract_text("page.htm", page.encode("gb18030")) == "乡镇党政正职述职评议"


def _zip(names) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("报告.txt", b"", "文件为空"),
        ("报告.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "不是文本文件"),
        ("报告.txt", bytes(range(256)) * 8, "不是文本文件"),
        ("报告.txt", "乡镇".encode() + b"\xff\xfe\xfa" + b"\x80" * 10, "编码"),
        ("报告.txt", b"x" * (MAX_BYTES + 1), "文件过大"),
        ("报告.txt", ("字" * (MAX_CHARS + 1)).encode("utf-8"), "文字过长"),
        ("报告.txt", b"   \n\n\t", "没有可检测的文字"),
        ("报告.docx", "其实是文本".encode(), "不是有效的 Word 文档"),
        ("报告.docx", _zip(["foo.txt"]), "不是有效的 Word 文档"),
        ("报告.docx", _zip(["xl/workbook.xml"]), "Excel"),
        ("报告.docx", _zip(["word/document.xml"]), "已损坏"),
        ("报告.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600, "不支持的文件类型"),
        ("报告.docx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600, "旧版 Word"),
        ("报告.pdf", b"%PDF-1.7", "不支持的文件类型"),
        ("报告.txt", b"%PDF-1.7\n1 0 obj", "PDF"),
        ("page.html", "<html><body><script>x()</script><nav><a>首页</a></nav></body></html>".encode(), "正文"),
        ("page.html", b"", "文件为空"),
        ("报告", "正文".encode(), "不支持的文件类型"),
    ],
    ids=[
        "empty", "png-renamed", "binary", "undecodable", "huge", "too-many-chars", "blank", "docx-is-text",
        "zip-not-docx", "xlsx-as-docx", "docx-corrupt", "doc", "ole-as-docx", "pdf", "pdf-as-txt", "html-no-text",
        "html-empty", "no-extension",
    ],
)  # fmt: skip
def test_unusable_files_are_refused_with_a_reason(name, data, message):
    with pytest.raises(ExtractError) as caught:
        extract_text(name, data)
    assert message in str(caught.value)


def test_a_page_nested_a_thousand_deep_gives_its_text_instead_of_exhausting_the_stack():
    assert extract_text("page.html", hostile_files.nested_html(1000)) == "述职报告正文"


def test_a_word_document_whose_text_inflates_to_95_mb_is_refused_before_it_is_read():
    data = hostile_files.docx_bomb(95)
    assert len(data) < 300 * 1024  # a small upload
    with pytest.raises(ExtractError) as caught:
        extract_text("报告.docx", data)
    assert "「word/document.xml」解压后 95.1 MB，超过单个部件上限 50 MB" in str(caught.value)
