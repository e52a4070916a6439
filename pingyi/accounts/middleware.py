"""An account with an initial password (new, or reset by an organizer) may do nothing else until it
has chosen its own: every page redirects to the password change, the API refuses with 403."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED = ("password_change", "logout", "login")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            path = request.path_info
            if path.startswith("/static/") or path in {reverse(name) for name in ALLOWED}:
                return self.get_response(request)
            if path.startswith("/api/"):
                return JsonResponse({"detail": "请先在网页上修改初始密码，再使用接口"}, status=403)
            return redirect("password_change")
        return self.get_response(request)
