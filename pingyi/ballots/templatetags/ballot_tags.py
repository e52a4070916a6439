from django import template

from pingyi.ballots import textsize

register = template.Library()


@register.simple_tag(takes_context=True)
def large_text(context) -> bool:
    """Whether the evaluator chose 大字 (ballots/textsize.py)."""
    request = context.get("request")
    return bool(request) and textsize.is_large(request)
