"""The error cells of an .xls (BIFF8) workbook, which python-calamine reads as empty.

calamine gives a formula's last calculated value (what Excel shows and prints), but an error
(#N/A, #DIV/0!, …), typed or the result of a formula, comes back as an empty string: a
required cell would be reported as 必填 and an optional one silently lost. This module finds
those cells by walking the workbook's records: a compound file (OLE/CFB) holds the `Workbook`
stream, whose BOUNDSHEET records name each sheet and where its records start; BOOLERR and
FORMULA records carry the error codes. Reading is bounded by the file's own size (every
sector chain is cut at the number of sectors), so a hostile file cannot loop it.
Kept free of Django.
"""

from __future__ import annotations

import struct

ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
          0x2A: "#N/A", 0x2B: "#GETTING_DATA"}  # fmt: skip
_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_BOF, _EOF, _BOUNDSHEET, _FORMULA, _BOOLERR = 0x0809, 0x000A, 0x0085, 0x0006, 0x0205


class NotBiff(ValueError):
    """The file is not a compound file with a BIFF8 `Workbook` stream."""


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    sectors = []
    while start not in (_END, _FREE) and start < len(fat):
        sectors.append(start)
        if len(sectors) > limit:
            raise NotBiff("sector chain loops")
        start = fat[start]
    return sectors


def _workbook_stream(data: bytes) -> bytes:
    if len(data) < 512 or not data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise NotBiff("not a compound file")
    size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    first_dir, cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
        "<I4xIIIII", data, 0x30
    )
    if size not in (512, 4096):
        raise NotBiff("sector size")
    count = (len(data) - size) // size

    def sector(n: int) -> bytes:
        if n >= count:
            raise NotBiff("sector out of range")
        return data[size + n * size : size + (n + 1) * size]

    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s != _FREE]
    difat = first_difat
    for _ in range(min(n_difat, count)):
        if difat in (_END, _FREE):
            break
        entries = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors += [s for s in entries[:-1] if s != _FREE]
        difat = entries[-1]
    fat: list[int] = []
    for s in fat_sectors[:count]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(s)))

    def read(start: int) -> bytes:
        return b"".join(sector(s) for s in _chain(fat, start, count))

    directory = read(first_dir)
    entries = {}
    root = None
    for offset in range(0, len(directory) - 127, 128):
        length, kind = struct.unpack_from("<HB", directory, offset + 0x40)
        name = directory[offset : offset + max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<II", directory, offset + 0x74)
        if kind == 5:
            root = (start, stream_size)
        elif kind == 2:
            entries[name] = (start, stream_size)
    found = entries.get("Workbook") or entries.get("Book")
    if found is None:
        raise NotBiff("no Workbook stream")
    start, stream_size = found
    if stream_size >= cutoff:
        return read(start)[:stream_size]
    # A small stream lives in the mini stream, its sectors chained by the mini FAT.
    if root is None:
        raise NotBiff("no root entry")
    minifat: list[int] = []
    for s in _chain(fat, first_minifat, min(n_minifat, count)):
        minifat.extend(struct.unpack(f"<{size // 4}I", sector(s)))
    container = read(root[0])
    chain = _chain(minifat, start, len(container) // mini_size)
    return b"".join(container[s * mini_size : (s + 1) * mini_size] for s in chain)[:stream_size]


def _records(stream: bytes, offset: int):
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4 : offset + 4 + length]
        offset += 4 + length


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    sheets = []
    for kind, body in _records(stream, 0):
        if kind == _BOUNDSHEET and len(body) >= 8:
            position, _visibility, sheet_type, chars, flags = struct.unpack_from("<IBBBB", body)
            raw = body[8:]
            name = (
                raw[: chars * 2].decode("utf-16-le", "replace")
                if flags & 1
                else raw[:chars].decode("latin-1")
            )
            if sheet_type == 0:
                sheets.append((name, position))
        elif kind == _EOF:
            break
    return sheets


def error_cells(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """sheet name → {(row, col) 0-based: '#N/A'} for each cell holding an error or a formula whose
    result is one. Raises NotBiff for a file this reader cannot walk."""
    stream = _workbook_stream(data)
    result: dict[str, dict[tuple[int, int], str]] = {}
    for name, position in _sheets(stream):
        cells: dict[tuple[int, int], str] = {}
        depth = 0
        for kind, body in _records(stream, position):
            if kind == _BOF:
                depth += 1
            elif kind == _EOF:
                depth -= 1
                if depth <= 0:
                    break
            elif depth == 1 and kind == _BOOLERR and len(body) >= 8:
                row, col, _xf, value, is_error = struct.unpack_from("<HHHBB", body)
                if is_error:
                    cells[(row, col)] = ERRORS.get(value, "#错误")
            elif depth == 1 and kind == _FORMULA and len(body) >= 14:
                row, col = struct.unpack_from("<HH", body)
                result_bytes = body[6:14]
                if result_bytes[6:8] == b"\xff\xff" and result_bytes[0] == 2:
                    cells[(row, col)] = ERRORS.get(result_bytes[2], "#错误")
        if cells:
            result[name] = cells
    return result
