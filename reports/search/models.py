"""The search index: one row per searchable piece of a published report, one row of words
per published report, and the vocabulary of the published reports ("did you mean").

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
    # " stem stem … " (Snowball stems of the words that are not stop words, in order: a word's
    # position is its place here): searched on SQLite.
    stems = models.TextField(_("основы слов"))
    # to_tsvector('russian', …) of the same words, weighted A (municipality) / B (items), with the
    # same positions: searched on PostgreSQL only (NULL elsewhere).
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
    # "word word …" — its distinct vocabulary words (text.vocabulary_words), both databases: what
    # it adds to SearchWord, taken off again when the row is replaced or dropped.
    words = models.TextField(_("слова"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("слова отчёта")
        verbose_name_plural = _("слова отчётов")
        indexes = [models.Index(fields=["-year", "-report"], name="reports_terms_year_desc")]

    def __str__(self):
        return str(self.report_id)


class SearchWord(models.Model):
    """A word of the published reports and in how many of them it is: the vocabulary that
    "did you mean" (reports.search.suggest) corrects a query from.

    The sum of ReportTerms.words over the published reports, kept by reports.search.index as it
    writes those rows (in the same transaction), so a word is here exactly while a published
    report has it: never one of a draft, gone when its last report is withdrawn. Suggestions look
    a word's one-letter variants up by primary key and narrow longer edits to the words of the
    same first letters and about the same length (the index on head and length): never a pass
    over the vocabulary or the documents.
    """

    # Normalised as the index normalises (lower case, «ё» as «е»), letters only, MIN_WORD or more.
    word = models.CharField(_("слово"), max_length=100, primary_key=True)
    # Its first HEAD letters, and its length in letters.
    head = models.CharField(_("начало"), max_length=2)
    length = models.PositiveSmallIntegerField(_("длина"))
    # How many published reports have it (never 0: such a row is deleted).
    reports = models.IntegerField(_("отчётов"))

    HEAD = 2

    class Meta:
        verbose_name = _("слово словаря поиска")
        verbose_name_plural = _("словарь поиска")
        indexes = [models.Index(fields=["head", "length"], name="reports_searchword_head")]

    def __str__(self):
        return self.word
