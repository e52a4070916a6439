"""A refused form: the page the user came from, with the reason, what was typed, and a 4xx status."""

from django.contrib import messages

from pingyi.lib import kept as kept_forms


def refuse(request, reason, page, pk, status: int | None = None, *, field: str | None = None):
    """Refused: the page the user came from, with the reason, and a 4xx status.

    The error's own status (409 when the round's stage forbids it), or `status` (400 for bad input).
    A role that may not act never gets here: RoleCannot is answered 403 by the one handler.
    """
    messages.error(request, str(reason))
    if field:
        kept_forms.mark(request, field, reason)  # the page keeps what was typed and marks this field
    response = page(request, pk)
    response.status_code = status or getattr(reason, "status", 409)
    return response
