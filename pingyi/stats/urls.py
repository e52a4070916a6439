from django.urls import path

from . import exports, material_views, views

urlpatterns = [
    path("stats/", views.analysis, name="stats"),
    path("stats/export.docx", exports.word, name="stats_docx"),
    path("stats/export.xlsx", exports.excel, name="stats_xlsx"),
    path("stats/speech/<int:pk>/", material_views.material, name="stats_speech"),
    path("stats/speech/<int:pk>/export.docx", material_views.material_docx, name="stats_speech_docx"),
]
