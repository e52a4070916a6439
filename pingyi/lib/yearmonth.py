"""Year-months as cadre records write them: `1968.07`.

Stored as a `date` on the first of the month so the database can compare and
extract years and months; shown and exported as `YYYY.MM`.
"""

import datetime as dt
import functools
import re

_PATTERNS = [
    re.compile(r"^(\d{4})\s*[.．]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*[-－/]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
]


class YearMonthError(ValueError):
    """str(e) is a Chinese reason fit to show next to the field."""


def parse(value: object) -> dt.date:
    """Accepts `YYYY.MM`, `YYYY-MM`, `YYYY年MM月` and Excel date cells."""
    if isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, float):
        # Excel turns a typed 1968.10 into the number 1968.1: its month is lost.
        raise YearMonthError(f"{value} 被 Excel 当作数字，月份可能丢失；请将该列设为文本格式后填写 YYYY.MM")
    return _parse_text(str(value).strip())


# An import reads a few hundred distinct months tens of thousands of times; one date object per
# month also lets pickle send each month once when a file read in a child process comes back.
@functools.lru_cache(maxsize=8192)
def _parse_text(text: str) -> dt.date:
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise YearMonthError(f"{text} 不是有效的年月（月份应为 01–12）")
            if not 1900 <= year <= 2100:
                raise YearMonthError(f"{text} 不是有效的年月（年份超出范围）")
            return dt.date(year, month, 1)
    raise YearMonthError(f"{text} 不是有效的年月，应写作 YYYY.MM，例如 1968.07")


_AGE = re.compile(r"[（(]\s*\d{1,3}\s*岁\s*[）)]")
_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_lenient(value: object) -> dt.date:
    """`parse`, and also what other systems' exports write: `197001`, `19700115` (信息提取表,
    任免审批表) and a number cell whose month is still certain (1970.01, 1970.12; not 1970.1,
    which may have been 1970.10)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float):
        hundredths = round(value * 100)
        if abs(value * 100 - hundredths) < 1e-6 and hundredths % 10:
            value = f"{hundredths // 100}.{hundredths % 100:02d}"
    if isinstance(value, str):
        return _parse_lenient_text(value)
    return parse(value)


@functools.lru_cache(maxsize=8192)
def _parse_lenient_text(value: str) -> dt.date:
    # 干部名册 print the age under the birth month: `1970.01\n（56岁）`.
    value = _AGE.sub("", value).strip()
    if match := _DIGITS.match(value):
        year, month, day = int(match[1]), int(match[2]), match[3]
        if not 1 <= month <= 12:
            raise YearMonthError(f"{value} 不是有效的年月（月份应为 01–12）")
        if day is not None:
            try:
                dt.date(year, month, int(day))
            except ValueError as exc:
                raise YearMonthError(f"{value} 不是有效的日期") from exc
        value = f"{year}.{month:02d}"
    return parse(value)


def fmt(value: dt.date | None) -> str:
    return f"{value.year:04d}.{value.month:02d}" if value else ""


def month_start(value: dt.date) -> dt.date:
    return dt.date(value.year, value.month, 1)


def add_months(value: dt.date, months: int) -> dt.date:
    """The first of the month `months` after value's, kept within the calendar Python can hold, so
    that a reference date of year 42 (the API takes any date) counts nobody instead of failing."""
    index = value.year * 12 + value.month - 1 + months
    index = min(max(index, 12 * dt.MINYEAR), 12 * dt.MAXYEAR + 11)
    return dt.date(index // 12, index % 12 + 1, 1)


def birth_bounds(ref: dt.date, min_age: int | None, max_age: int | None):
    """(earliest, latest) birth months of those aged min_age..max_age at ref's month."""
    month = month_start(ref)
    latest = add_months(month, -12 * min_age) if min_age is not None else None
    earliest = add_months(month, -12 * (max_age + 1) + 1) if max_age is not None else None
    return earliest, latest
