"""Exact arithmetic, rounded once at the output, half up (statistics.md)."""

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


def rounded(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> Decimal | None:
    return rounded(Decimal(part * 100) / Decimal(whole)) if whole else None


def mean(total: int, count: int) -> Decimal | None:
    return rounded(Decimal(total) / Decimal(count)) if count else None


def jsonable(value):
    """Decimals become JSON numbers (the float of their rounded form); the rest recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "unit"}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def shown(value: Decimal | None) -> str:
    """For text: 45.4, 50.0 → "50", None → "—"."""
    if value is None:
        return "—"
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value}"
