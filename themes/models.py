"""Themes of municipal public engagement («ТОС», «молодёжь», …): a curated list the Association's
editors keep. Report items carry them (ReportItem.themes): suggested from the item's text by the
theme's keyword rules until a moderator confirms or corrects them (ReportItem.themes_confirmed)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Theme(models.Model):
    name = models.CharField(_("название"), max_length=200, unique=True)
    slug = models.SlugField(
        _("адрес на сайте"),
        max_length=100,
        unique=True,
        help_text=_("Латиницей, для ссылок: например «tos». Старый адрес после изменения продолжит работать."),
    )
    description = models.TextField(
        _("описание"), blank=True, help_text=_("Что относится к теме — для читателей сайта.")
    )
    keywords = models.TextField(
        _("правила подбора"),
        blank=True,
        help_text=_(
            "По одному правилу в строке: слово или словосочетание в любой форме («общественный совет» найдёт "
            "«общественных советов»); звёздочка в конце — любое окончание («волонтёр*»)."
        ),
    )
    position = models.PositiveIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("тема")
        verbose_name_plural = _("темы")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ThemeAlias(models.Model):
    """A former address of a theme (renamed, or merged into another): the old links redirect."""

    slug = models.SlugField(_("прежний адрес"), max_length=100, unique=True)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("тема"))

    class Meta:
        verbose_name = _("прежний адрес темы")
        verbose_name_plural = _("прежние адреса тем")

    def __str__(self):
        return f"{self.slug} → {self.theme.slug}"
