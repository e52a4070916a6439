"""Text out of the files people upload: .txt, .docx and .html.

Kept free of Django so the command, the bench and other apps (duty reports) can use it. Whatever a
user can get wrong about a file surfaces as `ExtractError`, whose message is a Chinese sentence for
the user; the file's content, not its name, decides what it is.

- .txt: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (which covers GBK and GB2312).
- .docx: body paragraphs and tables in document order (headers and footers are page furniture).
- .html: the main text only: script, style, navigation, header, footer, aside and link-dense
  blocks (link lists) are dropped.
"""

from __future__ import annotations

import codecs
import math
import re
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import PurePath

from pingyi.lib import bounded, limits

MB = 1024 * 1024
MAX_BYTES = limits.CORPUS_MAX_BYTES
MAX_CHARS = limits.MAX_TEXT_CHARS
# Elements nested deeper than this are read as if they were flat: no honest page or document nests
# so deep, and walking a thousand levels would exhaust the stack.
MAX_DEPTH = 100
EXTENSIONS = (".txt", ".docx", ".html", ".htm")
ACCEPT = ",".join(EXTENSIONS)

EMPTY = "文件为空。"
NO_TEXT = "文件中没有可检测的文字。"
UNSUPPORTED = "不支持的文件类型{ext}。请上传 .txt、.docx 或 .html 文件。"
NOT_TEXT = "该文件不是文本文件（可能是改了扩展名的其他文件），无法读取。请上传 .txt、.docx 或 .html 文件。"
ENCODING = "无法识别文件的文字编码。请将文件另存为 UTF-8 编码的文本文件后再上传。"
NOT_DOCX = "该文件不是有效的 Word 文档（.docx），可能是改了扩展名的其他文件。"
OLD_DOC = "该文件是旧版 Word 格式（.doc）或其他 Office 二进制文件，系统无法读取。请在 Word 中“另存为” .docx 后再上传。"
PDF = "系统不读取 PDF 文件。请上传 Word 文档（.docx）或文本文件（.txt）。"
EXCEL = "该文件是 Excel 工作簿，不是 Word 文档。"
POWERPOINT = "该文件是 PowerPoint 演示文稿，不是 Word 文档。"
ENCRYPTED = "文件已加密或设置了打开密码，系统无法读取。请取消密码后另存为 .docx 再上传。"
CORRUPT = "无法读取该 Word 文档：文件已损坏或格式不正确。"
NO_MAIN_TEXT = "网页中没有找到正文文字。"

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_BINARY_MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"\x7fELF", b"OggS", b"fLaC",
)  # fmt: skip


class ExtractError(ValueError):
    """The file cannot be read as text; str(e) is a Chinese sentence for the user."""


def _mb(size: int) -> str:
    return f"{math.ceil(size * 10 / MB) / 10:g}"


def check_size(size: int) -> None:
    """Refuse a file over MAX_BYTES: called on an upload's size before it is read into memory."""
    if size > MAX_BYTES:
        raise ExtractError(f"文件过大（{_mb(size)} MB），上限为 {_mb(MAX_BYTES)} MB。")


def extract_text(filename: str, data: bytes) -> str:
    """The text of an uploaded file, lines separated by "\\n"; raises ExtractError.

    Read in a child process within lib/limits' time and memory budget (lib/bounded)."""
    if not data:
        raise ExtractError(EMPTY)
    check_size(len(data))
    try:
        return bounded.run(_extract_text, filename, data)
    except bounded.BudgetExceeded as exc:
        raise ExtractError(str(exc)) from None


def _extract_text(filename: str, data: bytes) -> str:
    if not data:
        raise ExtractError(EMPTY)
    check_size(len(data))
    ext = PurePath(filename or "").suffix.lower()
    if ext not in EXTENSIONS:
        raise ExtractError(UNSUPPORTED.format(ext=f"「{ext}」" if ext else ""))
    if data.startswith(_OLE_MAGIC):
        raise ExtractError(ENCRYPTED if "EncryptionInfo".encode("utf-16-le") in data else OLD_DOC)
    if data.startswith(b"%PDF"):
        raise ExtractError(PDF)
    if data.startswith(b"PK\x03\x04") or ext == ".docx":
        text = _docx(data)
    elif data.startswith(_BINARY_MAGIC):
        raise ExtractError(NOT_TEXT)
    elif ext == ".txt":
        text = decode(data)
    else:
        text = html_text(decode(data, _declared_charset(data)))
    text = _tidy(text)
    if not text:
        raise ExtractError(NO_MAIN_TEXT if ext in (".html", ".htm") else NO_TEXT)
    if len(text) > MAX_CHARS:
        raise ExtractError(f"文字过长（约 {len(text) / 10000:.1f} 万字），上限为 {MAX_CHARS // 10000} 万字。")
    return text


def check_length(text: str) -> str:
    """Pasted text gets the same limits as a file's."""
    text = _tidy(text or "")
    if not text:
        raise ExtractError(NO_TEXT)
    if len(text) > MAX_CHARS:
        raise ExtractError(f"文字过长（约 {len(text) / 10000:.1f} 万字），上限为 {MAX_CHARS // 10000} 万字。")
    return text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes of a text file to str: BOM first, then the declared charset, UTF-8, GB18030."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ):  # fmt: skip
        if data.startswith(bom):
            try:
                return _plain_text(data.decode(codec))
            except UnicodeDecodeError:
                raise ExtractError(ENCODING) from None
    if b"\x00" in data:
        raise ExtractError(NOT_TEXT)
    codecs_to_try = ["utf-8", "gb18030"]
    if declared:
        codecs_to_try.insert(0, declared)
    for codec in codecs_to_try:
        try:
            return _plain_text(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            continue
    raise ExtractError(ENCODING)


def _plain_text(text: str) -> str:
    # A binary file can decode by accident; real text has next to no control characters.
    controls = len(_CONTROL.findall(text[:100_000]))
    if controls > max(2, len(text[:100_000]) // 200):
        raise ExtractError(NOT_TEXT)
    return _CONTROL.sub("", text)


# ---------------------------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(data: bytes) -> str:
    import docx  # python-docx; imported here so .txt and .html need nothing beyond the standard library
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except Exception:
        raise ExtractError(NOT_DOCX) from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise ExtractError(EXCEL)
        if "ppt/presentation.xml" in names:
            raise ExtractError(POWERPOINT)
        raise ExtractError(NOT_DOCX)
    if any(info.flag_bits & 0x1 for info in infos):
        raise ExtractError(ENCRYPTED)
    try:
        limits.check_zip(data, what="Word 文档")
    except limits.LimitError as exc:
        raise ExtractError(str(exc)) from None
    try:
        document = docx.Document(BytesIO(data))
        lines: list[str] = []

        def walk(container, parent, depth=0):
            if depth > MAX_DEPTH:  # tables nested inside tables, a thousand deep
                raise ExtractError(CORRUPT)
            for child in container.iterchildren():
                if child.tag == _W + "p":
                    lines.append(Paragraph(child, parent).text)
                elif child.tag == _W + "tbl":
                    for row in Table(child, parent).rows:
                        seen = []
                        for cell in row.cells:
                            # A merged cell is returned once per grid column it spans.
                            if any(cell._tc is s for s in seen):
                                continue
                            seen.append(cell._tc)
                            walk(cell._tc, cell, depth + 1)
                elif child.tag == _W + "sdt":
                    content = child.find(_W + "sdtContent")
                    if content is not None:
                        walk(content, parent, depth + 1)

        walk(document.element.body, document)
    except ExtractError:
        raise
    except Exception:
        raise ExtractError(CORRUPT) from None
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# .html
# ---------------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "select",
        "button",
        "iframe",
        "svg",
        "canvas",
        "head",
        "title",
        "object",
        "embed",
        "video",
        "audio",
        "map",
        "menu",
        "dialog",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "hr",
        "center",
        "body",
        "html",
        "figure",
        "figcaption",
        "address",
        "caption",
        "details",
        "summary",
    ]
)
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_DENSE_CANDIDATES = frozenset(
    ["div", "section", "ul", "ol", "dl", "table", "tr", "td", "li", "p", "span", "center"]
)
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|side|footer|foot|breadcrumbs?|crumbs?|share|comments?|related|"
    r"recommend|rank|copyright|pagination|pager|toolbar)(?:$|[\s_-])",
    re.I,
)
_WS = re.compile(r"\s+")


def _declared_charset(data: bytes) -> str | None:
    found = _CHARSET.search(data[:4096])
    if not found:
        return None
    name = found.group(1).decode("ascii", "ignore").lower()
    # Pages labelled GB2312 or GBK routinely hold characters only GB18030 has.
    return "gb18030" if name in ("gb2312", "gbk", "gb18030", "x-gbk") else name


class _Node:
    __slots__ = ("attrs", "children", "link_chars", "parent", "tag", "text_chars")

    def __init__(self, tag: str, attrs: dict, parent: _Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[_Node | str] = []
        self.text_chars = 0
        self.link_chars = 0


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {}, None)
        self.current = self.root
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: (v or "") for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID and self.depth < MAX_DEPTH:
            self.current = node
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Node(tag, {k: (v or "") for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent
            self.depth = _depth(self.current)

    def handle_data(self, data):
        self.current.children.append(data)


def _depth(node: _Node) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _measure(node: _Node, in_link: bool = False) -> None:
    link = in_link or node.tag == "a"
    for child in node.children:
        if isinstance(child, str):
            n = len(_WS.sub("", child))
            node.text_chars += n
            if link:
                node.link_chars += n
        elif child.tag not in _SKIP:
            _measure(child, link)
            node.text_chars += child.text_chars
            node.link_chars += child.link_chars


def _dropped(node: _Node) -> bool:
    if node.tag in _SKIP:
        return True
    label = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')} {node.attrs.get('role', '')}"
    if _FURNITURE.search(label) or node.attrs.get("role") in ("navigation", "banner", "contentinfo"):
        return True
    # A block that is mostly link text is a list of links (sidebar, "related articles").
    return node.tag in _DENSE_CANDIDATES and node.text_chars > 0 and node.link_chars > 0.5 * node.text_chars


def html_text(markup: str) -> str:
    builder = _TreeBuilder()
    try:
        builder.feed(markup)
        builder.close()
    except Exception:
        raise ExtractError(NO_MAIN_TEXT) from None
    _measure(builder.root)
    parts: list[str] = []

    def emit(node: _Node):
        for child in node.children:
            if isinstance(child, str):
                parts.append(_WS.sub(" ", child))
            elif child.tag == "br":
                parts.append("\n")
            elif not _dropped(child):
                block = child.tag in _BLOCK
                if block:
                    parts.append("\n")
                emit(child)
                if block:
                    parts.append("\n")

    emit(builder.root)
    lines = [line.strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)
