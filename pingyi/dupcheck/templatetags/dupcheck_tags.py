from django import template

from ..display import percent, side_by_side

register = template.Library()


@register.filter
def dc_percent(value) -> str:
    """A stored ratio (0.4125) as the page shows it (41.25%)."""
    return percent(value)


@register.inclusion_tag("dupcheck/_side_by_side.html")
def dupcheck_side_by_side(result):
    """The side-by-side view of a stored CheckResult, for any page that shows one."""
    return {"sbs": side_by_side(result)}
