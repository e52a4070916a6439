"""The one place that decides what a user may see.

Views and the API load every object through these helpers, so an object out of
the user's scope answers 404, exactly as if it did not exist.
"""

from functools import wraps

from django.http import Http404

from pingyi.lib.errors import RoleCannot
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


def sees_whole_city(user) -> bool:
    """Organizers and city leaders: what concerns no single unit (evaluator groups, turnout)."""
    return user.is_authenticated and _city_wide(user)


def scoped(user, queryset, path_field: str):
    """`queryset` limited to what hangs below the user's unit; `path_field` leads to a Unit.path."""
    if _sees_nothing(user):
        return queryset.none()
    root = scope_unit(user)
    return queryset if root is None else queryset.filter(**{f"{path_field}__startswith": root.path})


def get_scoped_or_404(user, queryset, pk, path_field: str, what: str = "内容"):
    try:
        return scoped(user, queryset, path_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"{what}不存在或不在您的查看范围内") from None


def visible_units(user):
    return scoped(user, Unit.objects.all(), "path")


def visible_cadres(user):
    return scoped(user, Cadre.objects.all(), "unit__path")


def get_unit_or_404(user, pk) -> Unit:
    return get_scoped_or_404(user, Unit.objects.select_related("parent"), pk, "path", "单位")


def get_cadre_or_404(user, pk) -> Cadre:
    return get_scoped_or_404(
        user, Cadre.objects.select_related("unit", "unit__parent"), pk, "unit__path", "干部"
    )


def can_edit(user) -> bool:
    """City leaders read; everybody else edits within their scope."""
    return user.is_authenticated and user.can_edit and not _sees_nothing(user)


def require_edit(user):
    if not can_edit(user):
        raise RoleCannot("您的角色只能查看，不能修改")


def require_organizer(user):
    if not user.is_organizer:
        raise RoleCannot("仅组织部管理员可以访问")


def organizer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require_organizer(request.user)
        return view(request, *args, **kwargs)

    return wrapper
