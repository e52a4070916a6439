from .access import can_edit


def role(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"can_edit": can_edit(user), "is_organizer": user.is_organizer}
