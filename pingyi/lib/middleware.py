"""Site-wide middleware.

A strict Content-Security-Policy: only this server's own scripts, styles and fonts.
No inline script is allowed, so every page passes data to its script through
`json_script` blocks and loads behaviour from files under /static/.
"""

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Every page needs a login; the API authenticates on its own (session or token)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(("/api/", "/static/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
