"""Every limit on what a user may upload, in one place, and the checks that apply them before reading.

The numbers are generous for honest files and small for hostile ones: a city's roster of 10,000
cadres is a workbook of about 2 MB that inflates to about 20 MB; a duty report of 200,000
characters is a .docx whose document.xml is a few MB, or a PDF of a few hundred pages.
"""

from __future__ import annotations

import math
import os
import zipfile
from io import BytesIO

MB = 1024 * 1024

# Upload sizes, by door. The two a large city may need to raise are read from the environment
# (settings.ROSTER_MAX_BYTES and LRMX_MAX_BYTES are these); nginx's client_max_body_size must follow.
ROSTER_MAX_BYTES = int(os.environ.get("ROSTER_MAX_BYTES") or 8 * MB)  # a roster or indicator workbook
LRMX_MAX_BYTES = int(os.environ.get("LRMX_MAX_BYTES") or 64 * MB)  # one upload of .lrmx files or zips
REPORT_MAX_BYTES = 20 * MB  # a duty report (.docx, .pdf, .txt)
CORPUS_MAX_BYTES = 10 * MB  # a text to 查重 or a corpus text (.docx, .html, .txt)
PHOTO_MAX_BYTES = 2 * MB  # an appraisee's photo

# Time and memory for reading one file (lib/bounded.run): seconds of CPU, which a hostile file
# spends whatever else runs; and twice that on the clock, for a reader that waits instead of
# computing (it runs at idle priority). Out of clock with less than half its CPU used, the reader
# was kept waiting by a busy server: the user is told to try again, not that the file is bad.
PARSE_SECONDS = 15
PARSE_WALL_SECONDS = 2 * PARSE_SECONDS
PARSE_MEMORY_MB = 1024
# How many files are read at once on the whole server, and how long a request waits for its turn.
# Half the cores, at least one: hostile files then take at most that share of the CPU and
# PARSE_SLOTS × PARSE_MEMORY_MB of memory, whatever the number of web workers and threads.
PARSE_SLOTS = int(os.environ.get("PINGYI_PARSE_SLOTS") or max(1, (os.cpu_count() or 2) // 2))
PARSE_QUEUE_SECONDS = 20

# Text: a report, a corpus text or a pasted text, however it came.
MAX_TEXT_CHARS = 200_000
# Zip containers (.xlsx, .docx, .zip of .lrmx files).
MAX_ZIP_MEMBERS = 2_000
MAX_UNZIPPED = 200 * MB  # all members together, as declared
MAX_MEMBER = 50 * MB  # one member, as declared
MAX_RATIO = 200  # declared size over compressed size of one member (a deflate bomb reaches 1,000)
# 任免审批表 (.lrmx): one XML per cadre with its photo in base64, some 20–300 KB. A batch comes as a
# zip (check_zip: MAX_ZIP_MEMBERS files, MAX_UNZIPPED in all, so 1,000 files with photos fit) or as
# files picked one by one (at most UPLOAD_MAX_FILES a request; more are to be zipped).
LRMX_MAX_FILE_BYTES = 5 * MB  # one .lrmx, as declared in the zip (a 2 MB photo is 2.7 MB in base64)
# Files in one web request (Django's DATA_UPLOAD_MAX_NUMBER_FILES is set from it).
UPLOAD_MAX_FILES = 1_000
# PDF
MAX_PDF_PAGES = 500
# Images (appraisee photos): pixels decoded, as declared in the header.
MAX_IMAGE_PIXELS = 40_000_000  # 8,000 × 5,000


class LimitError(ValueError):
    """A file over a limit; str(e) is a Chinese sentence that names the limit."""


def mb(size: int) -> str:
    return f"{math.ceil(size * 10 / MB) / 10:g}"


def check_zip(data: bytes, *, what: str = "文件") -> zipfile.ZipFile:
    """The archive, once its declared members are within the limits; raises LimitError otherwise.

    Declared sizes bound what zipfile will ever inflate (it stops at the declared size and fails
    the CRC), so checking them before reading is sound.
    """
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise LimitError(f"{what}不是有效的压缩格式文件，无法读取。") from exc
    if len(infos) > MAX_ZIP_MEMBERS:
        raise LimitError(f"{what}内含 {len(infos)} 个文件，超过上限 {MAX_ZIP_MEMBERS} 个，系统拒绝处理。")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNZIPPED:
        raise LimitError(f"{what}解压后共 {mb(total)} MB，超过上限 {mb(MAX_UNZIPPED)} MB，系统拒绝处理。")
    for info in infos:
        if info.file_size > MAX_MEMBER:
            raise LimitError(
                f"{what}中的「{info.filename}」解压后 {mb(info.file_size)} MB，超过单个部件上限 {mb(MAX_MEMBER)} MB，系统拒绝处理。"
            )
        if info.file_size > 1 * MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise LimitError(
                f"{what}中的「{info.filename}」压缩比异常（解压后是压缩时的 {info.file_size // max(info.compress_size, 1)} 倍），"
                "可能是“压缩炸弹”，系统拒绝处理。"
            )
    return archive


def check_text_length(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise LimitError(
            f"文字过长（约 {len(text) / 10000:.1f} 万字），上限为 {MAX_TEXT_CHARS // 10000} 万字。"
        )
