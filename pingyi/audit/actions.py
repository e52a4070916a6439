from .models import AuditEvent


def client_ip(request) -> str | None:
    # Behind nginx the real address is in X-Real-IP (see docs/deploy); never trust
    # X-Forwarded-For's first hop blindly.
    if request is None:
        return None
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None


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
