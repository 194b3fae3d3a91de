"""Keeping the index right: (re)build the documents of one report, of a municipality, of all.

Called by reports.publication inside the transaction of the change (so the index commits
with it), and by `manage.py rebuild_search_index`. Only published reports have documents.
Every write of documents ends in refresh_terms(), which rewrites the reports' ReportTerms rows
from their documents and moves the vocabulary of suggestions (SearchWord) by the difference
between the words those rows had and have: the vocabulary is the published reports' words,
in the same transaction as their documents.
"""

from collections import Counter
from itertools import islice

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value

from ..models import SECTIONS, Report, published_q
from . import text as search_text
from .models import ReportTerms, SearchDocument, SearchWord, Section

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
        # The words (stop words already left out) go through PostgreSQL's own `russian`
        # configuration: the same stems as ours, at the same positions.
        doc.vector = SearchVector(Value(indexed.content), config="russian", weight=section_weight(section))
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


# The union of the lexemes of a report's documents, without positions (matching needs none),
# and its vocabulary words (computed in Python: parallel arrays of report ids and words).
TERMS_SQL = """
INSERT INTO {terms} (report_id, year, stems, words, vector)
SELECT d.report_id, r.year, '', w.words, array_to_tsvector(array_agg(DISTINCT u.lexeme))
FROM {docs} d
JOIN {reports} r ON r.id = d.report_id
JOIN unnest(%s::bigint[], %s::text[]) AS w(report_id, words) ON w.report_id = d.report_id
CROSS JOIN LATERAL unnest(tsvector_to_array(d.vector)) AS u(lexeme)
WHERE d.report_id = ANY(%s)
GROUP BY d.report_id, r.year, w.words
"""


def _tables() -> dict:
    return {
        "terms": ReportTerms._meta.db_table,
        "docs": SearchDocument._meta.db_table,
        "reports": Report._meta.db_table,
        "words": SearchWord._meta.db_table,
    }


def refresh_terms(report_ids) -> None:
    """Rebuild the ReportTerms rows of these reports from their documents, and move the
    vocabulary by what their words were and are (same transaction). A report without documents
    (no longer published) loses its row, and its words their count."""
    report_ids = list(report_ids)
    if not report_ids:
        return
    old = dict(ReportTerms.objects.filter(report_id__in=report_ids).values_list("report_id", "words"))
    ReportTerms.objects.filter(report_id__in=report_ids).delete()
    postgres = connection.vendor == "postgresql"
    fields = ("report_id", "text") if postgres else ("report_id", "text", "stems")  # PostgreSQL: lexemes in SQL
    stems, words, cache = {}, {}, {}
    for report_id, text, *doc_stems in SearchDocument.objects.filter(report_id__in=report_ids).values_list(*fields):
        words.setdefault(report_id, set()).update(search_text.vocabulary_words(text, cache))
        for found in doc_stems:
            stems.setdefault(report_id, set()).update(found.split())
    new = {pk: " ".join(sorted(found)) for pk, found in words.items()}
    if postgres:
        ids = sorted(new)
        with connection.cursor() as cursor:
            cursor.execute(TERMS_SQL.format(**_tables()), [ids, [new[pk] for pk in ids], report_ids])
    else:
        years = dict(Report.objects.filter(pk__in=report_ids).values_list("pk", "year"))
        ReportTerms.objects.bulk_create(
            [
                ReportTerms(report_id=pk, year=years[pk], stems=f" {' '.join(sorted(found))} ", words=new[pk])
                for pk, found in stems.items()
            ],
            batch_size=BATCH,
        )
    delta = Counter()
    for pk in old.keys() | new.keys():
        before, after = set(old.get(pk, "").split()), set(new.get(pk, "").split())
        delta.update(dict.fromkeys(after - before, 1))
        delta.subtract(dict.fromkeys(before - after, 1))
    _move_vocabulary(delta)


def _move_vocabulary(delta) -> None:
    """Add these counts (negative: take off) to the vocabulary's words; words left in no report
    go. One pass in the words' order, so that concurrent publications lock rows in one order."""
    changes = sorted((word, n) for word, n in delta.items() if n)
    if not changes:
        return
    qn = connection.ops.quote_name
    table = qn(SearchWord._meta.db_table)
    word, head, length, reports = (
        qn(SearchWord._meta.get_field(f).column) for f in ("word", "head", "length", "reports")
    )
    size = BATCH if connection.vendor == "postgresql" else max(1, connection.features.max_query_params // 4)
    with connection.cursor() as cursor:
        for start in range(0, len(changes), size):
            batch = changes[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({word}, {head}, {length}, {reports}) VALUES "
                + ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                + f" ON CONFLICT ({word}) DO UPDATE SET {reports} = {table}.{reports} + excluded.{reports}",
                [value for w, n in batch for value in (w, w[: SearchWord.HEAD], len(w), n)],
            )
        gone = [w for w, n in changes if n < 0]
        size = BATCH if connection.vendor == "postgresql" else max(1, connection.features.max_query_params - 1)
        for start in range(0, len(gone), size):
            batch = gone[start : start + size]
            cursor.execute(
                f"DELETE FROM {table} WHERE {reports} <= 0 AND {word} IN ({', '.join(['%s'] * len(batch))})", batch
            )


RECOUNT_SQL = """
INSERT INTO {words} (word, head, length, reports)
SELECT w, left(w, {head}), char_length(w), count(*)
FROM {terms} t CROSS JOIN LATERAL unnest(string_to_array(t.words, ' ')) AS w
WHERE t.words <> '' AND t.report_id IN ({published})
GROUP BY w
"""


def recount_vocabulary() -> int:
    """The vocabulary from scratch: the sum of the published reports' ReportTerms.words (it heals
    whatever changed the index behind refresh_terms' back: rows deleted in bulk, say). On
    PostgreSQL the table is locked meanwhile, so publications wait to add their words on top of
    the new counts. Returns the number of words."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = _tables()
            published, params = Report.objects.published().values("pk").query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(tables['words'])} IN EXCLUSIVE MODE")
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(tables['words'])}")
                cursor.execute(RECOUNT_SQL.format(**tables, head=SearchWord.HEAD, published=published), params)
                return cursor.rowcount
        counts = Counter()
        rows = ReportTerms.objects.filter(published_q("report__")).values_list("words", flat=True)
        for words in rows.iterator(chunk_size=BATCH):
            counts.update(words.split())
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(
            [
                SearchWord(word=w, head=w[: SearchWord.HEAD], length=len(w), reports=n)
                for w, n in sorted(counts.items())
            ],
            batch_size=BATCH,
        )
        return len(counts)


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
    """Rebuild the documents of every published report, in batches, then recount the vocabulary;
    returns the number of documents."""
    with transaction.atomic():
        stale = list(ReportTerms.objects.exclude(published_q("report__")).values_list("report_id", flat=True))
        SearchDocument.objects.exclude(published_q("report__")).delete()
        refresh_terms(stale)
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
    recount_vocabulary()
    return total
