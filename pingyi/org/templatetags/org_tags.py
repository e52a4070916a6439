from django import template

from pingyi.lib import yearmonth

register = template.Library()


@register.filter
def ym(value):
    """A date as the cadre records write it: 1968.07."""
    return yearmonth.fmt(value) if value else ""


@register.filter
def titles(posts):
    return "、".join(p.title for p in posts)


@register.filter
def age_on(cadre, ref):
    return cadre.age_on(ref)
