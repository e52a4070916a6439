"""`recount FILE.json [--json]`: the tally of a published audit record, without the database."""

import json
import unicodedata
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pingyi.ballots.count.record import AuditRecord, RecordError, loads
from pingyi.ballots.count.tally import TallyResult, tally


class Command(BaseCommand):
    help = "按审计记录重新计票（规则见 docs/spec/scoring.md）：默认输出排名表，--json 输出与公布结果相同格式的 JSON。"
    # A recount must work on any machine holding the file: no checks that could reach the database.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="审计记录 JSON 文件（export_ballots 导出）")
        parser.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, file: str, json: bool, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"找不到文件「{file}」") from None
        except OSError as e:
            raise CommandError(f"无法读取文件「{file}」：{e.strerror}") from None
        try:
            record = loads(data)
        except RecordError as e:
            raise CommandError(f"审计记录「{path.name}」有误：{e}") from None
        result = tally(record)
        if json:
            self.stdout.write(_dumps(result.to_json()))
        else:
            self.stdout.write(table(record, result))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def table(record: AuditRecord, result: TallyResult) -> str:
    """The ranking as a plain-text table for a terminal (CJK characters count two columns)."""
    names = {a.key: a for a in record.appraisees}
    pointed = [lv.label for lv in record.scale if lv.points is not None]
    head = ["名次", "述职人", "单位", "职务", "得分", "等次", "有效票"]
    head += [f"{g.label}平均" for g in record.groups] + [f"{label}率" for label in pointed] + ["备注"]
    rows = []
    for r in result.results:
        who = names[r.appraisee]
        rows.append(
            [
                str(r.rank or "—"),
                who.name,
                who.unit,
                who.title,
                _shown(r.score),
                r.grade or "—",
                str(r.valid_ballots),
            ]
            + [_shown(r.groups[g.key].mean) for g in record.groups]
            + [_percent(r.levels.get(label)) for label in pointed]
            + ["、".join(r.flags)]
        )
    widths = [max(_width(row[i]) for row in [head, *rows]) for i in range(len(head))]
    numeric = {0, 4, 6, *range(7, len(head) - 1)}
    lines = [
        f"第{record.review.number}期 {record.review.title} — 计票结果",
        _summary(result),
        "",
    ]
    for row in [head, *rows]:
        cells = [_pad(cell, widths[i], right=i in numeric and row is not head) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    if result.ballots.invalid:
        if record.receipts is None:
            lines += ["", "无效票（回执码：原因）："]
            lines += [f"  {b.receipt}：{b.reason}" for b in result.ballots.invalid]
        else:
            lines += ["", "无效票（在审计记录 ballots 中的位置，从 0 起：原因）："]
            lines += [f"  第 {b.index} 张：{b.reason}" for b in result.ballots.invalid]
    return "\n".join(lines)


def _summary(result: TallyResult) -> str:
    b = result.ballots
    line = f"选票共 {b.total} 张，有效 {b.valid} 张，无效 {len(b.invalid)} 张"
    if b.invalid:
        line += "（" + "，".join(f"{reason} {n} 张" for reason, n in b.by_reason.items()) + "）"
    return line + "。"


def _shown(value) -> str:
    return "—" if value is None else str(value)


def _percent(share) -> str:
    return "—" if share is None else f"{share * 100:.2f}%"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap
