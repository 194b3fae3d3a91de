"""Writing generated demo data (devtools/synthetic/generator.py) fast: `manage.py generate_demo_data`.

Rows go in per chunk of municipalities, one transaction per chunk: municipalities and reports
with bulk_create (their ids are needed), items, publication events and search documents with
COPY on PostgreSQL (bulk_create elsewhere). Everything written is marked `is_generated`.
Not written: historical records (simple-history), e-mails.

Search documents are exactly those reports/search/index.py would write for the published
reports (tests/devtools/test_generate_demo_data.py compares them with index_report()):
the same tokens and stems, and on PostgreSQL the same tsvector, computed by PostgreSQL from
the same words in one INSERT … SELECT per chunk.
"""

import csv
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction

from reports import publication
from reports.directory import DEFAULT_CSV
from reports.models import (
    ITEM_MODELS,
    Achievement,
    Municipality,
    MunicipalityRendering,
    Problem,
    Proposal,
    Report,
    ReportEvent,
    ReportRendering,
    Task,
)
from reports.search import text as search_text
from reports.search.index import refresh_terms, section_weight
from reports.search.models import ReportTerms, SearchDocument, Section
from reports.status import Status

from . import generator

SYSTEM_NAME = "система"  # as reports.workflow names the actor of publish_archive
EVENT_COMMENT = "Сгенерированный отчёт (generate_demo_data)."


class Refused(Exception):
    """The database is not fit for generated data; nothing was written."""


@dataclass
class Counts:
    municipalities: int = 0
    reports: int = 0
    published: int = 0
    items: int = 0
    events: int = 0
    documents: int = 0

    def add(self, other: "Counts") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def rows(self) -> int:
        return self.municipalities + self.reports + self.items + self.events + self.documents


def _postgres() -> bool:
    return connection.vendor == "postgresql"


# --- before writing ------------------------------------------------------------------------


def check(allow_real_data: bool, clear: bool) -> None:
    """Refuse (raise Refused) unless the database may receive generated data."""
    real = Report.objects.filter(is_generated=False).count()
    if real and not allow_real_data:
        raise Refused(
            f"В базе есть настоящие отчёты ({real}). Сгенерированные данные смешаются с ними, поэтому "
            "команда ничего не записала. Запустите её на отдельной базе или добавьте --allow-real-data."
        )
    generated = Report.objects.filter(is_generated=True).count()
    if (generated or Municipality.objects.filter(is_generated=True).exists()) and not clear:
        raise Refused(
            f"В базе уже есть сгенерированные данные (отчётов: {generated}). Команда ничего не записала. "
            "Чтобы создать их заново, добавьте --clear (настоящие данные не затрагиваются)."
        )


def clear_generated() -> tuple[int, int]:
    """Delete generated reports (with their items, events, documents) and generated municipalities
    that have no other reports left; real rows are never touched. Returns (reports, municipalities).

    Plain DELETEs: the ORM's delete() would load every item and write a historical record for it."""
    qn = connection.ops.quote_name
    report_table, municipality_table = qn(Report._meta.db_table), qn(Municipality._meta.db_table)
    memberships = get_user_model().municipalities.through
    membership_table = qn(memberships._meta.db_table)
    membership_column = qn(memberships._meta.get_field("municipality").column)
    generated_reports = f"SELECT id FROM {report_table} WHERE is_generated = %s"
    orphans = (
        f"SELECT m.id FROM {municipality_table} m WHERE m.is_generated = %s "
        f"AND NOT EXISTS (SELECT 1 FROM {report_table} r WHERE r.municipality_id = m.id)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ReportRendering, ReportTerms, SearchDocument, ReportEvent, *ITEM_MODELS):
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)} WHERE report_id IN ({generated_reports})", [True])
        cursor.execute(f"DELETE FROM {report_table} WHERE is_generated = %s", [True])
        deleted_reports = cursor.rowcount
        cursor.execute(f"DELETE FROM {membership_table} WHERE {membership_column} IN ({orphans})", [True])
        cursor.execute(
            f"DELETE FROM {qn(MunicipalityRendering._meta.db_table)} WHERE municipality_id IN ({orphans})", [True]
        )
        cursor.execute(f"DELETE FROM {municipality_table} WHERE id IN ({orphans})", [True])
        deleted_municipalities = cursor.rowcount
        publication.reports_deleted()
    return deleted_reports, deleted_municipalities


def taken_names() -> tuple[list[str], list[str]]:
    """Names and slugs the generated municipalities must not take: the existing ones and the
    directory's (seeds/municipalities.csv), so that the directory never adopts a generated one."""
    names, slugs = [], []
    for name, slug in Municipality.objects.order_by("pk").values_list("name", "slug"):
        names.append(name)
        slugs.append(slug)
    if DEFAULT_CSV.exists():
        with open(DEFAULT_CSV, encoding="utf-8-sig", newline="") as handle:
            names += [(row.get("name") or "").strip() for row in csv.DictReader(handle)]
    return names, slugs


# --- search documents ----------------------------------------------------------------------


class SearchFields:
    """reports.search.text.indexed_text with one word cache for the whole run (generated texts
    repeat their words): (stems, content, stop) of a text, or None."""

    def __init__(self):
        self._words = {}

    def __call__(self, text: str):
        indexed = search_text.indexed_text(text, self._words)
        return None if indexed is None else (indexed.stems, indexed.content, indexed.stop)


# --- writing -------------------------------------------------------------------------------


def _insert_values(model, columns: list[str], rows: list[tuple], batch_size: int, returning=False) -> list:
    """Rows into a table by INSERT … VALUES, the values as given, in batches; with `returning`,
    the new primary keys in the order of the rows. Unlike bulk_create() nothing runs pre_save(),
    so auto_now/auto_now_add fields keep the dates the generator derived from the report year."""
    fields = [model._meta.get_field(c) for c in columns]
    qn = connection.ops.quote_name
    insert = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    suffix = f" RETURNING {qn(model._meta.pk.column)}" if returning else ""
    size = max(1, min(batch_size, connection.ops.bulk_batch_size(fields, rows)))
    one = f"({', '.join(['%s'] * len(fields))})"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [field.get_db_prep_save(value, connection) for row in batch for field, value in zip(fields, row)]
            cursor.execute(insert + ", ".join([one] * len(batch)) + suffix, params)
            if returning:
                ids.extend(pk for (pk,) in cursor.fetchall())
    return ids


def _insert(model, columns: list[str], rows: list[tuple], batch_size: int) -> None:
    """Plain rows into a table: COPY on PostgreSQL, INSERT … VALUES elsewhere."""
    if not rows:
        return
    if _postgres():
        names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
        with connection.cursor() as cursor:
            with cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    _insert_values(model, columns, rows, batch_size)


# The tsvector of reports/search/index._document, from the same words (see the SQL of its SearchVectors).
_VECTOR = (
    "setweight(to_tsvector('russian'::regconfig, COALESCE(content, '')), weight) || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(stop, '')), weight)"
)


def _insert_documents(docs: list[tuple], batch_size: int) -> None:
    """docs: (report_id, section, position, text, stems, content, stop)."""
    if not docs:
        return
    if not _postgres():
        SearchDocument.objects.bulk_create(
            [SearchDocument(report_id=r, section=s, position=p, text=t, stems=st) for r, s, p, t, st, _c, _s in docs],
            batch_size=batch_size,
        )
        return
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE generated_search_stage (n serial, report_id bigint, section varchar(20), "
            'position integer, text text, stems text, content text, stop text, weight "char") ON COMMIT DROP'
        )
        columns = "report_id, section, position, text, stems, content, stop, weight"
        with cursor.cursor.copy(f"COPY generated_search_stage ({columns}) FROM STDIN") as copy:
            for doc in docs:
                copy.write_row((*doc, section_weight(doc[1])))
        cursor.execute(
            f"INSERT INTO {table} (report_id, section, position, text, stems, vector) "
            f"SELECT report_id, section, position, text, stems, {_VECTOR} FROM generated_search_stage ORDER BY n"
        )
        cursor.execute("DROP TABLE generated_search_stage")


def _snapshot(municipality, report: generator.GeneratedReport) -> dict:
    """A minimal snapshot (reports.snapshots.report_snapshot without the sections)."""
    return {
        "municipality": {"id": municipality.pk, "name": municipality.name},
        "year": report.year,
        "status": report.status,
        "version": report.version,
        "generated": True,
    }


@dataclass
class Prepared:
    """A chunk ready to be written: its municipalities, their reports (municipality by
    municipality: (index in `municipalities`, report)) and, parallel to `reports`, the search
    documents of each published report without the report id (none for the others)."""

    municipalities: list
    reports: list
    documents: list


def prepare(chunk, options, search_fields: SearchFields) -> Prepared:
    """Generate a chunk's reports and their search documents (pure Python, no database)."""
    reports, documents = [], []
    for n, municipality in enumerate(chunk):
        for report in generator.municipality_reports(options.seed, municipality, options.first_year, options.years):
            reports.append((n, report))
            published = report.status == Status.PUBLISHED
            documents.append(_documents(municipality.name, report, search_fields) if published else [])
    return Prepared(chunk, reports, documents)


def _documents(name: str, report: generator.GeneratedReport, search_fields: SearchFields) -> list[tuple]:
    """(section, position, text, stems, content, stop) in the order of index._documents."""
    texts = [(Section.MUNICIPALITY, 0, name)]
    sections = (
        (Section.ACHIEVEMENTS, report.achievements),
        (Section.PROBLEMS, report.problems),
        (Section.TASKS, report.tasks),
        (Section.PROPOSALS, [text for _kind, text in report.proposals]),
    )
    for section, items in sections:
        texts.extend((section, position, text) for position, text in enumerate(items, 1))
    docs = []
    for section, position, text in texts:
        found = search_fields(text)
        if found is not None:  # a text without a single word has no document (as in index._document)
            docs.append((section, position, text, *found))
    return docs


def write_chunk(prepared: Prepared, batch_size: int) -> Counts:
    """One transaction: the municipalities, reports, items, events and documents of a chunk."""
    counts = Counts()
    with transaction.atomic():
        if _postgres():
            with connection.cursor() as cursor:
                # Generated data: a crash may lose the last chunks, never corrupt anything.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        municipalities = Municipality.objects.bulk_create(
            [
                Municipality(name=m.name, slug=m.slug, region=m.region, website=m.website, is_generated=True)
                for m in prepared.municipalities
            ],
            batch_size=batch_size,
        )
        report_ids = _insert_values(
            Report,
            ["municipality", "year", "status", "version", "created_at", "updated_at", "submitted_at", "published_at"]
            + ["is_generated"],
            [
                (
                    municipalities[n].pk,
                    r.year,
                    r.status,
                    r.version,
                    r.created_at,
                    r.updated_at,
                    r.submitted_at,
                    r.published_at,
                    True,
                )
                for n, r in prepared.reports
            ],
            batch_size,
            returning=True,
        )
        achievements, problems, tasks, proposals, events, docs = [], [], [], [], [], []
        for pk, (n, r), report_docs in zip(report_ids, prepared.reports, prepared.documents):
            achievements.extend((pk, position, text) for position, text in enumerate(r.achievements, 1))
            problems.extend((pk, position, text) for position, text in enumerate(r.problems, 1))
            tasks.extend((pk, position, text, r.year + 1) for position, text in enumerate(r.tasks, 1))
            proposals.extend((pk, position, text, kind) for position, (kind, text) in enumerate(r.proposals, 1))
            docs.extend((pk, *doc) for doc in report_docs)
            if r.status == Status.PUBLISHED:
                snapshot = _snapshot(municipalities[n], r)
                events.append(
                    (
                        pk,
                        "publish_archive",
                        Status.DRAFT,
                        Status.PUBLISHED,
                        None,
                        SYSTEM_NAME,
                        r.published_at,
                        EVENT_COMMENT,
                        "",
                        json.dumps([]) if _postgres() else [],
                        json.dumps(snapshot, ensure_ascii=False) if _postgres() else snapshot,
                    )
                )
        columns = ["report", "position", "text"]
        _insert(Achievement, columns, achievements, batch_size)
        _insert(Problem, columns, problems, batch_size)
        _insert(Task, [*columns, "year"], tasks, batch_size)
        _insert(Proposal, [*columns, "kind"], proposals, batch_size)
        _insert(
            ReportEvent,
            [
                "report",
                "transition",
                "from_status",
                "to_status",
                "actor",
                "actor_name",
                "created_at",
                "comment",
                "public_comment",
                "notes",
                "snapshot",
            ],
            events,
            batch_size,
        )
        _insert_documents(docs, batch_size)
        refresh_terms(sorted({doc[0] for doc in docs}))
        # Indexed above; the public renderings of the published reports and their cities' pages.
        publication.reports_loaded(
            [pk for pk, (_n, r) in zip(report_ids, prepared.reports) if r.status == Status.PUBLISHED]
        )
    counts.municipalities = len(municipalities)
    counts.reports = len(report_ids)
    counts.published = counts.events = len(events)
    counts.items = len(achievements) + len(problems) + len(tasks) + len(proposals)
    counts.documents = len(docs)
    return counts


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if not _postgres():
        return
    with connection.cursor() as cursor:
        for model in (Municipality, Report, ReportEvent, SearchDocument, ReportTerms, *ITEM_MODELS):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def run(options, out=lambda line: None) -> tuple[Counts, float]:
    """The whole command: check, clear if asked, generate chunk by chunk. Returns (counts, seconds)."""
    generator.check_years(options.first_year, options.years)
    check(options.allow_real_data, options.clear)
    if options.clear:
        reports, municipalities = clear_generated()
        out(f"Удалены прежние сгенерированные данные: отчётов {reports}, муниципалитетов {municipalities}.")
    names, slugs = taken_names()
    planned = generator.municipalities(options.municipalities, options.seed, names, slugs)
    per_chunk = max(1, options.batch_size // options.years)
    chunks = [planned[start : start + per_chunk] for start in range(0, len(planned), per_chunk)]
    total = Counts()
    search_fields = SearchFields()
    started = time.monotonic()
    # One thread generates the next chunk while the database stores the current one.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate_demo_data") as pool:
        upcoming = pool.submit(prepare, chunks[0], options, search_fields) if chunks else None
        for n in range(len(chunks)):
            prepared = upcoming.result()
            if n + 1 < len(chunks):
                upcoming = pool.submit(prepare, chunks[n + 1], options, search_fields)
            total.add(write_chunk(prepared, options.batch_size))
            reset_queries()  # with DEBUG on, Django keeps every query's SQL: megabytes per chunk
            elapsed = time.monotonic() - started
            out(
                f"  муниципалитетов {total.municipalities}/{len(planned)}, отчётов {total.reports}, "
                f"строк {total.rows}, {elapsed:.0f} с"
            )
    analyze()
    return total, time.monotonic() - started
