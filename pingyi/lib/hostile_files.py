"""Hostile files, made in code for the tests and benches that attack the upload doors (no binary
is committed): compressed bombs, deep nesting, images that declare billions of pixels."""

import io
import struct
import zipfile
import zlib


def docx_bomb(megabytes: int = 95) -> bytes:
    """A small .docx whose word/document.xml inflates to `megabytes` MB of one repeated letter."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            entry.write(b"<w:document><w:body><w:p><w:r><w:t>")
            for _ in range(megabytes):
                entry.write(b"a" * (1024 * 1024))
            entry.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def workbook_with_strings(strings: bytes) -> bytes:
    """A minimal .xlsx archive around the given xl/sharedStrings.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        archive.writestr(
            "xl/workbook.xml", '<workbook><sheets><sheet name="干部名册" sheetId="1"/></sheets></workbook>'
        )
        with archive.open("xl/sharedStrings.xml", "w") as entry:
            entry.write(strings)
    return out.getvalue()


def strings_bomb(count: int = 1_400_000) -> bytes:
    """A workbook declaring `count` shared strings, well under 1 MB compressed."""
    return workbook_with_strings(f'<sst count="{count}">'.encode() + b"<si><t>x</t></si>" * count + b"</sst>")


def nested_html(depth: int = 1000, text: str = "述职报告正文") -> bytes:
    return ("<html><body>" + "<div>" * depth + text + "</div>" * depth + "</body></html>").encode()


def declared_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height pixels (its data would never decode)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
