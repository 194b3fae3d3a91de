from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """What the published reports say across cities: the needs digest, comparisons, statistics."""

    name = "insights"
    verbose_name = _("Обзоры и статистика")
