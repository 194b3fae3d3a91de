"""The search index: one row per searchable piece of a published report.

Rows are written only by reports.search.index (never by save() or signals). The
GIN index on `vector` exists on PostgreSQL only (see the migration).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import SECTIONS

# What a document is: the municipality's name, or an item of one of the report's sections.
Section = models.TextChoices(
    "Section",
    [("MUNICIPALITY", ("municipality", _("Муниципалитет")))]
    + [(section.key.upper(), (section.key, section.title)) for section in SECTIONS],
)


class SearchDocument(models.Model):
    report = models.ForeignKey(
        "reports.Report",
        on_delete=models.CASCADE,
        db_index=True,
        related_name="search_documents",
        verbose_name=_("отчёт"),
    )
    section = models.CharField(_("раздел"), max_length=20, choices=Section.choices)
    position = models.PositiveIntegerField(_("№"), default=0)
    # As written (shown in results, marked up in Python).
    text = models.TextField(_("текст"))
    # " stem stem … " (Snowball stems of every word, stop words included): searched on SQLite.
    stems = models.TextField(_("основы слов"))
    # to_tsvector('russian', …) of the same words, weighted A (municipality) / B (items):
    # searched on PostgreSQL only (NULL elsewhere).
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("поисковый документ")
        verbose_name_plural = _("поисковые документы")

    def __str__(self):
        return f"{self.report_id}/{self.section}/{self.position}"


class ReportTerms(models.Model):
    """Every word of one published report in one row: which reports match a query.

    SearchDocument holds a row per item (millions at national scale); deciding which reports
    contain all the query's words over those rows means grouping hundreds of thousands of
    documents for a common word. Here the same words are one row per report, so the GIN index
    answers "which reports" directly and the newest matching reports come off a b-tree in
    order (query._candidates). Derived data: written only by reports.search.index, from the
    report's documents, in the same transaction.
    """

    report = models.OneToOneField(
        "reports.Report",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_terms",
        verbose_name=_("отчёт"),
    )
    # A copy of Report.year: candidates are taken newest first straight off this table's index.
    year = models.PositiveIntegerField(_("год"))
    # " stem stem … " — the distinct stems of all the report's documents (SQLite; "" on PostgreSQL).
    stems = models.TextField(_("основы слов"), blank=True, default="")
    # The distinct lexemes of all its documents' vectors, without positions (PostgreSQL; NULL elsewhere).
    vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("слова отчёта")
        verbose_name_plural = _("слова отчётов")
        indexes = [models.Index(fields=["-year", "-report"], name="reports_terms_year_desc")]

    def __str__(self):
        return str(self.report_id)
