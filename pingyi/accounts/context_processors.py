from django.conf import settings

from .access import can_edit


def organization(request):
    return {"organization_name": settings.ORGANIZATION_NAME}


def role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_edit": can_edit(user), "is_organizer": user.is_organizer}
