from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Пользователи и роли")

    def ready(self):
        from .roles import sync_roles_after_migrate
        from .sessions import forget_failures_on_login, log_failed_login

        # As django.contrib.auth makes its permissions: the role groups follow accounts/roles.py
        # after every `migrate` (and after `flush`, which the live-server tests run).
        post_migrate.connect(sync_roles_after_migrate, sender=self)
        # A log line per failed login (hashed user name, address): what an investigation needs.
        user_login_failed.connect(log_failed_login, dispatch_uid="accounts.log_failed_login")
        user_logged_in.connect(forget_failures_on_login, dispatch_uid="accounts.forget_failures_on_login")
