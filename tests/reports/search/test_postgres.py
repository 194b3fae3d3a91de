"""PostgreSQL only: the GIN index exists and is used, and PostgreSQL's `russian` configuration
holds exactly the terms our Snowball stems hold (which is why both databases agree)."""

import time

import pytest
from django.db import connection

from reports import search
from reports.models import Report
from reports.search import text as search_text
from reports.search.models import SearchDocument

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search"),
]

GIN = "reports_searchdoc_vector_gin"


def test_the_gin_index_exists():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [GIN])
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
                 LATERAL (SELECT string_agg('слово' || ((r.id * 7919 + k * 104729 + w * 15485863) %% 5000), ' ') AS text
                          FROM generate_series(1, 40) AS w) AS t
            WHERE r.id <> %s
            """,
            [report.pk],
        )
        cursor.execute("SELECT count(*) FROM reports_searchdocument")
        assert cursor.fetchone()[0] > 20_000
        for table in ("reports_municipality", "reports_report", "reports_searchdocument"):
            cursor.execute(f"ANALYZE {table}")
    plans = [
        Report.objects.filter(pk__in=search.matching_report_ids("форум")).explain(),
        Report.objects.filter(pk__in=search.matching_report_ids("Абакан форум ТОС")).explain(),
    ]
    for plan in plans:
        assert f"Bitmap Index Scan on {GIN}" in plan, plan
        assert "Seq Scan on reports_searchdocument" not in plan, plan
    assert [hit.report for hit in search.search("форум")] == [report]
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
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w WHERE to_tsvector('russian', w) <> ''::tsvector", [words]
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT to_tsvector('russian', 'тос форум пандемии') <> ''::tsvector")
        assert cursor.fetchone() == (True,)
