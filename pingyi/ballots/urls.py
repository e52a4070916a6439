from django.urls import path

from . import organizer, paper, results, vote

urlpatterns = [
    path("v/", vote.vote, name="vote"),
    path("reviews/<int:pk>/ballots/", organizer.overview, name="ballots_overview"),
    path("reviews/<int:pk>/ballots/form/", organizer.edit_form, name="ballots_form"),
    path("reviews/<int:pk>/ballots/groups/", organizer.edit_groups, name="ballots_groups"),
    path("reviews/<int:pk>/ballots/copy/", organizer.copy_setup, name="ballots_copy"),
    path("reviews/<int:pk>/ballots/turnout/", organizer.turnout, name="ballots_turnout"),
    path("reviews/<int:pk>/ballots/paper/", paper.entries, name="paper_entries"),
    path("paper-ballots/<int:pk>/", paper.resolve, name="paper_resolve"),
    path("ballot-groups/<int:pk>/issue/", organizer.issue, name="tokens_issue"),
    path("ballot-groups/<int:pk>/void/", organizer.void, name="tokens_void"),
    path("ballot-groups/<int:pk>/combine/", organizer.combine, name="group_combine"),
]

urlpatterns += [
    path("reviews/<int:pk>/results/", results.results, name="ballot_results"),
    path("reviews/<int:pk>/results.xlsx", results.excel, name="ballot_results_xlsx"),
    path("reviews/<int:pk>/results.docx", results.word, name="ballot_results_docx"),
    path("v/receipts/<int:number>/", results.receipts, name="ballot_receipts"),
    path("v/record/<int:number>.json", results.record_download, name="ballot_record"),
]
