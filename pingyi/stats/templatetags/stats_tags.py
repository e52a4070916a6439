from django import template

from pingyi.stats.numbers import shown

register = template.Library()


@register.filter
def num(value):
    """A rounded figure as the speech writes it: 45.4, 60 (not 60.0), — when there is none."""
    if isinstance(value, int):
        return str(value)
    return shown(value)
