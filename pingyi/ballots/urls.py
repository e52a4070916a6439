from django.urls import path

from . import organizer, vote

urlpatterns = [
    path("v/", vote.vote, name="vote"),
    path("reviews/<int:pk>/ballots/", organizer.overview, name="ballots_overview"),
    path("reviews/<int:pk>/ballots/form/", organizer.edit_form, name="ballots_form"),
    path("reviews/<int:pk>/ballots/groups/", organizer.edit_groups, name="ballots_groups"),
    path("reviews/<int:pk>/ballots/turnout/", organizer.turnout, name="ballots_turnout"),
    path("ballot-groups/<int:pk>/issue/", organizer.issue, name="tokens_issue"),
    path("ballot-groups/<int:pk>/void/", organizer.void, name="tokens_void"),
]
