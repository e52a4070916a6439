"""The text of an uploaded duty report (.docx, .txt via dupcheck.extract; .pdf here)."""

import io
from pathlib import PurePath

from pingyi.lib import bounded, limits

MAX_BYTES = limits.REPORT_MAX_BYTES
EXTENSIONS = (".docx", ".pdf", ".txt")
MIN_PDF_CHARS = 20


class ExtractError(Exception):
    """str(e) is a Chinese reason fit to show to the user."""


def report_text(filename: str, data: bytes) -> str:
    """Raises ExtractError with a Chinese reason; nothing is stored before this succeeds."""
    if not data:
        raise ExtractError("文件为空（0 字节），请重新选择文件。")
    if len(data) > MAX_BYTES:
        raise ExtractError(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），述职报告文件上限为 20 MB。")
    ext = PurePath(filename or "").suffix.lower()
    if ext not in EXTENSIONS:
        # As the form says: a web page saved as .html is not a duty report.
        raise ExtractError(
            f"不支持的文件类型{('「' + ext + '」') if ext else ''}。述职报告请上传 .docx、.pdf 或 .txt 文件。"
        )
    if ext == ".pdf":
        try:
            return bounded.run(_pdf_text, data)
        except bounded.BudgetExceeded as exc:
            raise ExtractError(str(exc)) from None
    from pingyi.dupcheck import extract  # .docx, .txt, .html: one extractor for reports and corpus

    try:
        return extract.extract_text(filename, data)
    except extract.ExtractError as exc:
        raise ExtractError(str(exc)) from exc


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if not data.startswith(b"%PDF"):
        raise ExtractError("该文件不是有效的 PDF 文件（可能是其他格式改了扩展名）。")
    try:
        reader = PdfReader(io.BytesIO(data))
        # A file with only an owner password (restrictions on printing, copying) opens with the
        # empty user password, as in any PDF reader.
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractError("PDF 文件设置了打开密码，系统无法读取。请去除密码后再上传，或上传 Word 文件。")
        pages = len(reader.pages)
        if pages > limits.MAX_PDF_PAGES:
            raise ExtractError(f"PDF 共 {pages} 页，超过上限 {limits.MAX_PDF_PAGES} 页。请上传述职报告正文。")
        parts, length = [], 0
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            length += len(parts[-1])
            # Stop reading as soon as the text is over the limit every door applies.
            if length > limits.MAX_TEXT_CHARS:
                limits.check_text_length("\n".join(parts))
        text = "\n".join(parts)
    except limits.LimitError as exc:
        raise ExtractError(str(exc)) from None
    except ExtractError:
        raise
    except DependencyError as exc:
        # Without the cryptography package AES cannot be read; to the user the file is encrypted.
        raise ExtractError("PDF 文件已加密，系统无法读取。请去除密码后再上传，或上传 Word 文件。") from exc
    except Exception as exc:
        # pypdf meets a damaged file with whatever its code trips on (PyPdfError, AttributeError,
        # IndexError, RecursionError … found by the fuzzing test): to the user it is damaged.
        raise ExtractError("无法读取该 PDF 文件：文件已损坏或格式不正确。") from exc
    if sum(1 for c in text if not c.isspace()) < MIN_PDF_CHARS:
        raise ExtractError("PDF 中没有可提取的文字（可能是扫描图片），请上传 Word 文件或直接粘贴正文。")
    return text.strip()
