"""Password reset for the back office (linked from the admin login page as «Забыли пароль?»)."""

from django.contrib import admin
from django.urls import path

from . import auth_views, mfa_views

# The second-factor pages: for signed-in back-office users (admin_view: staff, CSRF, no cache).
second_factor = [
    path("admin/security/", admin.site.admin_view(mfa_views.overview), name="mfa_overview"),
    path("admin/security/setup/", admin.site.admin_view(mfa_views.setup), name="mfa_setup"),
    path("admin/security/verify/", admin.site.admin_view(mfa_views.verify), name="mfa_verify"),
]

urlpatterns = [
    path("admin/password_reset/", auth_views.PasswordResetView.as_view(), name="admin_password_reset"),
    path("admin/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("admin/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    *second_factor,
]
