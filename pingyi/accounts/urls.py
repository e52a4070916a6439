from django.urls import path

from . import textsize, users, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("text-size/", textsize.text_size, name="text_size"),
    path("account/tokens/", views.token_create, name="token_create"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("account/password/", views.password_change, name="password_change"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/bulk/", users.users_bulk, name="users_bulk"),
    path("users/import/", users.users_import, name="users_import"),
    path("users/import/template.xlsx", users.users_template, name="users_template"),
    path("users/issued/", users.user_issued, name="user_issued"),
    path("users/issued/slips.pdf", users.user_issued_pdf, name="user_issued_pdf"),
    path("users/issued/accounts.xlsx", users.user_issued_xlsx, name="user_issued_xlsx"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/reset/", users.user_reset, name="user_reset"),
    path("users/<int:pk>/active/", users.user_disable, name="user_disable"),
]
