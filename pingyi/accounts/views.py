from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pingyi.audit.actions import client_ip, record
from pingyi.audit.models import Action

from . import actions
from .models import ApiToken


@login_not_required
def login_view(request):
    form = AuthenticationForm(request, data=request.POST or None)
    status, locked = 200, ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        ip = client_ip(request)
        if actions.login_locked(username, ip):
            record(Action.LOGIN_LOCKED, request=request, target=username)
            form = AuthenticationForm(request)
            locked = "登录失败次数过多，账号已暂时锁定，请15分钟后再试。"
            status = 429
        elif form.is_valid():
            user = form.get_user()
            login(request, user)
            actions.do_login_succeeded(request, user)
            target = request.POST.get("next") or request.GET.get("next") or ""
            if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                return redirect(target)
            return redirect("home")
        else:
            actions.do_login_failed(request, username, ip)
            status = 400
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked": locked, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_view(request):
    record(Action.LOGOUT, request=request)
    logout(request)
    return redirect("login")


def account(request):
    return render(
        request,
        "accounts/account.html",
        {"tokens": request.user.api_tokens.all(), "new_key": request.session.pop("new_key", None)},
    )


@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()[:60]
    if not name:
        messages.error(request, "请填写令牌用途，例如「统计脚本」")
        return redirect("account")
    _token, plain = actions.do_create_token(request.user, name, request=request)
    # Shown once on the next page, then gone: only the hash is stored.
    request.session["new_key"] = plain
    return redirect("account")


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    actions.do_revoke_token(token, request.user, request=request)
    messages.success(request, f"已吊销令牌「{token.name}」")
    return redirect("account")
