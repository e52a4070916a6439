"""The organizer's account pages: list, create, edit, disable, reset, bulk creation, import.

Initial passwords exist only in the response that follows their creation: they are kept in the
organizer's session until printed (the 账号通知单 PDF and the workbook) and then cleared.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pingyi.lib.downloads import attachment
from pingyi.lib.xlsx import WorkbookError

from . import actions, credentials, workbook
from .access import organizer_required
from .forms import AccountForm, BulkForm, ImportForm
from .models import Role, User

ISSUED = "issued_accounts"
# Initial passwords stay in the session (the database) only this long, printed or not.
ISSUED_SECONDS = 30 * 60


def _keep_issued(request, issued: list[actions.Issued]):
    request.session[ISSUED] = {
        "at": time.time(),
        "accounts": [{"id": i.user.pk, "password": i.password} for i in issued],
    }


def _issued(request) -> list[actions.Issued]:
    held = request.session.get(ISSUED) or {}
    if not held or time.time() - held.get("at", 0) > ISSUED_SECONDS:
        request.session.pop(ISSUED, None)
        return []
    kept = held["accounts"]
    users = User.objects.select_related("unit", "unit__parent").in_bulk([k["id"] for k in kept])
    return [actions.Issued(users[k["id"]], k["password"]) for k in kept if k["id"] in users]


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@organizer_required
def user_list(request):
    users = User.objects.select_related("unit", "unit__parent").order_by("role", "unit__path", "username")
    role, state, query = (
        request.GET.get("role", ""),
        request.GET.get("state", ""),
        request.GET.get("q", "").strip(),
    )
    if role in Role.values:
        users = users.filter(role=role)
    if state in ("active", "disabled"):
        users = users.filter(is_active=state == "active")
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(unit__name__icontains=query)
        )
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": Paginator(users, 100).get_page(request.GET.get("page")),
            "roles": Role.choices,
            "role": role,
            "state": state,
            "q": query,
            "missing": len(actions.missing_accounts()),
            "issued_waiting": bool(_issued(request)),
        },
    )


@organizer_required
def user_create(request):
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = actions.do_create_user(user=request.user, request=request, **form.cleaned_data)
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            _keep_issued(request, [issued])
            messages.success(request, f"已创建账号 {issued.user.username}，请打印初始密码")
            return redirect("user_issued")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": "新建账号"},
        status=400 if form.errors else 200,
    )


@organizer_required
def user_edit(request, pk):
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    initial = {
        "username": account.username,
        "full_name": account.full_name,
        "role": account.role,
        "unit": account.unit,
    }
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_user(account, user=request.user, request=request, **form.cleaned_data)
        except actions.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"账号 {form.cleaned_data['username']} 已保存")
            return redirect("user_list")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "title": f"修改账号 {account.username}", "account": account},
        status=400 if form.errors else 200,
    )


@require_POST
@organizer_required
def user_reset(request, pk):
    account = get_object_or_404(User, pk=pk)
    issued = actions.do_reset_password(account, user=request.user, request=request)
    _keep_issued(request, [issued])
    messages.success(request, f"已重置 {account.username} 的密码，对方的登录已失效，请打印新的初始密码")
    return redirect("user_issued")


@require_POST
@organizer_required
def user_disable(request, pk):
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_active(account, user=request.user, active=active, request=request)
    except actions.AccountError as exc:
        messages.error(request, str(exc))
        response = user_list(request)
        response.status_code = exc.status
        return response
    messages.success(request, f"已{'启用' if active else '停用'}账号 {account.username}")
    return redirect("user_list")


@organizer_required
def users_bulk(request):
    form = BulkForm(request.POST or request.GET or None)
    pattern = form.data.get("pattern") or actions.DEFAULT_PATTERN
    status, error = 200, ""
    if request.method == "POST":
        try:
            issued = actions.do_create_for_units(user=request.user, pattern=pattern, request=request)
        except actions.AccountError as exc:
            status, error = exc.status, str(exc)
        else:
            if not issued:
                messages.info(request, "每个乡镇（街道）和县（市、区）都已有账号，未创建新账号")
                return redirect("user_list")
            _keep_issued(request, issued)
            messages.success(request, f"已创建 {len(issued)} 个账号，请打印账号通知单")
            return redirect("user_issued")
    try:
        actions.check_pattern(pattern)
        preview = [
            (unit, Role(role).label, actions.username_for(pattern, unit, role))
            for unit, role in actions.missing_accounts()
        ]
    except actions.AccountError as exc:
        status, error, preview = 400, error or str(exc), []
    return render(
        request, "accounts/users_bulk.html", {"form": form, "preview": preview, "error": error}, status=status
    )


@organizer_required
def users_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, found = workbook.read_accounts(upload.read(), filename=upload.name)
            issued = actions.do_import_users(rows, user=request.user, problems=found, request=request)
            _keep_issued(request, issued)
            messages.success(request, f"已从「{upload.name}」导入 {len(issued)} 个账号，请打印账号通知单")
            return redirect("user_issued")
        except WorkbookError as exc:
            form.add_error("file", f"{upload.name}：{exc}")
        except actions.AccountImportError as exc:
            problems = exc.problems
        except actions.AccountError as exc:
            problems = [f"{upload.name}：{exc}"]
    if form.errors or problems:
        status = 400
    return render(request, "accounts/users_import.html", {"form": form, "problems": problems}, status=status)


@organizer_required
def users_template(request):
    return attachment(workbook.template(), "账号导入模板.xlsx")


@organizer_required
def user_issued(request):
    if request.method == "POST":
        request.session.pop(ISSUED, None)
        messages.success(request, "初始密码已从本页清除")
        return redirect("user_list")
    return _no_store(render(request, "accounts/user_issued.html", {"issued": _issued(request)}))


@organizer_required
def user_issued_pdf(request):
    issued = _issued(request)
    if not issued:
        messages.error(request, "没有待打印的初始密码（已清除或已过期），如需请重置密码")
        return redirect("user_list")
    pdf = credentials.slips_pdf(
        issued,
        login_url=request.build_absolute_uri(reverse("login")),
        organization=settings.ORGANIZATION_NAME,
    )
    return _no_store(attachment(pdf, f"账号通知单（{len(issued)}人）.pdf", "application/pdf"))


@organizer_required
def user_issued_xlsx(request):
    issued = _issued(request)
    if not issued:
        messages.error(request, "没有待打印的初始密码（已清除或已过期），如需请重置密码")
        return redirect("user_list")
    return _no_store(attachment(credentials.workbook(issued), f"账号与初始密码（{len(issued)}人）.xlsx"))
