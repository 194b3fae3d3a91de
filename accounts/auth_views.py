"""Signing in and getting back in: password reset by e-mail and the lockout page.

Password reset says the same thing whether or not an account has the address typed
in: Django's view redirects to the same page either way, and (since Django 4.2) a
failing mail server for a real account is logged, not shown, so the answer cannot
tell the two apart (tested in tests/accounts/test_login_protection.py). Setting a new password through the link also lifts a login
lockout (django-axes) on that account: proving access to the mailbox is enough.
"""

from axes.helpers import get_cool_off, get_failure_limit
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from . import password_reset


class AdminLookMixin:
    """Django's admin registration templates, with the portal's header and title."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        return context


class PasswordResetView(AdminLookMixin, auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        may_ask, may_mail = password_reset.allow(self.request, form.cleaned_data["email"])
        if not may_ask:
            context = {**admin.site.each_context(self.request), "title": _("Слишком много запросов")}
            return render(self.request, "registration/password_reset_limited.html", context, status=429)
        if may_mail:
            # What Django's view passes to form.save(), with the request's host and scheme.
            password_reset.send_later(
                form,
                use_https=self.request.is_secure(),
                token_generator=self.token_generator,
                from_email=self.from_email,
                email_template_name=self.email_template_name,
                subject_template_name=self.subject_template_name,
                request=None,
                html_email_template_name=self.html_email_template_name,
                extra_email_context={**(self.extra_email_context or {})},
                domain_override=self.request.get_host(),
            )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetDoneView(AdminLookMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminLookMixin, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    pass


def lockout_response(request, original_response=None, credentials=None):
    """django-axes AXES_LOCKOUT_CALLABLE: the Russian "too many attempts" page (429)."""
    cool_off = get_cool_off(request)
    context = admin.site.each_context(request)
    context.update(
        {
            "title": _("Вход временно заблокирован"),
            "is_nav_sidebar_enabled": False,
            "failure_limit": get_failure_limit(request, credentials),
            "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        }
    )
    return render(request, "registration/locked_out.html", context, status=429)


def throttled_username(request, credentials=None):
    """The user name django-axes counts failures under (AXES_USERNAME_CALLABLE): the one typed,
    cut to the longest a user name can be. Its store holds 255 characters, and a longer name
    typed at the login form must be a failed login, not a database error; no account has a
    longer name, so no two real accounts share a count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(field) if source else None
    if not isinstance(username, str):
        return username
    return username[: get_user_model()._meta.get_field("username").max_length]
