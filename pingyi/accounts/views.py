from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pingyi.audit.actions import client_ip, record
from pingyi.audit.models import Action

from . import actions
from .forms import PasswordChangeForm
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
            login(request, user)  # a new session key: nothing from before the login carries over
            actions.do_login_succeeded(request, user)
            if user.must_change_password:
                return redirect("password_change")  # which says why
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


def password_change(request):
    """Change one's own password: the old one, then a new one the validators accept. Every other
    session of the account ends (their session hash no longer matches); this one gets a new key."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_change_password(
                request.user,
                user=request.user,
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except actions.AccountError as exc:
            form.add_error("new_password1", str(exc).split("：", 1)[-1])
        else:
            update_session_auth_hash(request, user)  # cycles the session key
            messages.success(request, "密码已修改，其他设备上的登录已失效")
            return redirect("account")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
        status=400 if form.errors else 200,
    )
