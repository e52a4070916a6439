import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.dupcheck import engine
from pingyi.dupcheck.display import CLASS_LABELS, FIGURES_NOTE, percent
from pingyi.dupcheck.extract import ExtractError, extract_text
from pingyi.dupcheck.management.files import files_in, read_bytes
from pingyi.dupcheck.store import DatabaseStore


def read(path: Path) -> str:
    data = read_bytes(path)
    try:
        return extract_text(path.name, data)
    except ExtractError as exc:
        raise CommandError(f"{path}：{exc}") from None


def expand(paths: list[Path], leave_out: Path) -> list[Path]:
    """Files named and the readable files in the folders named, FILE itself left out."""
    found = []
    for path in paths:
        if path.is_dir():
            found += files_in(path)
        elif path.is_file():
            found.append(path)
        else:
            raise CommandError(f"找不到 {path}")
    return [p for p in dict.fromkeys(found) if p.resolve() != leave_out.resolve()]


class Command(BaseCommand):
    help = (
        "查重（docs/spec/dupcheck.md）：检测 FILE 与 --against 指定的文件或文件夹，未指定时与全部已入库文档比对。"
        "不保存任何内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=".txt、.docx 或 .html 文件")
        parser.add_argument(
            "--against",
            nargs="+",
            action="extend",
            type=Path,
            metavar="PATH",
            help="比对的文件或文件夹（可多个）",
        )
        parser.add_argument("--json", action="store_true", help="输出 JSON（格式见 docs/spec/dupcheck.md）")

    def handle(self, *args, file: Path, against: list[Path] | None, json: bool, **options):
        text = read(file)
        if against:
            index = engine.MemoryIndex()
            for path in expand(against, file):
                index.add(str(path.resolve()), read(path), name=path.name, author=path.name)
            report = index.check(text)
        else:
            report = engine.check(text, DatabaseStore())
        if json:
            self.stdout.write(_json(report.contract()))
            return
        self.stdout.write(self.summary(report, text))

    def summary(self, report: engine.Report, text: str) -> str:
        single = report.max_single_source
        lines = [
            f"检测字数（不计空白与页面杂项）：{report.chars}",
            f"去除引用复制比：{percent(report.excluding_quotes_ratio)}",
            f"总文字复制比：{percent(report.total_copy_ratio)}",
            FIGURES_NOTE,
            "单篇最大复制比："
            + (f"{percent(single['ratio'])}（{single['source']}）" if single["source"] else percent(0)),
            f"最长连续复制段：{report.longest_run} 字",
            f"页面杂项：{report.boilerplate_chars} 字",
        ]
        if report.passages:
            lines.append(f"相似片段 {len(report.passages)} 处：")
            for p in report.passages:
                excerpt = " ".join(text[p.start : p.end].split())
                excerpt = excerpt[:30] + ("……" if len(excerpt) > 30 else "")
                lines.append(
                    f"  [{CLASS_LABELS[p.cls]}{'·改写' if p.reworded else ''}] 第 {p.start + 1}–{p.end} 字，来自《{p.source}》"
                    f"第 {p.source_start + 1}–{p.source_end} 字：{excerpt}"
                )
        else:
            lines.append("未发现相似片段。")
        return "\n".join(lines)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
