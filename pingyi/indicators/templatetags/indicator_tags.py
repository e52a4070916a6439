from decimal import Decimal

from django import template

from pingyi.indicators.analysis import average_decimals
from pingyi.indicators.profile import amount

register = template.Library()


@register.filter
def city_text(column) -> str:
    """A column's city figure as shown everywhere: 52.1张, or —."""
    return amount(column.indicator, column.city, average_decimals(column.indicator))


@register.filter
def amount_of(value, indicator) -> str:
    return amount(indicator, value)


@register.filter
def group_text(value, indicator) -> str:
    return amount(indicator, value, average_decimals(indicator))


@register.filter
def plain(value) -> str:
    """A stored Decimal as typed: 12, 12.5 (not 12.0000); — when missing."""
    if not isinstance(value, Decimal):
        return "—" if value in (None, "") else str(value)
    return f"{value.normalize():f}"
