from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.backends.signals import connection_created


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from .sqlite import install_unicode_functions

        connection_created.connect(install_unicode_functions, dispatch_uid="portal-sqlite-unicode")


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"
