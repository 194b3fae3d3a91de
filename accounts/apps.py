from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Пользователи и роли")

    def ready(self):
        from .roles import sync_roles_after_migrate

        # As django.contrib.auth makes its permissions: the role groups follow accounts/roles.py
        # after every `migrate` (and after `flush`, which the live-server tests run).
        post_migrate.connect(sync_roles_after_migrate, sender=self)
