"""简历 lines → periods of a career.

A 简历 is free text, one period a line: `1994.07--2001.12  某镇党委委员`. Clerks
type it by hand, so the separators vary (`--`, `—`, `-`, `至`, `～`) and the
present post has an open end (`2021.09--`, `2021.09--至今`). A line that cannot
be read is kept and flagged, never dropped, so nothing of the record is lost.
"""

import datetime as dt
import re
from dataclasses import dataclass

from pingyi.lib import yearmonth

OK = "ok"
NOTE = "note"
UNPARSED = "unparsed"

_YM = r"(\d{4})\s*[.．]\s*(\d{1,2})"
_SEP = r"\s*(?:-{1,2}|－{1,2}|—{1,2}|–{1,2}|~|～|〜|至)\s*"
_LINE = re.compile(rf"^{_YM}{_SEP}(?:{_YM}|(?:至今|今|现在)?)\s*(.*)$")
_NOTE = re.compile(r"^[（(].*[)）]$")


@dataclass(frozen=True)
class ResumeLine:
    line_no: int
    raw: str
    status: str
    start: dt.date | None = None
    end: dt.date | None = None  # None with status OK: the post held now
    text: str = ""
    problem: str = ""


def parse_resume(resume: str) -> list[ResumeLine]:
    lines = []
    for number, raw in enumerate((resume or "").splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ")
        if line:
            lines.append(parse_line(number, line))
    return lines


def parse_line(line_no: int, line: str) -> ResumeLine:
    if _NOTE.match(line):
        return ResumeLine(line_no, line, NOTE, text=line[1:-1].strip())
    match = _LINE.match(line)
    if not match:
        return ResumeLine(line_no, line, UNPARSED, problem="无法识别起止年月，应为 YYYY.MM--YYYY.MM")
    y1, m1, y2, m2, text = match.groups()
    try:
        start = yearmonth.parse(f"{y1}.{m1}")
        end = yearmonth.parse(f"{y2}.{m2}") if y2 else None
    except yearmonth.YearMonthError as exc:
        return ResumeLine(line_no, line, UNPARSED, problem=str(exc))
    text = text.strip()
    if not text:
        return ResumeLine(line_no, line, UNPARSED, start, end, problem="缺少单位职务")
    if end and end < start:
        return ResumeLine(line_no, line, UNPARSED, start, end, text, problem="结束年月早于开始年月")
    return ResumeLine(line_no, line, OK, start, end, text)
