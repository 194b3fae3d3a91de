"""Signing in and getting back in: password reset by e-mail and the lockout page.

Password reset says the same thing whether or not an account has the address typed
in: Django's view redirects to the same page either way, and (since Django 4.2) a
failing mail server for a real account is logged, not shown, so the answer cannot
tell the two apart (tested in tests/accounts/test_login_protection.py). Setting a new password
through the link also clears the account's failed logins (accounts/throttle.py).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from . import password_reset, throttle


class AdminLookMixin:
    """Django's admin registration templates, with the portal's header and title."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(admin.site.each_context(self.request))
        # Whoever asks is not signed in: no back-office menu («У вас недостаточно полномочий…»).
        context["is_nav_sidebar_enabled"] = False
        return context


class PasswordResetView(AdminLookMixin, auth_views.PasswordResetView):
    success_url = reverse_lazy("password_reset_done")
    # The portal's own letter, in Russian, named after the portal rather than a bare host name.
    subject_template_name = "registration/portal_password_reset_subject.txt"
    email_template_name = "registration/portal_password_reset_email.txt"

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
        throttle.forget(form.user.get_username())  # proving access to the mailbox is enough
        return response


class PasswordResetCompleteView(AdminLookMixin, auth_views.PasswordResetCompleteView):
    pass


def lockout_response(request, wait):
    """The "wait before trying again" page (429): how long, why, and what to do meanwhile."""
    context = admin.site.each_context(request)
    context.update(
        {
            "title": _("Вход временно заблокирован"),
            "is_nav_sidebar_enabled": False,
            "failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT
            if wait.whole_address
            else settings.LOGIN_FAILURE_LIMIT,
            "whole_address": wait.whole_address,
            "wait_minutes": wait.minutes,
        }
    )
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(max(1, int((wait.until - timezone.now()).total_seconds())))
    return response
