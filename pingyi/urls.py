from django.urls import include, path

from .api import api
from .apidocs import api_docs

urlpatterns = [
    # First: the phone ballot (/v/) is the busiest address during a meeting, and patterns are tried in order.
    path("", include("pingyi.ballots.urls")),
    path("", include("pingyi.accounts.urls")),
    path("", include("pingyi.audit.urls")),
    path("", include("pingyi.org.urls")),
    path("", include("pingyi.stats.urls")),
    path("", include("pingyi.dupcheck.urls")),
    path("", include("pingyi.indicators.urls")),
    path("", include("pingyi.reviews.urls")),
    # Our own reference page in place of Ninja's Swagger UI (see apidocs.py); public, like the schema.
    path("api/docs", api_docs, name="api_docs"),
    path("api/", api.urls),
]

handler403 = "pingyi.lib.errors.forbidden"
handler404 = "pingyi.lib.errors.not_found"
handler400 = "pingyi.lib.errors.bad_request"
handler500 = "pingyi.lib.errors.server_error"
