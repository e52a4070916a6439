from django.urls import path

from . import views

urlpatterns = [
    path("indicators/", views.overview, name="indicators"),
    path("indicators/catalogue/", views.catalogue, name="indicator_catalogue"),
    path("indicators/table/<slug:key>/", views.table, name="indicator_table"),
    path("indicators/profile/<int:pk>/", views.profile, name="indicator_profile"),
    path("indicators/profile/<int:pk>/screen/", views.profile_screen, name="indicator_profile_screen"),
    path(
        "indicators/profile/<int:pk>/screen/preview/",
        views.profile_screen_preview,
        name="indicator_profile_screen_preview",
    ),
    path("indicators/entry/", views.entry_list, name="indicator_entry_list"),
    path("indicators/entry/<int:pk>/<int:year>/", views.entry, name="indicator_entry"),
    path("indicators/review/", views.review_list, name="indicator_review_list"),
    path("indicators/review/<int:pk>/<int:year>/", views.review, name="indicator_review"),
    path("indicators/template.xlsx", views.template_xlsx, name="indicator_template"),
    path("indicators/export.xlsx", views.export_xlsx, name="indicator_export"),
    path("indicators/import/", views.import_upload, name="indicator_import"),
    path("indicators/import/<int:pk>/", views.import_preview, name="indicator_import_preview"),
    path("indicators/import/<int:pk>/confirm/", views.import_confirm, name="indicator_import_confirm"),
]
