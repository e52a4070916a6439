"""The JSON API (/api/v1/…, OpenAPI at /api/openapi.json, read at /api/docs): session auth for the
browser, tokens for scripts."""

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from pingyi.accounts.actions import touch_token
from pingyi.accounts.api import router as accounts_router
from pingyi.accounts.models import ApiToken
from pingyi.dupcheck.api import router as dupcheck_router
from pingyi.lib.errors import DomainError
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


ERROR_ANSWERS = {
    "400": "请求无法处理（原因见 detail）",
    "401": "未登录，或 API 令牌无效、已撤销",
    "403": "没有权限",
    "404": "未找到，或不在您的查看范围内",
    "422": "请求参数有误（每一项的原因见 detail，整句见 message）",
}


class PingyiAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Every operation may answer these errors, in these shapes: the schema says so."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
        components["InvalidRequest"] = {
            "type": "object",
            "properties": {
                "detail": {"type": "array", "items": {"type": "object"}},
                "message": {"type": "string"},
            },
            "required": ["detail", "message"],
        }
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_ANSWERS.items():
                    responses.setdefault(
                        code, _answer(description, "InvalidRequest" if code == "422" else "Error")
                    )
        return schema


def _answer(description: str, shape: str) -> dict:
    body = {"schema": {"$ref": f"#/components/schemas/{shape}"}}
    return {"description": description, "content": {"application/json": body}}


api = PingyiAPI(
    title="Pingyi 评议 API",
    version="1",
    description="单位、干部、队伍结构统计和报告查重接口。权限与网页一致：只返回当前用户可查看范围内的数据。",
    docs_url=None,  # /api/docs is our own page (pingyi/apidocs.py), not Ninja's Swagger UI
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
)
api.add_router("/v1/", org_router)
api.add_router("/v1/", stats_router)
api.add_router("/v1/", dupcheck_router)
api.add_router("/v1/", accounts_router)


@api.exception_handler(Http404)
def not_found(request, exc):
    # The access helpers word their 404s in Chinese ("单位不存在或不在您的查看范围内"); ninja's own
    # handler would answer "Not Found" outside DEBUG.
    return api.create_response(request, {"detail": str(exc) or "未找到"}, status=404)


@api.exception_handler(DomainError)
def refused(request, exc):
    # A change refused by a rule (accounts.AccountError 400 …; RoleCannot 403), as the pages say it.
    return api.create_response(request, {"detail": str(exc)}, status=exc.status)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    # The access helpers (require_organizer, require_edit) serve the API as they serve the pages.
    return api.create_response(request, {"detail": str(exc) or "没有权限"}, status=403)


# Pydantic's reasons, in the words of the pages' own form errors.
REASONS = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期，如 2026-01-31",
    "date_from_datetime_parsing": "应为日期，如 2026-01-31",
    "date_type": "应为日期，如 2026-01-31",
    "dict_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "string_too_short": "不能为空",
    "literal_error": "取值无效",
    "string_pattern_mismatch": "没有可检测的文字",
}
# Reasons that name the bound they broke, from pydantic's context.
BOUNDED = {
    "greater_than_equal": ("ge", "应不小于 {}"),
    "less_than_equal": ("le", "应不大于 {}"),
    "literal_error": ("expected", "取值应为 {}"),
    "string_too_long": ("max_length", "不能超过 {} 个字符"),
}
PLACES = {"query": "查询参数 ", "path": "网址中的 ", "body": "请求正文中的 "}


@api.exception_handler(ValidationError)
def invalid(request, exc):
    """422 as ninja answers it, each error with a Chinese `msg`, and one sentence naming them all."""
    errors, said = [], []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        place = loc[0] if loc else ""
        # A body's second element is the view's argument name, which means nothing to the caller.
        field = ".".join(loc[2:] if place == "body" and len(loc) > 2 else loc[1:])
        reason = REASONS.get(error.get("type"), "值无效")
        if error.get("type") in BOUNDED:
            key, wording = BOUNDED[error["type"]]
            reason = wording.format((error.get("ctx") or {}).get(key, ""))
        errors.append({"loc": error.get("loc"), "field": field, "type": error.get("type"), "msg": reason})
        said.append(f"{PLACES.get(place, '')}{field}：{reason}" if field else reason)
    return api.create_response(
        request, {"detail": errors, "message": "请求有误：" + "；".join(said)}, status=422
    )


@api.exception_handler(DataError)
def out_of_range(request, exc):
    # A number the database cannot hold (an id of 20 digits): the request is wrong, not the server.
    return api.create_response(request, {"detail": "请求中的数值超出范围"}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = str(exc)
    if exc.status_code == 401:
        message = "未登录，或 API 令牌无效、已撤销"
    elif message.startswith("Cannot parse request body"):
        message = "请求正文不是有效的 JSON"
    elif message == "CSRF check Failed":
        message = "缺少 CSRF 令牌：网页中请求时须附带 X-CSRFToken 请求头，脚本请改用 API 令牌"
    return api.create_response(request, {"detail": message}, status=exc.status_code)
