import datetime as dt
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pingyi.audit.actions import record
from pingyi.audit.models import Action

from .models import ApiToken, LoginFailure


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_key(username: str) -> str:
    """The name failures are counted under: as the login form reads it (NFKC, so `ｌeader` and
    `𝐥eader` are `leader`), and without case, so no spelling of one account escapes its count."""
    name = unicodedata.normalize("NFKC", username.strip()[:150]).strip()
    return name.casefold()[:150]


def login_locked(username: str, ip: str | None) -> bool:
    """Too many recent failures for this name, or (four times as many) from this address."""
    recent = LoginFailure.objects.recent(_window_start())
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username=login_key(username)).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= 4 * limit


def do_login_failed(request, username: str, ip: str | None):
    LoginFailure.objects.create(username=login_key(username), ip=ip)
    record(Action.LOGIN_FAILED, request=request, target=username, summary="用户名或密码错误")


def do_login_succeeded(request, user):
    # Clears the count for the name, so a typo before success does not add up.
    LoginFailure.objects.filter(Q(username=login_key(user.get_username()))).delete()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    record(Action.LOGIN, request=request, user=user)


def do_create_token(user, name: str, request=None) -> tuple[ApiToken, str]:
    plain = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(plain), hint=plain[:10])
        record(Action.TOKEN_CREATE, request=request, user=user, target=name, summary=token.hint + "…")
    return token, plain


def do_revoke_token(token: ApiToken, user, request=None):
    with transaction.atomic():
        record(Action.TOKEN_REVOKE, request=request, user=user, target=token.name, summary=token.hint + "…")
        token.delete()


def touch_token(token: ApiToken):
    """Record use at most once a minute, so scripts do not write on every call."""
    now = timezone.now()
    if not token.last_used_at or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
