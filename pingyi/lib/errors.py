"""Error pages in Chinese, in the site's own layout, and the errors that carry their status."""

from django.core.exceptions import PermissionDenied, TooManyFilesSent
from django.shortcuts import render

from . import limits


class DomainError(Exception):
    """A change refused by a rule of the domain; str(e) is a Chinese sentence for the user and
    `status` the HTTP answer: 409 when the state of things forbids it (a stage, a sign-off)."""

    status = 409


class RoleCannot(DomainError, PermissionDenied):
    """The user's role may not do this (a city leader editing, a clerk organizing): 403.

    A PermissionDenied, so wherever it is raised and not caught, the one 403 handler answers:
    `handler403` for pages, the API's PermissionDenied handler for /api/."""

    status = 403


def _page(request, status, title, reason):
    return render(request, "error.html", {"status": status, "title": title, "reason": reason}, status=status)


def forbidden(request, exception=None):
    return _page(request, 403, "无权访问", str(exception or "") or "您的角色不能进行此操作。")


def not_found(request, exception=None):
    return _page(request, 404, "页面不存在", "您访问的内容不存在，或不在您的查看范围内。")


def not_yet(request, title, reason):
    """404 for a thing of this object that does not exist yet (the feedback sheet before the results):
    the user may see the object, so the page says why rather than "not in your scope"."""
    return _page(request, 404, title, reason)


def bad_request(request, exception=None):
    if isinstance(exception, TooManyFilesSent):
        # Django refuses the request before any view runs (DATA_UPLOAD_MAX_NUMBER_FILES).
        return _page(
            request,
            400,
            "文件数过多",
            f"一次最多上传 {limits.UPLOAD_MAX_FILES} 个文件。请将任免审批表（.lrmx）文件打包成一个 zip 压缩包"
            f"（每个压缩包不超过 {limits.MAX_ZIP_MEMBERS} 个文件）后上传。",
        )
    return _page(request, 400, "请求有误", "提交的内容无法处理，请返回后重试。")


def server_error(request):
    # No context processors may fail here: render the bare template.
    return render(
        request,
        "error.html",
        {"status": 500, "title": "系统错误", "reason": "请稍后重试，或联系管理员。"},
        status=500,
    )
