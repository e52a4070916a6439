"""The one place that decides what a user may see.

Views and the API load every object through these helpers, so an object out of
the user's scope answers 404, exactly as if it did not exist.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pingyi.org.models import Cadre, Unit

from .models import Role

CITY_WIDE = {Role.ORGANIZER, Role.CITY_LEADER}


def scope_unit(user) -> Unit | None:
    """The root of what the user sees; None means the whole city."""
    if user.is_superuser or user.role in CITY_WIDE:
        return None
    return user.unit


def _sees_nothing(user) -> bool:
    return not user.is_authenticated or (scope_unit(user) is None and not _city_wide(user))


def _city_wide(user) -> bool:
    return user.is_superuser or user.role in CITY_WIDE


def visible_units(user):
    if _sees_nothing(user):
        return Unit.objects.none()
    root = scope_unit(user)
    return Unit.objects.all() if root is None else Unit.objects.within(root)


def visible_cadres(user):
    if _sees_nothing(user):
        return Cadre.objects.none()
    root = scope_unit(user)
    return Cadre.objects.all() if root is None else Cadre.objects.within(root)


def get_unit_or_404(user, pk) -> Unit:
    try:
        return visible_units(user).select_related("parent").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("单位不存在或不在您的查看范围内") from None


def get_cadre_or_404(user, pk) -> Cadre:
    try:
        return visible_cadres(user).select_related("unit", "unit__parent").get(pk=pk)
    except (Cadre.DoesNotExist, ValueError, TypeError):
        raise Http404("干部不存在或不在您的查看范围内") from None


def can_edit(user) -> bool:
    """City leaders read; everybody else edits within their scope."""
    return user.is_authenticated and user.can_edit and not _sees_nothing(user)


def require_edit(user):
    if not can_edit(user):
        raise PermissionDenied("您的角色只能查看，不能修改")


def organizer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_organizer:
            raise PermissionDenied("仅组织部管理员可以访问")
        return view(request, *args, **kwargs)

    return wrapper
