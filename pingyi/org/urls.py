from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.xlsx", views.cadre_export, name="cadre_export"),
    path("cadres/export.zip", views.cadre_export_lrmx, name="cadre_export_lrmx"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/lrmx/", views.cadre_lrmx, name="cadre_lrmx"),
    path("cadres/<int:pk>/photo/", views.cadre_photo, name="cadre_photo"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("roster/", views.roster_upload, name="roster_upload"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("roster/<int:pk>/", views.roster_preview, name="roster_preview"),
    path("roster/<int:pk>/confirm/", views.roster_confirm, name="roster_confirm"),
    path("roster/<int:pk>/remap/", views.roster_remap, name="roster_remap"),
]
