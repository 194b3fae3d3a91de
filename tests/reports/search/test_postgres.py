"""PostgreSQL only: the GIN index exists and is used, and PostgreSQL's `russian` configuration
holds exactly the terms our Snowball stems hold (which is why both databases agree)."""

import time

import pytest
from django.db import connection

from reports import search
from reports.models import Report
from reports.search import index, query
from reports.search import text as search_text
from reports.search.models import SearchDocument

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search"),
]

GIN = "reports_searchdoc_vector_gin"
TERMS_GIN = "reports_terms_vector_gin"


@pytest.mark.parametrize("name", [GIN, TERMS_GIN])
def test_the_gin_indexes_exist(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        (definition,) = cursor.fetchone()
    assert "USING gin (vector)" in definition


def test_search_uses_the_gin_index_on_a_big_table(build):
    """2,000 published reports with 10 paragraph-sized documents each (40 words of a 5,000-word
    vocabulary), statistics up to date, seqscan allowed: the planner must choose the index."""
    report = build("Абакан", 2020, achievements=["Проведён форум ТОС"])
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reports_municipality (name, slug, region, website)
            SELECT 'Город' || g, 'gorod-' || g, 'Край', '' FROM generate_series(1, 200) AS g
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_report (municipality_id, year, status, version, created_at, updated_at)
            SELECT m.id, y, 'published', 1, now(), now()
            FROM reports_municipality m, generate_series(2011, 2020) AS y WHERE m.slug LIKE 'gorod-%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_searchdocument (report_id, section, position, text, stems, vector)
            SELECT r.id, 'achievements', k, t.text, ' ' || t.text || ' ', setweight(to_tsvector('simple', t.text), 'B')
            FROM reports_report r CROSS JOIN generate_series(1, 10) AS k,
                 LATERAL (SELECT 'отчет ' || string_agg('слово' || ((r.id * 7919 + k * 104729 + w * 15485863) %% 5000), ' ') AS text
                          FROM generate_series(1, 40) AS w) AS t
            WHERE r.id <> %s
            """,
            [report.pk],
        )
        cursor.execute("SELECT count(*) FROM reports_searchdocument")
        assert cursor.fetchone()[0] > 20_000
    index.refresh_terms(Report.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        # 18,000 older reports with 40 words each, straight into ReportTerms (their documents do
        # not matter here): a table of 20,000 reports, too big to read whole for a rare word.
        cursor.execute(
            """
            INSERT INTO reports_municipality (name, slug, region, website)
            SELECT 'Село' || g, 'selo-' || g, 'Край', '' FROM generate_series(1, 1800) AS g
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_report (municipality_id, year, status, version, created_at, updated_at)
            SELECT m.id, y, 'published', 1, now(), now()
            FROM reports_municipality m, generate_series(2000, 2009) AS y WHERE m.slug LIKE 'selo-%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO reports_reportterms (report_id, year, stems, vector)
            SELECT r.id, r.year, '', array_to_tsvector(ARRAY['отчет'] || ARRAY(
                SELECT DISTINCT 'слово' || mod(r.id * 7919 + w * 15485863, 5000) FROM generate_series(1, 40) AS w))
            FROM reports_report r JOIN reports_municipality m ON m.id = r.municipality_id WHERE m.slug LIKE 'selo-%%'
            """
        )
        for table in ("reports_municipality", "reports_report", "reports_searchdocument", "reports_reportterms"):
            cursor.execute(f"ANALYZE {table}")
    plans = [
        Report.objects.filter(pk__in=search.matching_report_ids("форум")).explain(),
        Report.objects.filter(pk__in=search.matching_report_ids("Абакан форум ТОС")).explain(),
    ]
    for plan in plans:
        assert f"Bitmap Index Scan on {TERMS_GIN}" in plan, plan
        assert "Seq Scan on reports_searchdocument" not in plan, plan
        assert "Seq Scan on reports_reportterms" not in plan, plan
    assert [hit.report for hit in search.search("форум")] == [report]
    # A word in every report but one: the candidates come newest first off the (year, id) index
    # and the scan stops after CANDIDATES of them — no pass over all the matching reports.
    common = query._candidates(search_text.query_terms("отчёт"), None).explain()
    assert "reports_terms_year_desc" in common, common
    assert "Seq Scan" not in common, common
    assert len(search.search("отчёт", limit=5)) == 5
    assert search.count("отчёт", cap=100) == 101
    assert search.count("отчёт") == 20_000
    assert time.monotonic() - started < 10


def test_postgres_and_snowball_hold_the_same_terms(seeds, hidden):
    """For every document of the seed reports: the lexemes of the tsvector (PostgreSQL's stems)
    are exactly our stems (what SQLite searches)."""
    docs = SearchDocument.objects.all()
    assert docs.count() > 50
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tsvector_to_array(vector), stems FROM reports_searchdocument")
        rows = cursor.fetchall()
    for pk, lexemes, stems in rows:
        assert set(lexemes) == set(stems.split()), pk


def test_our_stop_words_are_postgresqls():
    words = sorted(search_text.STOP_WORDS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('russian', w) <> ''::tsvector", [words])
        assert cursor.fetchall() == []
        cursor.execute("SELECT to_tsvector('russian', 'тос форум пандемии') <> ''::tsvector")
        assert cursor.fetchone() == (True,)
