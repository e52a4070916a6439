"""Input survives a refusal: the page re-rendered after a refused POST shows the form as it was typed.

A view that refuses re-renders the page the user came from with the same request (reviews.refusal.refuse).
That page builds its forms through `kept`: the form the refused POST was for comes back bound to what was
typed, with the bad field marked; every other form on the page is fresh. File inputs cannot be refilled
by any browser; everything typed beside them is kept.
"""


def posted_to(request, route: str) -> bool:
    """Whether `request` is a POST to the URL named `route` (the one being refused)."""
    match = getattr(request, "resolver_match", None)
    return request.method == "POST" and match is not None and match.url_name == route


def mark(request, field: str, message: str):
    """Say which field a refusal is about, for `kept` to mark it."""
    request.refused_field = (field, str(message))


def kept(request, route: str, form_class, **kwargs):
    """`form_class(**kwargs)`, bound to the POST being refused when it was posted to `route`."""
    if not posted_to(request, route):
        return form_class(**kwargs)
    form = form_class(data=request.POST, **kwargs)
    form.is_valid()  # marks what the form itself finds wrong
    field, message = getattr(request, "refused_field", (None, ""))
    if field is not None and message not in form.errors.get(field, []):
        # A field the form does not declare (a second file input): said above the form.
        form.add_error(field if field in form.fields else None, message)
    return form
