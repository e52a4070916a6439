from django.urls import path

from . import views

urlpatterns = [
    path("dupcheck/", views.home, name="dupcheck"),
    path("dupcheck/refresh/", views.refresh, name="dupcheck_refresh"),
    path("dupcheck/results/<int:pk>/", views.result, name="dupcheck_result"),
    path("dupcheck/results/<int:pk>/docx/", views.result_docx, name="dupcheck_result_docx"),
    path("dupcheck/results/<int:pk>/passage/<int:n>/", views.passage, name="dupcheck_passage"),
    path("dupcheck/corpus/", views.corpus, name="dupcheck_corpus"),
    path("dupcheck/documents/<int:pk>/", views.document, name="dupcheck_document"),
    path("dupcheck/corpus/<int:pk>/remove/", views.corpus_remove, name="dupcheck_corpus_remove"),
]
