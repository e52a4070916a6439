"""大字 on the management site: the same choice, in the same cookie, as on the phone ballot.

lib/textsize.py keeps the choice in a cookie that holds only "large", so it survives a reload and
the page is drawn large from its first byte; here a button in the masthead (a POST form, working
without JavaScript) sets or clears it and comes back to the page it was pressed on.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pingyi.lib import textsize


@login_not_required  # the login page offers it too
@require_POST
def text_size(request):
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return textsize.choose(redirect(back), request.POST.get("text") == textsize.LARGE)
