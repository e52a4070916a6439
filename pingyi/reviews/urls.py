from django.urls import path

from . import documents, meeting, rectification, views

urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/new/", views.review_create, name="review_create"),
    path("reviews/report-template.docx", documents.report_template, name="report_template"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/stage/", views.review_stage, name="review_stage"),
    path("reviews/<int:pk>/appraisees/", views.appraisee_add, name="appraisee_add"),
    path("reviews/<int:pk>/meeting/", meeting.control, name="meeting_control"),
    path("reviews/<int:pk>/meeting/<str:name>/", meeting.command, name="meeting_command"),
    path("reviews/<int:pk>/screen/", meeting.screen, name="meeting_screen"),
    path("reviews/<int:pk>/screen/state.json", meeting.state, name="meeting_state"),
    path("appraisees/", views.my_appraisals, name="my_appraisals"),
    path("appraisees/<int:pk>/", views.appraisee_detail, name="appraisee_detail"),
    path("appraisees/<int:pk>/change/", views.appraisee_change, name="appraisee_change"),
    path("appraisees/<int:pk>/photo/", meeting.photo, name="appraisee_photo"),
    path("appraisees/<int:pk>/settings/", views.appraisee_settings, name="appraisee_settings"),
    path("appraisees/<int:pk>/report/", views.report_submit, name="report_submit"),
    path("appraisees/<int:pk>/remarks/", views.remark_add, name="remark_add"),
    path("appraisees/<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("appraisees/<int:pk>/feedback.docx", documents.feedback_sheet, name="feedback_sheet"),
    path("reports/<int:pk>/", views.report_view, name="report_view"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("problems/<int:pk>/", rectification.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/measure/", rectification.problem_measure, name="problem_measure"),
    path("problems/<int:pk>/progress/", rectification.problem_progress, name="problem_progress"),
    path("problems/<int:pk>/signoff/", rectification.problem_signoff, name="problem_signoff"),
    path("evidence/<int:pk>/", rectification.evidence_download, name="evidence_download"),
    path("rectification/", rectification.dashboard, name="rectification"),
]
