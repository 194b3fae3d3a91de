"""Keeping the index right: (re)build the documents of one report, of a municipality, of all.

Called by reports.publication inside the transaction of the change (so the index commits
with it), and by `manage.py rebuild_search_index`. Only published reports have documents.
"""

from itertools import islice

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value

from ..models import SECTIONS, Report, published_q
from . import text as search_text
from .models import ReportTerms, SearchDocument, Section

BATCH = 500


def section_weight(section: str) -> str:
    """The tsvector weight of a section's words: a city's name ranks above the items' text."""
    return "A" if section == Section.MUNICIPALITY else "B"


def _document(report_id: int, section: str, position: int, text: str) -> SearchDocument | None:
    indexed = search_text.indexed_text(text)
    if indexed is None:
        return None
    doc = SearchDocument(report_id=report_id, section=section, position=position, text=text, stems=indexed.stems)
    if connection.vendor == "postgresql":
        # The words go through PostgreSQL's own `russian` configuration; its stop words (which it
        # would drop) are added as our stems with `simple`, so that a query made only of stop
        # words finds the same documents as on SQLite, where every stem is in `stems`.
        weight = section_weight(section)
        doc.vector = SearchVector(Value(indexed.content), config="russian", weight=weight) + SearchVector(
            Value(indexed.stop), config="simple", weight=weight
        )
    return doc


def _documents(report_ids) -> list[SearchDocument]:
    """Documents of these reports (the caller has checked they are published): 5 queries."""
    docs = []
    for pk, name in Report.objects.filter(pk__in=report_ids).values_list("pk", "municipality__name"):
        docs.append(_document(pk, Section.MUNICIPALITY, 0, name))
    for section in SECTIONS:
        rows = section.model.objects.filter(report_id__in=report_ids).order_by("report_id", "position", "id")
        for report_id, position, text in rows.values_list("report_id", "position", "text"):
            docs.append(_document(report_id, section.key, position, text))
    return [doc for doc in docs if doc is not None]


# The union of the lexemes of a report's documents, without positions (matching needs none).
TERMS_SQL = """
INSERT INTO {terms} (report_id, year, stems, vector)
SELECT d.report_id, r.year, '', array_to_tsvector(array_agg(DISTINCT u.lexeme))
FROM {docs} d
JOIN {reports} r ON r.id = d.report_id
CROSS JOIN LATERAL unnest(tsvector_to_array(d.vector)) AS u(lexeme)
WHERE d.report_id = ANY(%s)
GROUP BY d.report_id, r.year
"""


def refresh_terms(report_ids) -> None:
    """Rebuild the ReportTerms rows of these reports from their documents (same transaction)."""
    report_ids = list(report_ids)
    if not report_ids:
        return
    ReportTerms.objects.filter(report_id__in=report_ids).delete()
    if connection.vendor == "postgresql":
        tables = {
            "terms": ReportTerms._meta.db_table,
            "docs": SearchDocument._meta.db_table,
            "reports": Report._meta.db_table,
        }
        with connection.cursor() as cursor:
            cursor.execute(TERMS_SQL.format(**tables), [report_ids])
        return
    stems, years = {}, dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "year"))
    for report_id, text in SearchDocument.objects.filter(report_id__in=report_ids).values_list("report_id", "stems"):
        stems.setdefault(report_id, set()).update(text.split())
    ReportTerms.objects.bulk_create(
        [
            ReportTerms(report_id=pk, year=years[pk], stems=f" {' '.join(sorted(words))} ")
            for pk, words in stems.items()
        ],
        batch_size=BATCH,
    )


def index_report(report_id: int) -> None:
    """(Re)build the documents of one report: its current texts if published, none otherwise."""
    with transaction.atomic():
        # The row lock orders concurrent re-indexings of the same report (PostgreSQL).
        published = list(
            Report.objects.published().select_for_update().filter(pk=report_id).values_list("pk", flat=True)
        )
        SearchDocument.objects.filter(report_id=report_id).delete()
        if published:
            SearchDocument.objects.bulk_create(_documents(published), batch_size=BATCH)
        refresh_terms([report_id])


def index_municipality(municipality_id: int) -> int:
    """Re-index the published reports of a municipality (its name is searchable); returns how many."""
    ids = list(
        Report.objects.published().filter(municipality_id=municipality_id).order_by("pk").values_list("pk", flat=True)
    )
    for report_id in ids:
        index_report(report_id)
    return len(ids)


def rebuild_index() -> int:
    """Rebuild the documents of every published report, in batches; returns the number of documents."""
    SearchDocument.objects.exclude(published_q("report__")).delete()
    ReportTerms.objects.exclude(published_q("report__")).delete()
    ids = iter(Report.objects.published().order_by("pk").values_list("pk", flat=True))
    total = 0
    while batch := list(islice(ids, BATCH)):
        with transaction.atomic():
            locked = list(
                Report.objects.published()
                .select_for_update()
                .filter(pk__in=batch)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            SearchDocument.objects.filter(report_id__in=batch).delete()
            docs = SearchDocument.objects.bulk_create(_documents(locked), batch_size=BATCH)
            refresh_terms(batch)
            total += len(docs)
    return total
