"""What the public sees, kept in the database: the generation of published content and the
stored renderings of published reports and municipalities.

Rows here are written only by reports.publication (in the same transaction as the change
they follow) and by reports.public.renderings (a missing or out-of-date rendering is made
on read). Nothing here is a cache: a rendering is the public form of a report as djangoproject.com's
blog keeps `body_html` beside the source, and the generation says which cached pages are
still true (portal/page_cache.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicGeneration(models.Model):
    """The generation of one *scope* of what the public sees. Its number moves on in the
    transaction of every change to that scope (reports.publication): "all" — anything at all
    (a municipality edited, a restore); "lists" — the pages that list reports (home, lists,
    search, feed, API lists); "city:<slug>" — a city's page and its reports' pages; "year:<Y>" —
    the reports of a year (their pages link same-year neighbours). A cached page is kept under
    the numbers of its scopes and served only while they are current; as database rows, they
    commit or roll back with the change itself and are the same for every process — whether a
    page may be served never depends on a cache. A scope without a row has number 0."""

    scope = models.CharField(_("область"), max_length=220, primary_key=True)
    number = models.BigIntegerField(_("номер"))
    changed_at = models.DateTimeField(_("изменено"))

    class Meta:
        verbose_name = _("поколение опубликованного")
        verbose_name_plural = _("поколения опубликованного")

    def __str__(self):
        return f"{self.scope}: {self.number}"


class RenderingFormat(models.TextChoices):
    HTML = "html", "HTML"
    JSON = "json", "JSON"


class Rendering(models.Model):
    format = models.CharField(_("формат"), max_length=8, choices=RenderingFormat)
    # A code of settings.LANGUAGES; empty for a format that does not depend on the language.
    language = models.CharField(_("язык"), max_length=10, blank=True)
    content = models.TextField(_("содержимое"))
    # Which templates, translations and code made it (reports.public.renderings.stamp): a row
    # whose stamp is not the current one was made by an older release and is made again.
    stamp = models.CharField(_("отметка выпуска"), max_length=40)
    rendered_at = models.DateTimeField(_("когда сделано"))

    class Meta:
        abstract = True


class ReportRendering(Rendering):
    """The public form of one published report: the body of its page in each language, and its
    open-data document (JSON). Deleted when the report leaves the site."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="renderings", verbose_name=_("отчёт")
    )

    class Meta:
        verbose_name = _("готовый вид отчёта")
        verbose_name_plural = _("готовый вид отчётов")
        constraints = [
            models.UniqueConstraint(fields=["report", "format", "language"], name="report_rendering_unique"),
        ]

    def __str__(self):
        return f"{self.report_id}/{self.format}/{self.language}"


class MunicipalityRendering(Rendering):
    """The body of a city's public page (its published reports by year, plans and outcomes) in
    each language, for cities that have published reports."""

    municipality = models.ForeignKey(
        "reports.Municipality", on_delete=models.CASCADE, related_name="renderings", verbose_name=_("муниципалитет")
    )

    class Meta:
        verbose_name = _("готовый вид муниципалитета")
        verbose_name_plural = _("готовый вид муниципалитетов")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "format", "language"], name="municipality_rendering_unique"
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id}/{self.format}/{self.language}"
