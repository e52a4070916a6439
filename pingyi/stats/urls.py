from django.urls import path

from . import exports, views

urlpatterns = [
    path("stats/", views.analysis, name="stats"),
    path("stats/export.docx", exports.word, name="stats_docx"),
    path("stats/export.xlsx", exports.excel, name="stats_xlsx"),
]
