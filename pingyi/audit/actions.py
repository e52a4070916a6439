import ipaddress

from django.conf import settings

from .models import AuditEvent


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: nginx's X-Real-IP only when the deployment says it is behind nginx
    (PINGYI_BEHIND_PROXY), since anyone can send that header to a server that is not."""
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded = _address(request.META.get("HTTP_X_REAL_IP"))
        if forwarded:
            return forwarded
    return _address(request.META.get("REMOTE_ADDR"))


def record(action, *, request=None, user=None, target="", summary="", detail=None) -> AuditEvent:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return AuditEvent.objects.create(
        actor=user,
        actor_name=(user.get_username() if user else ""),
        action=action,
        target=str(target)[:200],
        summary=summary[:500],
        ip=client_ip(request),
        detail=detail or {},
    )
