"""Reading the files the dupcheck commands are given, with the command's Chinese error messages."""

from pathlib import Path

from django.core.management.base import CommandError

from pingyi.dupcheck.extract import EXTENSIONS


def files_in(folder: Path) -> list[Path]:
    """The readable files (.txt, .docx, .html) in a folder and its subfolders, in name order."""
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS)
    if not found:
        raise CommandError(f"文件夹 {folder} 中没有 .txt、.docx 或 .html 文件")
    return found


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from None
