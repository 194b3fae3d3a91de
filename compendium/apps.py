from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompendiumConfig(AppConfig):
    """The yearly collection of the cities' reports (PDF and DOCX) and printable single reports."""

    name = "compendium"
    verbose_name = _("Сборники отчётов")
