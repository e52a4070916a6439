"""The JSON API (/api/v1/…, OpenAPI at /api/docs): session auth for the browser, tokens for scripts."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from pingyi.accounts.actions import touch_token
from pingyi.accounts.models import ApiToken
from pingyi.dupcheck.api import router as dupcheck_router
from pingyi.org.api import router as org_router
from pingyi.stats.api import router as stats_router


class TokenAuth(HttpBearer):
    openapi_description = "在「我的账号」页面创建的 API 令牌：Authorization: Bearer pyt_…"

    def authenticate(self, request, token):
        api_token = ApiToken.objects.lookup(token)
        if api_token is None:
            return None
        touch_token(api_token)
        request.user = api_token.user
        return api_token.user


api = NinjaAPI(
    title="Pingyi 评议 API",
    version="1",
    description="单位、干部、队伍结构统计和报告查重接口。权限与网页一致：只返回当前用户可查看范围内的数据。",
    docs_url="/docs",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
)
api.add_router("/v1/", org_router)
api.add_router("/v1/", stats_router)
api.add_router("/v1/", dupcheck_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    # The access helpers word their 404s in Chinese ("单位不存在或不在您的查看范围内"); ninja's own
    # handler would answer "Not Found" outside DEBUG.
    return api.create_response(request, {"detail": str(exc) or "未找到"}, status=404)
