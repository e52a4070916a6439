from django.core.paginator import Paginator
from django.shortcuts import render

from pingyi.accounts.access import organizer_required

from .models import ACTION_LABELS, AuditEvent


@organizer_required
def event_list(request):
    action = request.GET.get("action", "")
    if action not in ACTION_LABELS:
        action = ""
    events = AuditEvent.objects.for_action(action)
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(actor_name__icontains=query) | events.filter(target__icontains=query)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {"page": page, "actions": sorted(ACTION_LABELS.items()), "action": action, "q": query},
    )
